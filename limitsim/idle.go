package limitsim

import (
	"math"
	"time"

	"github.com/hooklimit/hooklimit/internal/intmath"
)

// FullReset returns how long a limit must go without requests before its
// state is surely that of a fresh start, whatever came before: a sliding or
// fixed window's length, the time a token bucket takes to refill from empty,
// and for credits the ticks the store takes to refill plus the tick in
// progress. Forgetting a partition that has been idle that long (see
// Simulator.Expire) changes no later decision. It saturates at the largest
// Duration rather than overflow.
func (l Limit) FullReset() time.Duration {
	per := int64(l.Per)
	var ticks int64 // whole periods, the partial one rounded up
	switch l.Kind {
	case Window, Fixed:
		return l.Per
	case Bucket:
		ticks = intmath.CeilDiv(l.Burst, l.Quota)
	case Credits:
		ticks = intmath.CeilDiv(l.Burst, l.Quota) + 1
	default:
		return 0
	}
	if ticks > 0 && per > math.MaxInt64/ticks {
		return math.MaxInt64
	}
	return time.Duration(max(ticks, 1) * per)
}

// IdleHorizon returns how long a partition of p must be idle before it
// can be forgotten exactly: the longest FullReset of p's limits and of
// their alternative interpretations (Limit.Alternative), so that the same
// horizon serves an analysis that replays both.
func (p *Profile) IdleHorizon() time.Duration {
	var h time.Duration
	for _, l := range p.Limits {
		h = max(h, l.FullReset())
		if alt, ok := l.Alternative(); ok {
			h = max(h, alt.FullReset())
		}
	}
	return h
}
