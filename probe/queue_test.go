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
			q.push(pending{at: r.Int64N(20), event: n, n: 1})
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

// TestHeldRunsKeepTheOrder queues the same random operations into a queue
// that holds deliveries in runs and into one that queues each alone
// (oneByOne), and checks that both give the same deliveries in the same
// order, with the same due times: plain pushes, holds that join a run or
// start one, runs moved whole, pops in between, and a final drain.
func TestHeldRunsKeepTheOrder(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 7))
		var runs, flat retryQueue
		flat.oneByOne = true
		var ev uint64
		now := int64(0)
		same := func(a, b pending, what string) {
			t.Helper()
			if a.event != b.event || a.at != b.at || a.seq != b.seq || a.key != b.key {
				t.Fatalf("seed %d: %s: runs gave event %d at %d (seq %d), one by one event %d at %d (seq %d)", seed, what, a.event, a.at, a.seq, b.event, b.at, b.seq)
			}
		}
		for op := 0; op < 400; op++ {
			switch k := r.IntN(10); {
			case k < 2:
				ev++
				p := pending{at: now + r.Int64N(4), event: ev, n: 1, key: uint32(r.IntN(2))}
				runs.push(p)
				flat.push(p)
			case k < 5:
				ev++
				p := pending{event: ev, n: 1, key: uint32(r.IntN(2))}
				at, lane := now+r.Int64N(3), r.IntN(2)
				p.at = at
				runs.add(p, lane, true)
				flat.add(p, lane, true)
			case k < 7 && runs.Len() > 0:
				if runs.Len() != flat.Len() || runs.top().event != flat.top().event {
					t.Fatalf("seed %d: tops differ", seed)
				}
				if run := runs.topRun(); run != nil && r.IntN(2) == 0 {
					// Move the run whole in one queue, member by member
					// in the other, as the engine does.
					at := runs.peekAt() + 1 + r.Int64N(3)
					for range len(run.members) - run.head {
						p := flat.pop()
						flat.push(pending{at: at, event: p.event, n: 1, key: p.key})
					}
					runs.moveRun(at)
					continue
				}
				a, b := runs.pop(), flat.pop()
				same(a, b, "pop")
				now = b.at
			}
		}
		for runs.Len() > 0 {
			same(runs.pop(), flat.pop(), "drain")
		}
		if flat.Len() != 0 {
			t.Fatalf("seed %d: %d left one by one", seed, flat.Len())
		}
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

// TestRunsSplitAtMaxRun queues 2·maxRun+2 deliveries of one lane due at
// one instant, one right after the other: the first alone, the rest in
// runs of at most maxRun, so three runs; moved whole, run after run, and
// taken, they keep the order they were queued in, with queue numbers that
// follow each other.
func TestRunsSplitAtMaxRun(t *testing.T) {
	var q retryQueue
	const n = 2*maxRun + 2
	for i := range uint64(n) {
		q.add(pending{at: 5, event: i, n: 1}, 0, true)
	}
	if len(q.heap) != 4 || q.Len() != n {
		t.Fatalf("%d entries for %d deliveries; want 4 (one alone, runs of %d, %d and 1)", len(q.heap), q.Len(), maxRun, maxRun)
	}
	if q.top().event != 0 || q.topRun() != nil {
		t.Fatal("the first delivery is not the lone entry at the top")
	}
	q.pop()
	for q.topRun() != nil && q.peekAt() == 5 {
		q.moveRun(9)
	}
	for i := uint64(1); i < n; i++ {
		p := q.pop()
		if p.event != i || p.at != 9 || p.seq != n+i {
			t.Fatalf("pop %d: event %d at %d seq %d; want event %d at 9 seq %d", i, p.event, p.at, p.seq, i, n+i)
		}
	}
	if q.Len() != 0 || len(q.heap) != 0 {
		t.Fatalf("%d left, %d entries", q.Len(), len(q.heap))
	}
}
