//go:build race

package receiver

// raceEnabled makes the long tests shorter under the race detector.
const raceEnabled = true
