package intmath

import (
	"math"
	"testing"
)

func TestDivisions(t *testing.T) {
	for _, tt := range []struct{ a, b, floor, ceil int64 }{
		{7, 2, 3, 4}, {6, 2, 3, 3}, {0, 5, 0, 0}, {-7, 2, -4, 0}, {math.MaxInt64, 2, math.MaxInt64 / 2, math.MaxInt64/2 + 1},
	} {
		if got := FloorDiv(tt.a, tt.b); got != tt.floor {
			t.Errorf("FloorDiv(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.floor)
		}
		if tt.a >= 0 {
			if got := CeilDiv(tt.a, tt.b); got != tt.ceil {
				t.Errorf("CeilDiv(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.ceil)
			}
		}
	}
	if GCD(1_000_000_000, 30) != 10 || GCD(7, 0) != 7 {
		t.Error("GCD")
	}
}

// TestSpan checks that a window's span holds exactly the times of that
// window, at its edges and near both ends of int64, and is empty where it
// does not fit.
func TestSpan(t *testing.T) {
	for _, per := range []int64{1, 3, 1e9, math.MaxInt64 / 3, math.MaxInt64} {
		for _, at := range []int64{math.MinInt64, math.MinInt64 + 1, -per - 1, -per, -1, 0, 1, per - 1, per, 1e18, math.MaxInt64 - per, math.MaxInt64 - 1, math.MaxInt64} {
			k := FloorDiv(at, per)
			from, to := Span(k, per)
			if from == to {
				if k > math.MinInt64/per && k < math.MaxInt64/per-1 {
					t.Errorf("Span(%d, %d) is empty; the window fits", k, per)
				}
				continue
			}
			if at < from || at >= to || to-from != per || FloorDiv(from, per) != k || FloorDiv(to, per) != k+1 {
				t.Errorf("per %d, time %d in window %d: span [%d, %d)", per, at, k, from, to)
			}
		}
	}
}
