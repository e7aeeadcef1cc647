package probe

import (
	"slices"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
)

// floorWindow is the window a catch-up is bounded by whatever the
// profile: a sender that fell behind never sends more in a second than
// the schedule holds in the second up to the attempt's due time.
const floorWindow = time.Second

// catchUpCap is the most late sends a catchUp window keeps apart; at
// first, late sends that left within 1/catchUpCap of the window of the
// first of a run of them are kept as one (see slideWindow.add).
const catchUpCap = 8192

// catchUp bounds a sender that fell behind and catches up. An attempt may
// leave as soon as it is due, however late the attempts before it left,
// unless that would put into some window of a length W that the profile
// measures (or the one-second floor) more sends than the schedule holds
// in the window of length W that ends when the attempt was due.
//
// That is one rule per window, and a simple one: let k be the last
// attempt sent that was due at least W before the attempt j that is to
// leave; j may leave at t only if t ≥ sent_k + W. The sends in (t−W, t]
// are then all among the attempts after k up to j, which were all due in
// (due_j − W, due_j]: so for every partition key, workspace or any other
// subset of the attempts, and whatever each one costs (bytes too), a
// window of length W never holds more sends than the schedule holds in the
// window of length W that ends when the last of them was due. A schedule
// that a sliding-window limit of window W admits entirely is then
// admitted entirely when sent, stalls and all, but for the timer noise
// the pacer forgives (its tolerance; see pacer): the tool's stalls cannot
// make a FAIL. So is it under the limit's other reading, a fixed window,
// whose every window is one of length W. A schedule over the limit is
// sent no faster than itself.
//
// Attempts are taken in the order they leave; one due before an attempt
// already sent (a retry queued late) counts as due when that one was.
// Only the attempts that left after their due time are kept (when k left
// on time, t ≥ due_j ≥ sent_k + W already), in a ring per window, down to
// the last one due before the window. Late sends that left within a
// resolution g of each other (a burst) are kept as one: the earliest due
// with the latest send, which holds every attempt it bounds at least as
// long as they would, and at most g longer. g starts at W/8192 (122 µs
// for 1 s) and doubles, the runs kept merged again, whenever the ring
// would hold more than 8,192: memory is bounded whatever the rate.
type catchUp struct {
	windows []slideWindow
}

// newCatchUp returns the catch-up bound for the windows of the sliding
// window limits of p, widened by tol (the pacer counts a send at most tol
// before it actually left), or nil when p has a limit of another kind: a
// fixed window, a token bucket or credits count sends in ways (aligned to
// the clock, over every length of time) that a burst after a stall could
// break even when the schedule keeps them, so the pacer then keeps the
// schedule's gaps (Pace).
func newCatchUp(p *limitsim.Profile, tol time.Duration) *catchUp {
	if p == nil {
		return nil
	}
	ws := []time.Duration{floorWindow}
	for _, l := range p.Limits {
		if l.Kind != limitsim.Window {
			return nil
		}
		ws = append(ws, l.Per)
	}
	slices.Sort(ws)
	ws = slices.Compact(ws)
	c := &catchUp{windows: make([]slideWindow, len(ws))}
	for i, w := range ws {
		c.windows[i] = slideWindow{w: int64(w + tol), merge: int64(w) / catchUpCap}
	}
	return c
}

// earliest returns the earliest time the attempt counted as due at due
// may leave; it is never before due once the caller takes the max.
func (c *catchUp) earliest(due int64) int64 {
	var t int64
	for i := range c.windows {
		t = max(t, c.windows[i].earliest(due))
	}
	return t
}

// sent records that the attempt counted as due at due left at sent (the
// time the pacer counts it as leaving, never before due).
func (c *catchUp) sent(due, sent int64) {
	for i := range c.windows {
		c.windows[i].add(due, sent)
	}
}

// lateSend is a send that left after it was due, or a run of them: the
// earliest due, the first send and the latest send.
type lateSend struct{ due, first, sent int64 }

// slideWindow keeps, for one window, the late sends a later attempt may
// have to wait for: a ring, oldest first.
type slideWindow struct {
	w     int64 // the window, plus the tolerance, ns
	merge int64 // the resolution: late sends this close after the first of a run join it
	ring  []lateSend
	head  int
	n     int
}

func (s *slideWindow) at(i int) *lateSend { return &s.ring[(s.head+i)%len(s.ring)] }

// earliest returns when an attempt due at due may leave as far as this
// window goes: after the last late send due at or before due − w, plus
// the window, if that send left after due − w; otherwise 0.
func (s *slideWindow) earliest(due int64) int64 {
	x := due - s.w
	lo, hi := 0, s.n // the first record due after x
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.at(m).due <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return 0
	}
	if r := s.at(lo - 1); r.sent > x {
		return r.sent + s.w
	}
	return 0
}

// add records a send, and forgets the records no later attempt needs:
// every attempt from now on is due at or after due, so of the records due
// at or before due − w only the last one can still bound one.
func (s *slideWindow) add(due, sent int64) {
	x := due - s.w
	for s.n >= 2 && s.at(1).due <= x {
		s.head = (s.head + 1) % len(s.ring)
		s.n--
	}
	if sent <= due {
		return
	}
	if s.n > 0 {
		if last := s.at(s.n - 1); sent-last.first <= s.merge {
			last.sent = max(last.sent, sent)
			return
		}
	}
	if s.n == len(s.ring) {
		s.grow()
	}
	*s.at(s.n) = lateSend{due, sent, sent}
	s.n++
}

// grow doubles the ring, up to catchUpCap; full at that, it doubles the
// resolution and merges the records again until at most half are left.
func (s *slideWindow) grow() {
	if len(s.ring) < catchUpCap {
		ring := make([]lateSend, min(max(2*len(s.ring), 16), catchUpCap))
		for i := range s.n {
			ring[i] = *s.at(i)
		}
		s.ring, s.head = ring, 0
		return
	}
	for s.n > catchUpCap/2 {
		s.merge = max(2*s.merge, 1)
		n := 0
		for i := range s.n {
			r := *s.at(i)
			if n > 0 {
				if last := s.at(n - 1); r.sent-last.first <= s.merge {
					last.sent = max(last.sent, r.sent)
					continue
				}
			}
			*s.at(n) = r
			n++
		}
		s.n = n
	}
}
