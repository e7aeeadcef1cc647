package probe

import (
	"math"
	"math/bits"
)

// tokens is a Bucket's state: the generic cell rate algorithm, exact.
// The bucket holds the theoretical arrival time tat of the next token, a
// rational number of nanoseconds kept as whole + frac/Rate, so that a
// rate such as 1,001 per minute, whose interval is not a whole number of
// nanoseconds, does not drift. An attempt may leave at t when
// t ≥ tat − (Burst−1)·Per/Rate; taking a token sets
// tat = max(tat, t) + Per/Rate.
type tokens struct {
	started     bool
	whole, frac int64 // tat = whole + frac/rate, 0 ≤ frac < rate
}

// ready returns the first time, at or after t, at which b has a token.
func (k *tokens) ready(b *Bucket, t int64) int64 {
	if !k.started {
		return t
	}
	tq, tf := mulDiv(burst(b)-1, int64(b.Per), b.Rate)
	w, f := k.whole-tq, k.frac-tf
	if f < 0 {
		w, f = w-1, f+b.Rate
	}
	if f > 0 {
		w++
	}
	return max(t, w)
}

// take takes a token at t, which must not be before ready(t).
func (k *tokens) take(b *Bucket, t int64) {
	if !k.started || t > k.whole || (t == k.whole && k.frac == 0) {
		k.started, k.whole, k.frac = true, t, 0
	}
	iq, ifr := mulDiv(1, int64(b.Per), b.Rate)
	k.whole += iq
	k.frac += ifr
	if k.frac >= b.Rate {
		k.whole, k.frac = k.whole+1, k.frac-b.Rate
	}
}

func burst(b *Bucket) int64 { return max(b.Burst, 1) }

// mulDiv returns a·c / d and its remainder, for non-negative a and c and
// positive d, saturating the quotient at the largest int64.
func mulDiv(a, c, d int64) (q, r int64) {
	hi, lo := bits.Mul64(uint64(a), uint64(c))
	if hi >= uint64(d) {
		return math.MaxInt64, 0
	}
	uq, ur := bits.Div64(hi, lo, uint64(d))
	if uq > math.MaxInt64 {
		return math.MaxInt64, int64(ur)
	}
	return int64(uq), int64(ur)
}
