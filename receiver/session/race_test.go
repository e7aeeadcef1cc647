//go:build race

package report

// raceEnabled makes the long serve tests shorter under the race detector.
const raceEnabled = true
