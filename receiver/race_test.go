//go:build race

package receiver

// raceEnabled skips the allocation counts under the race detector, whose
// sync.Pool drops some of what is put back.
const raceEnabled = true
