package report

import (
	"testing"
	"time"
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
