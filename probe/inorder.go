package probe

// sendSlot is one attempt between its dispatch and its report to the
// Observer: the delivery it carries, what came back, and, once it has
// finished, the fate of the delivery if this attempt settled it.
//
// While the attempt is in flight the slot belongs to the goroutine sending
// it; the dispatcher reads it again only after receiving it back on the
// completion channel.
type sendSlot struct {
	seq  uint64  // dispatch sequence number, from 0
	p    pending // the delivery and the attempt number it carries
	att  Attempt
	fate Fate // Delivered or GaveUp when this attempt settled the delivery; "" when a retry is queued
	dial bool // the attempt failed to connect at all
	done bool // the attempt has finished and waits to be reported
}

// inorder is the release buffer between the senders and the Observer: a
// ring of slots keyed by dispatch sequence. Attempts finish in any order;
// release hands them on in the order they were sent. It holds at most
// len(slots) attempts that were sent and not yet reported, so a request
// that hangs holds up dispatching after that many more (they wait for a
// slot and go late) instead of growing the buffer.
//
// It is used by one goroutine, the dispatcher.
type inorder struct {
	slots      []sendSlot // a power of two of them, at least size
	mask       uint64     // len(slots) - 1
	size       uint64     // the most unreported attempts
	head, next uint64     // the oldest unreported sequence number; the next to claim
}

// newInorder returns a buffer of n slots (at least 1).
func newInorder(n int) inorder {
	size := uint64(max(n, 1))
	l := uint64(1)
	for l < size {
		l <<= 1
	}
	return inorder{slots: make([]sendSlot, l), mask: l - 1, size: size}
}

// full reports whether every slot holds an unreported attempt.
func (q *inorder) full() bool { return q.next-q.head >= q.size }

// claim returns the slot of the next sequence number, with no fate and
// not done; the caller fills in its delivery and attempt. The buffer must
// not be full.
func (q *inorder) claim() *sendSlot {
	s := &q.slots[q.next&q.mask]
	s.seq, s.fate, s.dial, s.done = q.next, "", false, false
	q.next++
	return s
}

// release calls emit for every finished slot at the head of the sequence,
// in order, and frees it, stopping at the first slot still in flight.
func (q *inorder) release(emit func(*sendSlot)) {
	for q.head < q.next {
		s := &q.slots[q.head&q.mask]
		if !s.done {
			return
		}
		emit(s)
		s.done = false
		q.head++
	}
}

// unreleased returns the number of slots sent and not yet reported.
func (q *inorder) unreleased() int { return int(q.next - q.head) }
