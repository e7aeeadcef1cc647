//go:build linux

package probe

import (
	"syscall"
	"time"
)

// sleepPrecise blocks the calling goroutine's thread for d with the
// kernel's high-resolution timer (nanosleep), which wakes within tens of
// microseconds; the runtime's timers wake up to a millisecond late. A
// signal may end it early: the caller looks at the clock again.
func sleepPrecise(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	_ = syscall.Nanosleep(&ts, nil)
}
