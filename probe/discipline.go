package probe

import (
	"container/heap"
	"time"

	"github.com/hooklimit/hooklimit/probe/retry"
)

// gate applies a Sender's discipline to the attempts the scheduler takes
// in due order. Before an attempt leaves, the scheduler asks hold what to
// do with it; the gate answers from times only (when a partition's pause
// ends, when the bucket has a token, when an attempt in flight is
// answered), all counted from attempts' Done, so the simulator and an HTTP
// target are held alike. It belongs to Run's goroutine.
type gate struct {
	s       *Sender
	parts   []gatePart
	bucket  tokens    // shared by every partition
	flying  int       // attempts sent and not yet answered
	answers doneTimes // when the answered attempts in flight are answered
	parked  int       // deliveries waiting in the ordered queues
	fails   int       // deliveries given up in a row

	// pauseEnd is the latest pausedUntil of any partition: no partition
	// is paused at or after it.
	pauseEnd int64
}

// gatePart is one partition's state.
type gatePart struct {
	owned       bool   // a delivery is under way (Ordered)
	event       uint64 // the delivery under way: its event and copy
	copy        uint32
	began       bool      // its first attempt has left
	started     int64     // when its first attempt was due
	freeAt      int64     // when the last delivery under way settled
	waiting     []pending // the deliveries queued behind it, oldest first
	pausedFrom  int64     // the partition is held from the answer of a 429 ...
	pausedUntil int64     // ... until its Retry-After ends
	bucket      tokens    // per-partition pacing
}

// action is what the scheduler does with the attempt due next.
type action int

const (
	proceed action = iota // it may leave at its due time
	defer_                // it is due again at the time hold returned
	park                  // it waits behind its partition's delivery under way
	wait                  // it waits for an attempt in flight to be answered
	lose                  // the sender is disabled: its delivery ends Disabled
)

func newGate(s *Sender) *gate {
	if s.Parallel() {
		return nil
	}
	return &gate{s: s}
}

func (g *gate) part(key uint32) *gatePart {
	for int(key) >= len(g.parts) {
		g.parts = append(g.parts, gatePart{})
	}
	return &g.parts[key]
}

// hold decides about an attempt of delivery (event, copy) in partition
// key, due at at, which is the n-th attempt of its delivery.
func (g *gate) hold(key uint32, event uint64, copy uint32, at int64, disabled bool) (action, int64) {
	if disabled {
		return lose, 0
	}
	pt := g.part(key)
	s := g.s
	if s.Ordered {
		if pt.owned && (pt.event != event || pt.copy != copy) {
			return park, 0
		}
		if !pt.owned && at < pt.freeAt {
			return defer_, pt.freeAt
		}
		if !pt.owned {
			pt.claim(event, copy)
		}
	}
	t := at
	if s.PauseOn429 && at >= pt.pausedFrom && at < pt.pausedUntil {
		t = pt.pausedUntil
	}
	if s.Pace.Rate > 0 {
		if s.Pace.PerPartition {
			t = pt.bucket.ready(&s.Pace, t)
		} else {
			t = g.bucket.ready(&s.Pace, t)
		}
	}
	if t > at {
		return defer_, t
	}
	if s.Concurrency > 0 {
		for len(g.answers) > 0 && g.answers[0] <= at {
			heap.Pop(&g.answers)
		}
		if g.flying+len(g.answers) >= s.Concurrency {
			if len(g.answers) == 0 {
				return wait, 0
			}
			return defer_, g.answers[0]
		}
	}
	return proceed, 0
}

// uniform reports whether hold, asked at at about each delivery of a run
// (deliveries of one lane, of one partition when oneKey), answers each
// alike and changes nothing by answering. An ordered sender claims a
// partition for the delivery it asks about, so its run must hold only
// deliveries that have claimed theirs (claimed). A pause and a bucket per
// partition answer per partition, so a run of several partitions needs a
// bucket they share and no pause in force at at for any partition.
func (g *gate) uniform(oneKey, claimed bool, at int64) bool {
	switch {
	case g.s.Ordered && !claimed:
		return false
	case oneKey:
		return true
	case g.s.Pace.PerPartition:
		return false
	}
	return !g.s.PauseOn429 || at >= g.pauseEnd
}

// claims reports whether hold claims nothing when asked again about
// delivery (event, copy) of partition key: the sender is not ordered, or
// the partition is claimed for that delivery already.
func (g *gate) claims(key uint32, event uint64, copy uint32) bool {
	if !g.s.Ordered {
		return true
	}
	pt := g.part(key)
	return pt.owned && pt.event == event && pt.copy == copy
}

