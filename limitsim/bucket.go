package limitsim

import (
	"math/bits"

	"github.com/hooklimit/hooklimit/internal/intmath"
)

// bucket is a continuous token bucket with exact integer arithmetic. The
// rate Quota/Per is kept as the reduced fraction n tokens per d nanoseconds,
// and the level as level = tokens·d, so that t nanoseconds add exactly t·n.
// It starts full.
type bucket struct {
	n, d          int64 // rate: n tokens per d nanoseconds, reduced
	burst         int64 // capacity in tokens
	full          int64 // burst·d
	countRejected bool

	level   int64 // tokens·d
	last    int64
	started bool
}

func newBucket(l Limit, countRejected bool) *bucket {
	n, d := l.rate()
	return &bucket{n: n, d: d, burst: l.Burst, full: l.Burst * d, countRejected: countRejected}
}

func (b *bucket) advance(now int64) int64 {
	if !b.started {
		b.started, b.last, b.level = true, now, b.full
		return now
	}
	if now <= b.last {
		return b.last
	}
	dt := uint64(now - b.last)
	b.last = now
	hi, lo := bits.Mul64(dt, uint64(b.n))
	if hi != 0 || lo >= uint64(b.full-b.level) {
		b.level = b.full
	} else {
		b.level += int64(lo)
	}
	return now
}

func (b *bucket) Check(now, cost int64) (bool, int64) {
	now = b.advance(now)
	if cost > b.burst {
		return false, Never
	}
	need := cost*b.d - b.level
	if need <= 0 {
		return true, now
	}
	return false, addSat(now, intmath.CeilDiv(need, b.n))
}

func (b *bucket) Take(now, cost int64, admitted bool) {
	if !admitted && !b.countRejected {
		return
	}
	b.advance(now)
	b.spend(cost)
}

func (b *bucket) spend(cost int64) {
	if cost >= b.burst {
		b.level = 0
		return
	}
	b.level = max(0, b.level-cost*b.d)
}

func (b *bucket) Allow(now, cost int64) bool { return allow(b, now, cost) }

func (b *bucket) Remaining(now int64) int64 {
	b.advance(now)
	return b.level / b.d
}

func (b *bucket) ResetAt(now int64) int64 {
	now = b.advance(now)
	return addSat(now, intmath.CeilDiv(b.full-b.level, b.n))
}
