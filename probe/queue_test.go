package probe

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

func TestRetryQueueOrdersByTimeThenInsertion(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	var q retryQueue
	type item struct {
		at    int64
		order uint64
	}
	var n uint64
	for round := 0; round < 50; round++ {
		for i := 0; i < r.IntN(40); i++ {
			n++
			q.push(pending{at: r.Int64N(20), event: n})
		}
		for i := 0; i < r.IntN(40) && q.Len() > 0; i++ {
			q.pop()
		}
	}
	// Draining what is left must give time order, ties in insertion order.
	last := item{-1, 0}
	for q.Len() > 0 {
		p := q.pop()
		cur := item{p.at, p.event}
		if cur.at < last.at || (cur.at == last.at && cur.order < last.order) {
			t.Fatalf("popped %+v after %+v", cur, last)
		}
		last = cur
	}
}

// TestPendingIsCompact pins the size of a pending delivery: a burst can
// leave MaxPending of them waiting at once, and the README states what
// that costs.
func TestPendingIsCompact(t *testing.T) {
	if got := unsafe.Sizeof(pending{}); got != 64 {
		t.Fatalf("a pending delivery takes %d bytes, want 64", got)
	}
}