// sent records that the attempt of p left at now.
func (g *gate) sent(p *pending, now int64) {
	pt := g.part(p.key)
	if g.s.Ordered && !pt.began {
		pt.began, pt.started = true, p.at
	}
	if g.s.Pace.Rate > 0 {
		if g.s.Pace.PerPartition {
			pt.bucket.take(&g.s.Pace, now)
		} else {
			g.bucket.take(&g.s.Pace, now)
		}
	}
	g.flying++
}

// answered records the answer to an attempt of p, and applies the
// sender's quirks to what the policy is told of it.
func (g *gate) answered(p *pending, a *Attempt, resp *retry.Response) {
	g.flying--
	if g.s.Concurrency > 0 {
		heap.Push(&g.answers, a.Done)
	}
	switch g.s.RetryAfter {
	case RetryAfterMillis:
		resp.RetryAfter /= 1000
	case RetryAfterIgnore:
		resp.RetryAfter, resp.HasRetryAfter = 0, false
	}
	if g.s.PauseOn429 && a.Status == 429 {
		d := g.s.pauseFallback()
		if resp.HasRetryAfter {
			d = resp.RetryAfter
		}
		pt := g.part(p.key)
		if a.Done >= pt.pausedUntil {
			pt.pausedFrom = a.Done
		}
		pt.pausedUntil = max(pt.pausedUntil, a.Done+int64(d))
		g.pauseEnd = max(g.pauseEnd, pt.pausedUntil)
	}
}

// elapsed returns the Elapsed the policy is told for an attempt of p
// answered at done: from its first attempt's due time, which for an
// ordered sender is when it reached the head of its queue.
func (g *gate) elapsed(p *pending, done int64) time.Duration {
	if pt := g.part(p.key); g.s.Ordered && pt.began {
		return time.Duration(done - pt.started)
	}
	return time.Duration(done - p.emitted)
}

// next asks the policy for the delay after a failed attempt, with the
// longer-of-backoff-and-Retry-After quirk applied.
func (g *gate) next(pol retry.Policy, f retry.Failure, r *run) (time.Duration, bool) {
	if g.s.RetryAfter != RetryAfterMax || !f.Response.HasRetryAfter {
		return pol.Next(f, r.rng)
	}
	ra := f.Response.RetryAfter
	f.Response.RetryAfter, f.Response.HasRetryAfter = 0, false
	d, ok := pol.Next(f, r.rng)
	if !ok {
		return d, ok
	}
	return min(max(d, ra), d+g.s.RetryAfterCap), true
}

// settled records that the delivery p ended with fate f at at. For an
// ordered sender it hands the partition to the oldest delivery waiting,
// which is returned, due at the later of its own time and at.
func (g *gate) settled(p *pending, f Fate, at int64) (next pending, ok bool) {
	switch f {
	case Delivered:
		g.fails = 0
	case GaveUp:
		g.fails++
	}
	pt := g.part(p.key)
	if !g.s.Ordered || !pt.owned || pt.event != p.event || pt.copy != p.copy {
		return pending{}, false
	}
	pt.owned, pt.freeAt = false, at
	if len(pt.waiting) == 0 {
		return pending{}, false
	}
	next = pt.waiting[0]
	pt.waiting[0] = pending{}
	pt.waiting = pt.waiting[1:]
	g.parked--
	next.at = max(next.at, at)
	pt.claim(next.event, next.copy)
	return next, true
}

// claim makes delivery (event, copy) the one under way.
func (pt *gatePart) claim(event uint64, copy uint32) {
	pt.owned, pt.event, pt.copy, pt.began = true, event, copy, false
}

// disable reports whether the failures in a row have reached DisableAfter.
func (g *gate) disable() bool { return g.s.DisableAfter > 0 && g.fails >= g.s.DisableAfter }

// queue parks p behind its partition's delivery under way.
func (g *gate) queue(p pending) {
	pt := g.part(p.key)
	pt.waiting = append(pt.waiting, p)
	g.parked++
}

// drain calls f for every parked delivery, oldest first in each
// partition, and empties the queues.
func (g *gate) drain(f func(p *pending)) {
	for i := range g.parts {
		for j := range g.parts[i].waiting {
			f(&g.parts[i].waiting[j])
		}
		g.parts[i].waiting = nil
	}
	g.parked = 0
}

// doneTimes is a min-heap of answer times.
type doneTimes []int64

func (h doneTimes) Len() int           { return len(h) }
func (h doneTimes) Less(i, j int) bool { return h[i] < h[j] }
func (h doneTimes) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *doneTimes) Push(x any)        { *h = append(*h, x.(int64)) }
func (h *doneTimes) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
