package probe

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// Symbolic times for the pacer tables, in paceMS.
const paceMS = int64(time.Millisecond)

func TestPace(t *testing.T) {
	tests := []struct {
		name                                 string
		intended, prevIntended, prevDispatch int64
		want                                 int64
	}{
		{"on time", 20 * paceMS, 10 * paceMS, 10 * paceMS, 20 * paceMS},
		{"on time, same instant", 10 * paceMS, 10 * paceMS, 10 * paceMS, 10 * paceMS},
		{"behind: gap kept", 20 * paceMS, 10 * paceMS, 15 * paceMS, 25 * paceMS},
		{"behind by more than the gap: gap kept, not 0", 20 * paceMS, 10 * paceMS, 100 * paceMS, 110 * paceMS},
		{"behind, burst in the schedule stays a burst", 10 * paceMS, 10 * paceMS, 40 * paceMS, 40 * paceMS},
		{"never earlier than intended", 50 * paceMS, 10 * paceMS, 5 * paceMS, 50 * paceMS},
		{"previous left early (cannot happen): still not before intended", 20 * paceMS, 10 * paceMS, 0, 20 * paceMS},
		{"due before the previous: no gap to keep", 5 * paceMS, 10 * paceMS, 12 * paceMS, 12 * paceMS},
		{"due before the previous, previous on time", 5 * paceMS, 10 * paceMS, 10 * paceMS, 10 * paceMS},
	}
	for _, tt := range tests {
		if got := Pace(tt.intended, tt.prevIntended, tt.prevDispatch); got != tt.want {
			t.Errorf("%s: Pace(%d, %d, %d) = %d paceMS, want %d paceMS", tt.name, tt.intended/paceMS, tt.prevIntended/paceMS, tt.prevDispatch/paceMS, got/paceMS, tt.want/paceMS)
		}
	}
}

// TestPacerSequence runs the stateful pacer over a schedule with the actual
// send times it would see, and checks the plan and the late marks.
func TestPacerSequence(t *testing.T) {
	type step struct {
		intended int64 // due
		delay    int64 // how long after the plan the attempt actually left
		plan     int64 // want: when the pacer planned it
		late     bool  // want
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"on time", []step{{0, 0, 0, false}, {10 * paceMS, 0, 10 * paceMS, false}, {20 * paceMS, 0, 20 * paceMS, false}}},
		{"timer noise within tolerance is not carried over", []step{
			{0, paceMS, 0, false}, {10 * paceMS, paceMS, 10 * paceMS, false}, {20 * paceMS, paceMS, 20 * paceMS, false}, {30 * paceMS, paceMS, 30 * paceMS, false},
		}},
		{"a stall shifts the rest by its excess over the tolerance, gaps kept, all late", []step{
			{0, 0, 0, false}, {10 * paceMS, 25 * paceMS, 10 * paceMS, true}, {20 * paceMS, 0, 44 * paceMS, true}, {30 * paceMS, 0, 54 * paceMS, true},
		}},
		{"no catching up, even across an idle stretch", []step{
			{0, 5 * paceMS, 0, true}, {100 * paceMS, 0, 104 * paceMS, true}, {100 * paceMS, 0, 104 * paceMS, true},
		}},
		{"a burst after a stall leaves as a burst, not earlier", []step{
			{0, 3 * paceMS, 0, true}, {0, 0, 2 * paceMS, true}, {0, 0, 2 * paceMS, true}, {50 * paceMS, 0, 52 * paceMS, true},
		}},
		{"oversleep just within the tolerance is forgiven", []step{
			{0, paceMS, 0, false}, {paceMS, paceMS, paceMS, false}, {2 * paceMS, paceMS, 2 * paceMS, false},
		}},
	}
	for _, tt := range tests {
		p := pacer{tolerance: paceMS}
		for i, s := range tt.steps {
			plan := p.next(s.intended)
			if plan != s.plan {
				t.Errorf("%s: step %d planned at %d paceMS, want %d paceMS", tt.name, i, plan/paceMS, s.plan/paceMS)
			}
			if late := p.dispatched(s.intended, plan, plan+s.delay); late != s.late {
				t.Errorf("%s: step %d late = %v, want %v", tt.name, i, late, s.late)
			}
		}
	}
}

// maxWindow returns the largest number of sorted times in any closed
// window [t, t+w].
func maxWindow(times []int64, w int64) int {
	best, j := 0, 0
	for i := range times {
		for j < len(times) && times[j]-times[i] <= w {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// TestPacerNeverBursts is the pacer's property: over random schedules with
// random stalls, no window of dispatches holds more than the schedule's
// busiest window of the same length plus the tolerance; with no timer
// noise, more than the same length. A steady rate R gives at most R+1 in
// any second.
func TestPacerNeverBursts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		n := 50 + rng.IntN(400)
		sched := make([]int64, n)
		var tm int64
		steady := trial%3 == 0
		rate := int64(10 + rng.IntN(200))
		for i := range sched {
			if steady {
				tm = int64(i) * int64(time.Second) / rate
			} else if rng.IntN(4) > 0 {
				tm += rng.Int64N(int64(20 * time.Millisecond)) // bursty: many gaps of 0
				if rng.IntN(3) == 0 {
					tm = sched[max(i-1, 0)]
				}
			}
			sched[i] = tm
		}
		for _, noise := range []bool{false, true} {
			// Without timer noise there is nothing to forgive: tolerance 0
			// is Pace itself, and the bound is exact.
			tol := int64(0)
			if noise {
				tol = int64(time.Millisecond)
			}
			p := pacer{tolerance: tol}
			sent := make([]int64, n)
			var prev int64
			for i, due := range sched {
				plan := p.next(due)
				// The engine sends one at a time: never before the previous.
				actual := max(plan, prev)
				switch r := rng.IntN(100); {
				case r < 3: // a stall: waiting for a slot, a GC pause
					actual += rng.Int64N(int64(200 * time.Millisecond))
				case noise: // timer oversleep
					actual += rng.Int64N(tol + 1)
				}
				if actual < due {
					t.Fatalf("trial %d: attempt %d sent at %d before it was due at %d", trial, i, actual, due)
				}
				p.dispatched(due, plan, actual)
				sent[i], prev = actual, actual
			}
			if !slices.IsSorted(sent) {
				t.Fatalf("trial %d: dispatches out of order", trial)
			}
			for _, w := range []int64{int64(time.Second), int64(100 * time.Millisecond), int64(5 * time.Millisecond)} {
				got, limit := maxWindow(sent, w), maxWindow(sched, w+tol)
				if got > limit {
					t.Fatalf("trial %d (noise %v): %d dispatches in a %v window, the schedule has at most %d in %v",
						trial, noise, got, time.Duration(w), limit, time.Duration(w+tol))
				}
				if steady && w == int64(time.Second) && got > int(rate)+1 {
					t.Fatalf("trial %d: steady %d/s gave %d in a second", trial, rate, got)
				}
			}
		}
	}
}
