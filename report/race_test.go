//go:build race

package report

// raceEnabled skips the memory measurements under the race detector,
// which inflates what they measure (.ci/run runs them without it).
const raceEnabled = true
