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
