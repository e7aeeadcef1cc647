//go:build race

package report

// raceEnabled makes the long serve tests shorter under the race detector,
// and skips the memory measurements (.ci/run runs them without it).
const raceEnabled = true
