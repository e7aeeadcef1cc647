package probe

import (
	"slices"
	"testing"
)

// TestInorderReleasesInSendOrder finishes attempts in a scrambled order
// and checks they are released in the order they were claimed, each once,
// and that the buffer refuses a claim when full.
func TestInorderReleasesInSendOrder(t *testing.T) {
	q := newInorder(4)
	var got []uint64
	emit := func(s *sendSlot) { got = append(got, s.p.event) }
	var inFlight []*sendSlot
	claim := func() {
		s := q.claim()
		s.p.event = s.seq + 1
		inFlight = append(inFlight, s)
	}
	for range 4 {
		claim()
	}
	if !q.full() {
		t.Fatal("4 unreported attempts in a ring of 4: not full")
	}
	finish := func(event uint64) {
		for _, s := range inFlight {
			if s.p.event == event && !s.done {
				s.done = true
				q.release(emit)
				return
			}
		}
		t.Fatalf("event %d not in flight", event)
	}
	finish(3)
	finish(2)
	if len(got) != 0 {
		t.Fatalf("released %v before attempt 1 finished", got)
	}
	finish(1)
	if !slices.Equal(got, []uint64{1, 2, 3}) {
		t.Fatalf("released %v, want [1 2 3]", got)
	}
	if q.full() || q.unreleased() != 1 {
		t.Fatalf("after releasing 3: full %v, unreleased %d", q.full(), q.unreleased())
	}
	inFlight = inFlight[3:]
	claim()
	claim()
	claim()
	if !q.full() {
		t.Fatal("not full again")
	}
	finish(7)
	finish(5)
	finish(6)
	finish(4)
	if !slices.Equal(got, []uint64{1, 2, 3, 4, 5, 6, 7}) {
		t.Fatalf("released %v, want 1 to 7 in order", got)
	}
	if q.unreleased() != 0 {
		t.Fatalf("unreleased %d, want 0", q.unreleased())
	}
}
