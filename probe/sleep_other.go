//go:build !linux

package probe

import "time"

// sleepPrecise sleeps for d. Outside Linux it is the runtime's sleep, which
// may wake up to a millisecond late.
func sleepPrecise(d time.Duration) { time.Sleep(d) }
