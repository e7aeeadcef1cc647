package limitsim

import "github.com/hooklimit/hooklimit/internal/intmath"

// fixed is an epoch-aligned fixed window: a counter for the current window
// [k·per, (k+1)·per), reset when a request arrives in a later one.
type fixed struct {
	quota, per    int64
	countRejected bool

	window int64 // index k of the current window
	count  int64 // cost counted in it
	last   int64
	// from and to are the times of window k, [from, to), when they fit in
	// int64 (else from == to): a request within them needs no division.
	from, to int64
}

func newFixed(l Limit, countRejected bool) *fixed {
	return &fixed{quota: l.Quota, per: int64(l.Per), countRejected: countRejected, last: MinTime}
}

func (f *fixed) advance(now int64) int64 {
	if now < f.last {
		now = f.last
	}
	f.last = now
	if now >= f.from && now < f.to {
		return now // still window k
	}
	k := intmath.FloorDiv(now, f.per)
	if k != f.window {
		f.window, f.count = k, 0
	}
	f.from, f.to = intmath.Span(k, f.per)
	return now
}

func (f *fixed) Check(now, cost int64) (bool, int64) {
	now = f.advance(now)
	if f.count+cost <= f.quota {
		return true, now
	}
	if cost > f.quota {
		return false, Never
	}
	return false, (f.window + 1) * f.per
}

func (f *fixed) Take(now, cost int64, admitted bool) {
	if !admitted && !f.countRejected {
		return
	}
	f.advance(now)
	f.count += cost
}

func (f *fixed) Allow(now, cost int64) bool { return allow(f, now, cost) }

func (f *fixed) Remaining(now int64) int64 {
	f.advance(now)
	return max(0, f.quota-f.count)
}

func (f *fixed) ResetAt(now int64) int64 {
	now = f.advance(now)
	if f.count == 0 {
		return now
	}
	return (f.window + 1) * f.per
}
