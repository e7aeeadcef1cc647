package report

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/intmath"
)

// TestTimelineCoarsens: past MaxTimelinePoints seconds a timeline counts
// per minute, and timelines of different steps merge exactly.
func TestTimelineCoarsens(t *testing.T) {
	b := NewTimelineBuilder(nil)
	t0 := int64(1771318800 * time.Second)
	b.Add(t0+int64(500*time.Millisecond), 0, true, false)
	b.Add(t0+int64(30*time.Second), 0, false, true)
	fine := b.Timeline()
	if fine.StepSeconds != 1 || fine.Len() != 31 || fine.Start != Timestamp(t0) {
		t.Fatalf("step %d len %d start %s", fine.StepSeconds, fine.Len(), fine.Start)
	}
	b.Add(t0-int64(2*time.Second), 0, true, false) // earlier: grows at the front
	b.Add(t0+int64(MaxTimelinePoints)*int64(time.Second), 0, true, false)
	tl := b.Timeline()
	if tl.StepSeconds != 60 || tl.Len() > MaxTimelinePoints || Total(tl.Sent) != 4 || Total(tl.Admitted) != 3 || Total(tl.Rejected429) != 1 {
		t.Fatalf("step %d len %d sent %d admitted %d 429 %d", tl.StepSeconds, tl.Len(), Total(tl.Sent), Total(tl.Admitted), Total(tl.Rejected429))
	}
	if err := tl.Validate(); err != nil {
		t.Fatal(err)
	}
	m := MergeTimelines(fine, tl)
	// The minute before t0 holds one request; t0's minute two of each.
	if m.StepSeconds != 60 || Total(m.Sent) != 6 || m.Sent[0] != 1 || m.Sent[1] != 2+2 {
		t.Fatalf("merged step %d sent %v", m.StepSeconds, m.Sent[:2])
	}
}

// TestTimelineAddInAnyOrder adds requests at random times (runs within
// one second, jumps back, jumps far ahead that coarsen the steps, times
// near the ends of int64), and now and then a step's counts as a merge
// adds them, and checks that each was counted in the step that holds it,
// in the timeline's final steps.
func TestTimelineAddInAnyOrder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		start int64
		jump  int64 // the largest jump ahead, ns
		span  int64 // how far from start times go
	}{
		{"seconds", int64(1771318800 * time.Second), int64(3 * time.Second), int64(time.Hour)},
		{"coarsens", int64(1771318800 * time.Second), int64(3 * time.Hour), int64(20 * 24 * time.Hour)},
		{"near the start of time", math.MinInt64 + int64(2*time.Hour), int64(time.Minute), int64(time.Hour)},
		{"near the end of time", math.MaxInt64 - int64(3*time.Hour), int64(time.Minute), int64(time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(12, uint64(tc.jump)))
			b := NewTimelineBuilder(nil)
			var times []int64
			at := tc.start
			for i := range 3000 {
				if i%500 == 250 {
					// Before every step so far, as a merge may add one; then
					// again in the step counted last.
					early := tc.start - tc.span/2 - int64(i/250)*(tc.span/20)
					b.addStep(early, 1, 0, 0, 0)
					b.Add(at, 0, false, false)
					times = append(times, early, at)
				}
				switch r.IntN(10) {
				case 0:
					at -= r.Int64N(int64(5 * time.Second)) // back
				case 1:
					at += r.Int64N(tc.jump)
				default:
					at += r.Int64N(int64(50 * time.Millisecond))
				}
				at = max(at, tc.start-tc.span/2)
				at = min(at, tc.start+tc.span)
				if r.IntN(50) == 0 {
					b.addStep(at, 1, 0, 0, 0) // as a merge does: it may move or coarsen the steps too
				} else {
					b.Add(at, 0, at%2 == 0, at%3 == 0)
				}
				times = append(times, at)
			}
			tl := b.Timeline()
			step := tl.Step()
			want := make([]int64, tl.Len())
			first := intmath.FloorDiv(int64(tl.Start), step)
			for _, at := range times {
				i := intmath.FloorDiv(at, step) - first
				if i < 0 || i >= int64(len(want)) {
					t.Fatalf("time %d is outside the timeline (start %d, %d steps of %d)", at, tl.Start, tl.Len(), step)
				}
				want[i]++
			}
			if !slices.Equal(tl.Sent, want) {
				t.Fatalf("step %d: sent %v, want %v", step, tl.Sent, want)
			}
		})
	}
}
