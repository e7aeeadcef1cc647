package probe

import "time"

// pending is a delivery waiting for its next attempt.
type pending struct {
	at      int64 // when the attempt is due
	event   uint64
	copy    int
	copies  int
	key     string
	ws      string // the workspace; "" for all traffic one
	size    int64
	emitted int64
	n       int // number of the attempt that is due
	prev    time.Duration
}

// retryQueue is a min-heap of pending attempts ordered by due time, then
// by the order they were queued, so that runs are deterministic. The heap
// holds small entries (time, sequence, slot) that point into a slab of
// pending deliveries, so that sifting moves 24 bytes, not the delivery;
// freed slots are reused. It is written out rather than built on
// container/heap to avoid boxing every entry in an interface.
type retryQueue struct {
	heap []qentry
	slab []pending
	free []uint32
	seq  uint64
}

type qentry struct {
	at   int64
	seq  uint64
	slot uint32
}

func (e qentry) before(f qentry) bool { return e.at < f.at || (e.at == f.at && e.seq < f.seq) }

func (q *retryQueue) Len() int { return len(q.heap) }

// peekAt returns the due time of the earliest pending attempt.
func (q *retryQueue) peekAt() int64 { return q.heap[0].at }

func (q *retryQueue) push(p pending) {
	var slot uint32
	if n := len(q.free); n > 0 {
		slot = q.free[n-1]
		q.free = q.free[:n-1]
		q.slab[slot] = p
	} else {
		slot = uint32(len(q.slab))
		q.slab = append(q.slab, p)
	}
	q.seq++
	e := qentry{at: p.at, seq: q.seq, slot: slot}
	q.heap = append(q.heap, e)
	i := len(q.heap) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !e.before(q.heap[parent]) {
			break
		}
		q.heap[i] = q.heap[parent]
		i = parent
	}
	q.heap[i] = e
}

func (q *retryQueue) pop() pending {
	top := q.heap[0]
	last := len(q.heap) - 1
	e := q.heap[last]
	q.heap = q.heap[:last]
	if last > 0 {
		i := 0
		for {
			c := 2*i + 1
			if c >= last {
				break
			}
			if r := c + 1; r < last && q.heap[r].before(q.heap[c]) {
				c = r
			}
			if !q.heap[c].before(e) {
				break
			}
			q.heap[i] = q.heap[c]
			i = c
		}
		q.heap[i] = e
	}
	p := q.slab[top.slot]
	q.slab[top.slot] = pending{}
	q.free = append(q.free, top.slot)
	return p
}
