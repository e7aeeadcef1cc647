package limitsim

import (
	"math"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/intmath"
)

// TestFixedWindowOfEveryTime checks that a fixed window always counts in
// the window that holds the request's time, which it finds without a
// division while the time is in the window it found last: at both edges
// of windows, across them, in long gaps, and near both ends of int64,
// where a window's span does not fit (a time before MinTime counts as
// MinTime).
func TestFixedWindowOfEveryTime(t *testing.T) {
	for _, per := range []int64{1, 7, int64(time.Second), int64(time.Minute), math.MaxInt64 / 3} {
		var times []int64
		for _, base := range []int64{math.MinInt64, -3 * per, 0, t0, math.MaxInt64 - 3*per} {
			if base > math.MaxInt64-3*per {
				continue
			}
			for _, d := range []int64{0, 1, per - 1, per, per + 1, 2*per - 1, 2 * per, 3*per - 1} {
				if d >= 0 && base <= math.MaxInt64-d {
					times = append(times, base+d)
				}
			}
		}
		times = append(times, math.MaxInt64-1, math.MaxInt64)
		f := newFixed(Limit{Kind: Fixed, Quota: 2, Per: time.Duration(per)}, true)
		last := int64(math.MinInt64)
		for _, now := range times {
			if now < last {
				continue // a fixed window counts an earlier time at the last one
			}
			last = now
			f.Take(now, 1, true)
			at := f.last // now, or MinTime for a time before it
			if want := intmath.FloorDiv(at, per); f.window != want {
				t.Fatalf("per %d, time %d: counted in window %d, want %d", per, at, f.window, want)
			}
			if f.from != f.to && (at < f.from || at >= f.to) {
				t.Fatalf("per %d, time %d: outside the span [%d, %d) of its window", per, at, f.from, f.to)
			}
		}
	}
}
