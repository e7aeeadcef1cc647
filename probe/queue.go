package probe

import "time"

// pending is a delivery waiting for its next attempt.
type pending struct {
	at      int64 // when the attempt is due
	seq     uint64
	event   uint64
	copy    int
	copies  int
	key     string
	size    int64
	emitted int64
	n       int // number of the attempt that is due
	prev    time.Duration
}

// retryQueue is a binary min-heap of pending attempts ordered by due time,
// then by the order they were queued, so that runs are deterministic. It is
// written out rather than built on container/heap to avoid boxing every
// entry in an interface.
type retryQueue struct {
	items []pending
	seq   uint64
}

func (q *retryQueue) Len() int { return len(q.items) }

func (q *retryQueue) peek() *pending { return &q.items[0] }

func (q *retryQueue) less(i, j int) bool {
	a, b := &q.items[i], &q.items[j]
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

func (q *retryQueue) push(p pending) {
	q.seq++
	p.seq = q.seq
	q.items = append(q.items, p)
	i := len(q.items) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !q.less(i, parent) {
			break
		}
		q.items[i], q.items[parent] = q.items[parent], q.items[i]
		i = parent
	}
}

func (q *retryQueue) pop() pending {
	top := q.items[0]
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	q.items[last] = pending{}
	q.items = q.items[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && q.less(l, m) {
			m = l
		}
		if r < last && q.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		q.items[i], q.items[m] = q.items[m], q.items[i]
		i = m
	}
	return top
}
