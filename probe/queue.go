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
// by the order they were queued, so that runs are deterministic. A
// delivery queued alone lives in the heap itself, at its 64 bytes; one in
// a run (below) at its 64 bytes in the run's slice, the run taking one
// entry of the heap. It is written out rather than built on container/heap
// to avoid boxing every entry in an interface.
//
// Retries and the deliveries a sender's discipline holds back (see add)
// are queued in runs: deliveries due at the same time and queued one
// right after the other, which is what a burst waiting for the sender's
// own pacing is, and the retries of one instant's 429s.
// A run is one entry in the heap, standing for its members in order; as
// their queue numbers follow each other, no other entry sorts between
// them, so the order is exactly that of one entry each. When the
// discipline defers the first member of a run, and would defer every
// other member alike (see gate.uniform), the whole run moves at once:
// a burst of n held deliveries then costs n log n, not n per token.
type retryQueue struct {
	heap []pending
	seq  uint64
	n    int // deliveries queued, counting every member of a run

	runs []heldRun
	free []uint32 // indexes of runs no longer in use
	last int      // 1 + the index of the run queued last, or 0
	// lone is the queue number of the last entry add queued alone, and
	// loneAt and loneLane its due time and lane.
	lone     uint64
	loneAt   int64
	loneLane int

	oneByOne bool // queue held deliveries as one entry each (Engine.oneByOne)
}

// heldRun is a run of held deliveries: members[head:], oldest first. Its
// entry in the heap has n == 0 (no delivery's attempt is number 0), event
// set to the run's index, and the due time and queue number of its first
// member. at and tail are the due time and the queue number of the last
// member. lane and key are those of every member; oneKey is false when
// the members belong to several partitions of the lane; claimed is true
// when every member was held after its ordered sender claimed its
// partition for it (see gate.claims).
type heldRun struct {
	members []pending
	head    int
	at      int64
	tail    uint64
	lane    int
	key     uint32
	oneKey  bool
	claimed bool
}

func (q *retryQueue) Len() int { return q.n }

// peekAt returns the due time of the earliest pending attempt.
func (q *retryQueue) peekAt() int64 { return q.heap[0].at }

// top returns the earliest pending attempt, without taking it.
func (q *retryQueue) top() *pending {
	h := &q.heap[0]
	if h.n != 0 {
		return h
	}
	r := &q.runs[h.event]
	return &r.members[r.head]
}

// topRun returns the run whose first member is the earliest pending
// attempt, or nil when that attempt is not held in a run.
func (q *retryQueue) topRun() *heldRun {
	if h := &q.heap[0]; h.n == 0 {
		return &q.runs[h.event]
	}
	return nil
}

func (q *retryQueue) push(p pending) {
	q.seq++
	p.seq = q.seq
	q.n++
	q.up(p)
}

// add queues p, due at p.at, for lane; claimed says its partition is
// claimed for it (see heldRun). It joins the run queued last when that run
// is due at the same time, belongs to the same lane, and nothing was
// queued after it, and has room (maxRun). A delivery due at the same time
// as the lone entry or the full run of the same lane queued right before
// it starts a run; any other is queued alone, at its 64 bytes. So the
// retries of the 429s answered at one instant, which a Retry-After sends
// back at one instant, and a burst held back by the sender's pacing are
// each one run.
func (q *retryQueue) add(p pending, lane int, claimed bool) {
	q.addNext(&p, p.at, p.n, p.prev, lane, claimed)
}

