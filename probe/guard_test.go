package probe

import "testing"

// TestWarnAmplification: the warning comes once, at the first attempt
// that brings the attempts to ratio times the deliveries, not before the
// minimum number of attempts.
func TestWarnAmplification(t *testing.T) {
	tests := []struct {
		name       string
		ns         []int // attempt numbers, in order
		ratio, min int64
		at         int64 // attempts when warned; 0 for never
	}{
		{"first attempts only", []int{1, 1, 1, 1}, 2, 0, 0},
		{"exactly twice", []int{1, 2, 1, 2}, 2, 0, 2},
		{"twice, after the minimum", []int{1, 2, 1, 2, 3}, 2, 3, 4},
		{"under the minimum", []int{1, 2, 3}, 2, 4, 0},
		{"once only", []int{1, 2, 3, 4, 5}, 2, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got, calls int64
			w := WarnAmplification(nil, tt.ratio, tt.min, func(a, d int64) { got, calls = a, calls+1 })
			for _, n := range tt.ns {
				w.Attempt(&Attempt{N: n})
			}
			if got != tt.at || (tt.at != 0) != (calls == 1) || calls > 1 {
				t.Errorf("warned at %d attempts (%d calls), want %d", got, calls, tt.at)
			}
		})
	}
}
