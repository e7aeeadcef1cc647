package report

import "github.com/hooklimit/hooklimit/scenarios"

// addRun is addDecided of n arrivals (n ≥ 1) equal to x, one after the
// other, the first admitted of them decided admitted and the others not:
// a retry storm's burst at one instant is counted once rather than an
// arrival at a time, where that is the same. Which of the arrivals were
// admitted does not matter: they are at one time, where the policy
// replay and the timeline count them alike in any order, and the rows do
// not look at the decision. The first arrival is added as any; the
// others at once when every row of x's partitions would answer each of
// them the same (sameAgain), else one more is added alone and the
// question asked again.
func (a *Analyzer) addRun(x *scenarios.Record, n, admitted int64) {
	for first := true; n > 0; n, admitted, first = n-1, max(admitted-1, 0), false {
		if !first && a.sameAgain(x) {
			a.addAgain(x, n, n-admitted)
			return
		}
		a.addDecided(x, admitted > 0)
	}
}

// sameAgain reports whether n more arrivals equal to x, which was the
// last one added, can be counted at once (addAgain) as exactly as one
// at a time: the policy decisions are given, no option asks for work an
// arrival at a time (a key filter, the timeline, a resolution's worst
// case, compaction), and every row either admits all of them without a
// limiter (its window stays within its quota whatever n: see below) or
// has just rejected one of the same cost at the same time, which it then
// answers the same without deciding (rowState.allow).
//
// A row without a limiter admits an arrival when its tracker's total is
// within the quota, and each more arrival at the same instant adds its
// cost to that total; so addAgain checks the total after n, and falls
// back (returns false) when that is over: sameAgain cannot know n.
func (a *Analyzer) sameAgain(x *scenarios.Record) bool {
	if !a.given || a.noAgain || a.tl != nil || a.opt.Key != "" || a.opt.Resolution > 0 || a.opt.Sorted {
		return false
	}
	for _, g := range a.groups {
		ks := g.prev
		if ks == nil || ks.key != g.rawOf(x) || ks.live == nil || ks.last < x.Time {
			return false
		}
		for i := range ks.live.rows {
			r := &ks.live.rows[i]
			if g.specs[i].worst {
				return false
			}
			if r.lim == nil {
				continue // addAgain checks the total
			}
			if !r.rejected || r.rejAt != ks.last || r.rejCost != rowCost(&r.tr, x) || !g.specs[i].again {
				return false
			}
		}
	}
	return true
}

// rowCost is what x costs against the row of tr: 1, or its size.
func rowCost(tr *tracker, x *scenarios.Record) int64 {
	if !tr.bytes {
		return 1
	}
	if !x.HasSize {
		return 0
	}
	return max(0, x.Size)
}

// addAgain counts n more arrivals equal to x at once, rejected of them
// decided rejected, when sameAgain.
// A row without a limiter whose window would go over its quota within
// the n is the one case sameAgain leaves to it: it then adds them one at
// a time.
func (a *Analyzer) addAgain(x *scenarios.Record, n, rejected int64) {
	for _, g := range a.groups {
		ls := g.prev.live
		for i := range ls.rows {
			r := &ls.rows[i]
			if r.lim == nil && satAdd(r.tr.sum, satMul(rowCost(&r.tr, x), n)) > r.tr.quota {
				for ; n > 0; n-- {
					a.addDecided(x, n > rejected)
				}
				return
			}
		}
	}
	late := false
	for _, g := range a.groups {
		ks := g.prev
		t := ks.last
		late = late || t != x.Time
		ks.records += n
		size := max(0, x.Size)
		if !x.HasSize {
			size = 0
			ks.unsized += n
		}
		ls := ks.live
		if g.maxSpan > 0 {
			ls.ring.pushRun(t, size, n)
		}
		for i := range ls.rows {
			r := &ls.rows[i]
			r.tr.add(t, satMul(rowCost(&r.tr, x), n), &ls.ring)
			if r.lim != nil {
				r.countRun(t, n) // rejected again, see sameAgain
			}
		}
		for i := range ls.policy {
			ls.policy[i].countRun(t, rejected)
		}
	}
	if late {
		a.outOfOrder += n
	}
	a.records += n
}

// countRun counts n rejections at t (n ≥ 0).
func (r *replay) countRun(t, n int64) {
	if n > 0 {
		r.count(false, t)
		r.rejected += n - 1
	}
}

// pushRun is push(t, size) n times, for an arrival at t, the time of the
// newest entry.
func (r *arrivalRing) pushRun(t, size, n int64) {
	r.push(t, size)
	i := (r.end - 1) & int64(len(r.times)-1)
	r.counts[i] += n - 1
	r.sizes[i] = satAdd(r.sizes[i], satMul(size, n-1))
}
