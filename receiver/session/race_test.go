//go:build race

package session

// raceEnabled makes the long serve tests shorter under the race detector.
const raceEnabled = true