// addNext is add for p's next attempt, numbered n, due at at after a delay
// of prev: the entry is p copied as it is, then those three fields set in
// place. (p's own fields, just written and copied at once by wider loads,
// would stall.)
func (q *retryQueue) addNext(p *pending, at int64, n uint32, prev time.Duration, lane int, claimed bool) {
	if q.oneByOne {
		e := *p
		e.at, e.n, e.prev = at, n, prev
		q.push(e)
		return
	}
	follows := q.lone == q.seq && q.loneAt == at && q.loneLane == lane
	if q.last != 0 {
		r := &q.runs[q.last-1]
		if r.lane == lane && r.tail == q.seq && r.at == at {
			if len(r.members) >= maxRun {
				follows = true
			} else {
				q.seq++
				q.n++
				r.tail = q.seq
				r.members = append(r.members, *p)
				m := &r.members[len(r.members)-1]
				m.at, m.n, m.prev = at, n, prev
				r.oneKey = r.oneKey && r.key == p.key
				r.claimed = r.claimed && claimed
				return
			}
		}
	}
	if !follows {
		e := *p
		e.at, e.n, e.prev = at, n, prev
		q.push(e)
		q.lone, q.loneAt, q.loneLane = q.seq, at, lane
		return
	}
	var i uint32
	if k := len(q.free); k > 0 {
		i = q.free[k-1]
		q.free = q.free[:k-1]
	} else {
		q.runs = append(q.runs, heldRun{})
		i = uint32(len(q.runs) - 1)
	}
	r := &q.runs[i]
	r.members = append(r.members[:0], *p)
	m := &r.members[0]
	m.at, m.n, m.prev = at, n, prev
	r.head, r.lane, r.key, r.oneKey, r.claimed = 0, lane, p.key, true, claimed
	q.seq++
	q.n++
	r.at, r.tail = at, q.seq
	q.up(pending{at: at, seq: q.seq, event: uint64(i)})
	q.last = int(i) + 1
}

func (q *retryQueue) pop() pending {
	var p pending
	q.popInto(&p)
	return p
}

// popInto is pop, which writes the earliest pending attempt into p (a
// send slot): copied once, where a value returned and stored again would
// be copied twice, each copy read back at once by wider loads that stall.
func (q *retryQueue) popInto(p *pending) {
	h := &q.heap[0]
	if h.n != 0 {
		q.n--
		*p = q.down()
		return
	}
	i := h.event
	r := &q.runs[i]
	*p = r.members[r.head]
	p.at, p.seq = h.at, h.seq
	q.n--
	if r.head++; r.head < len(r.members) {
		// The next member follows at once: it is still the earliest.
		h.seq++
		return
	}
	q.down()
	q.release(i)
}

// moveRun moves every member of the run at the top of the queue to at,
// as if each were taken and queued again in order.
func (q *retryQueue) moveRun(at int64) {
	e := q.heap[0]
	r := &q.runs[e.event]
	k := uint64(len(r.members) - r.head)
	q.down()
	e.at, e.seq = at, q.seq+1
	q.seq += k
	r.at, r.tail = at, q.seq
	q.up(e)
	q.last = int(e.event) + 1
	if r.head >= 1024 && 2*r.head >= len(r.members) {
		m := copy(r.members, r.members[r.head:])
		clear(r.members[m:])
		r.members, r.head = r.members[:m], 0
	}
}

// maxRun is the most members a run holds: a longer one goes on in a run
// of its own, so that a run's slice stays small enough to keep for reuse
// when it is freed, and no burst copies its members into ever larger
// slices.
const maxRun = 4096

// release frees run i, whose members have all been taken.
func (q *retryQueue) release(i uint64) {
	r := &q.runs[i]
	r.members, r.head = r.members[:0], 0
	if cap(r.members) > maxRun {
		r.members = nil
	}
	q.free = append(q.free, uint32(i))
	if q.last == int(i)+1 {
		q.last = 0
	}
}

// up adds e to the heap. The heap is 4-ary: half the levels of a binary
// heap, so a 64-byte entry moves half as often, and the four children of
// a node are compared within a cache line or two.
func (q *retryQueue) up(e pending) {
	q.heap = append(q.heap, e)
	i := len(q.heap) - 1
	for i > 0 {
		parent := (i - 1) / 4
		if !e.before(&q.heap[parent]) {
			break
		}
		q.heap[i] = q.heap[parent]
		i = parent
	}
	q.heap[i] = e
}

// down removes and returns the heap's first entry.
func (q *retryQueue) down() pending {
	h := q.heap
	top := h[0]
	last := len(h) - 1
	e := h[last]
	h = h[:last]
	q.heap = h
	if last > 0 {
		i := 0
		for {
			c := 4*i + 1
			if c >= last {
				break
			}
			end := min(c+4, last)
			for k := c + 1; k < end; k++ {
				if h[k].before(&h[c]) {
					c = k
				}
			}
			if !h[c].before(&e) {
				break
			}
			h[i] = h[c]
			i = c
		}
		h[i] = e
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
