package limitsim

import "github.com/hooklimit/hooklimit/internal/intmath"

// credits is Workato's documented credit model, in discrete ticks of length
// per starting at the Unix epoch. Each tick brings quota fresh credits.
// Requests spend fresh credits first and then the store. When a tick ends,
// its unused fresh credits go into the store, capped at burst. The store
// starts full, so a first tick admits quota + burst.
type credits struct {
	quota, per, burst int64
	countRejected     bool

	tick    int64 // index of the current tick
	fresh   int64 // fresh credits left in it
	store   int64 // the burst store
	last    int64
	started bool
}

func newCredits(l Limit, countRejected bool) *credits {
	return &credits{quota: l.Quota, per: int64(l.Per), burst: l.Burst, countRejected: countRejected, last: MinTime}
}

func (c *credits) advance(now int64) int64 {
	if now < c.last {
		now = c.last
	}
	c.last = now
	k := intmath.FloorDiv(now, c.per)
	if !c.started {
		c.started, c.tick, c.fresh, c.store = true, k, c.quota, c.burst
		return now
	}
	if k > c.tick {
		// The current tick's unused fresh credits, then quota for each
		// silent tick in between, capped at burst.
		c.store = c.fill(k - c.tick - 1)
		c.tick, c.fresh = k, c.quota
	}
	return now
}

// fill returns the store after the current tick ends and gap more silent
// ticks pass.
func (c *credits) fill(gap int64) int64 {
	s := min(c.burst, c.store+c.fresh)
	if gap >= intmath.CeilDiv(c.burst-s, c.quota) {
		return c.burst
	}
	return s + gap*c.quota
}

func (c *credits) Check(now, cost int64) (bool, int64) {
	c.advance(now)
	if cost <= c.fresh+c.store {
		return true, now
	}
	if cost > c.quota+c.burst {
		return false, Never
	}
	// At tick c.tick+n (n >= 1) there are quota fresh credits and a store
	// of fill(n-1).
	n := int64(1)
	if short := cost - c.quota - min(c.burst, c.store+c.fresh); short > 0 {
		n += intmath.CeilDiv(short, c.quota)
	}
	return false, c.tickStart(addSat(c.tick, n))
}

func (c *credits) Take(now, cost int64, admitted bool) {
	if !admitted && !c.countRejected {
		return
	}
	c.advance(now)
	c.spend(cost)
}

func (c *credits) spend(cost int64) {
	if cost <= c.fresh {
		c.fresh -= cost
		return
	}
	cost -= c.fresh
	c.fresh = 0
	c.store = max(0, c.store-cost)
}

func (c *credits) Allow(now, cost int64) bool { return allow(c, now, cost) }

func (c *credits) Remaining(now int64) int64 {
	c.advance(now)
	return c.fresh + c.store
}

func (c *credits) ResetAt(now int64) int64 {
	now = c.advance(now)
	if c.store == c.burst {
		return now
	}
	s := min(c.burst, c.store+c.fresh)
	return c.tickStart(addSat(c.tick+1, intmath.CeilDiv(c.burst-s, c.quota)))
}

// tickStart returns when tick k starts, saturating at Never: a store that
// takes longer to refill than an int64 of nanoseconds holds never does.
func (c *credits) tickStart(k int64) int64 {
	if k < 0 {
		return k * c.per // before the epoch; |k·per| <= |now| + per
	}
	return mulSat(k, c.per)
}
