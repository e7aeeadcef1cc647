package probe

import (
	"fmt"
	"math"
	"time"

	"github.com/hooklimit/hooklimit/scenarios"
)

// pending is a delivery waiting for its next attempt. It is packed, 64
// bytes, because a burst can leave a million of them waiting at once: the
// key is an index into the engine's keyTable, and the small counts are 32 bits
// (the engine checks that they fit).
type pending struct {
	at      int64  // when the attempt is due
	seq     uint64 // the order it was queued in, for ties of at
	event   uint64
	emitted int64
	size    int64
	prev    time.Duration
	key     uint32 // index into the engine's keyTable: key and workspace
	copy    uint32
	copies  uint32
	n       uint32 // number of the attempt that is due
}

func (p *pending) before(q *pending) bool {
	return p.at < q.at || (p.at == q.at && p.seq < q.seq)
}

// retryQueue is a min-heap of pending attempts ordered by due time, then
// by the order they were queued, so that runs are deterministic. Entries
// live in the heap itself, with no slab or free list beside it, so that a
// pending delivery costs its 64 bytes and nothing more. It is written out
// rather than built on container/heap to avoid boxing every entry in an
// interface.
type retryQueue struct {
	heap []pending
	seq  uint64
}

func (q *retryQueue) Len() int { return len(q.heap) }

// peekAt returns the due time of the earliest pending attempt.
func (q *retryQueue) peekAt() int64 { return q.heap[0].at }

func (q *retryQueue) push(p pending) {
	q.seq++
	p.seq = q.seq
	q.heap = append(q.heap, p)
	i := len(q.heap) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !p.before(&q.heap[parent]) {
			break
		}
		q.heap[i] = q.heap[parent]
		i = parent
	}
	q.heap[i] = p
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
			if r := c + 1; r < last && q.heap[r].before(&q.heap[c]) {
				c = r
			}
			if !q.heap[c].before(&e) {
				break
			}
			q.heap[i] = q.heap[c]
			i = c
		}
		q.heap[i] = e
	}
	return top
}

// keyTable interns the partition keys, workspaces and senders (lanes) of
// deliveries to the small ids pending entries carry: a partition of the
// sender is one id. It is used by the engine's own goroutine only.
type keyTable struct {
	names []keyName
	ids   map[keyName]uint32
}

// keyName is a delivery's partition key, workspace ("" for none) and the
// index of the lane that sends it.
type keyName struct {
	key, ws string
	sender  int
}

// id returns the id of key in workspace ws sent by lane sender, adding it
// when it is new.
func (t *keyTable) id(key, ws string, sender int) (uint32, error) {
	k := keyName{key, ws, sender}
	if id, ok := t.ids[k]; ok {
		return id, nil
	}
	if uint64(len(t.names)) == math.MaxUint32 {
		return 0, fmt.Errorf("probe: more than %d partition keys", uint32(math.MaxUint32))
	}
	if t.ids == nil {
		t.ids = make(map[keyName]uint32)
	}
	id := uint32(len(t.names))
	t.names = append(t.names, k)
	t.ids[k] = id
	return id, nil
}

// name returns the key and workspace of id.
func (t *keyTable) name(id uint32) (key, ws string) {
	k := t.names[id]
	return k.key, k.ws
}

// key returns the partition key of id.
func (t *keyTable) key(id uint32) string { return t.names[id].key }

// sender returns the lane index of id.
func (t *keyTable) sender(id uint32) int { return t.names[id].sender }

// newPending returns the pending delivery of an emission's first attempt,
// due at at, its key and workspace interned in keys.
func newPending(m *scenarios.Emission, at int64, keys *keyTable) (pending, error) {
	if m.Copy < 0 || m.Copies < 0 || int64(m.Copy) > math.MaxUint32 || int64(m.Copies) > math.MaxUint32 {
		return pending{}, fmt.Errorf("probe: event %d has copy %d of %d, out of range", m.Event, m.Copy, m.Copies)
	}
	id, err := keys.id(m.Key, m.Workspace, m.Sender)
	if err != nil {
		return pending{}, err
	}
	return pending{at: at, event: m.Event, copy: uint32(m.Copy), copies: uint32(m.Copies), key: id, size: m.Size, emitted: at, n: 1}, nil
}
