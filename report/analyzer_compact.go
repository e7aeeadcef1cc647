package report

import (
	"github.com/hooklimit/hooklimit/internal/intmath"
	"github.com/hooklimit/hooklimit/limitsim"
)

// A compacted key keeps, instead of the state of its limits, the final
// numbers of every row and profile in one slice (keyState.done): per
// rowSpec its peak, worst case, rejected count and first rejection, then
// per profile of the group its policy rejected count and first rejection.
const (
	doneRow    = 4
	donePolicy = 2
)

// setHorizon sets how long a key of g must be idle before compact
// forgets its state: the longest full reset of any limit, interpretation
// and worst case of g (see limitsim.Profile.IdleHorizon), at least res.
// Trackers whose state outlives that (a bucket's or credit store's peak
// far beyond its capacity) are checked key by key (see quiet).
func (a *Analyzer) setHorizon(g *partGroup, res int64) {
	h := max(g.maxSpan, res)
	for _, pi := range g.profiles {
		h = max(h, int64(a.profiles[pi].IdleHorizon()))
	}
	for _, s := range g.specs {
		h = max(h, int64(s.lim.FullReset()))
	}
	g.horizon = h
}

// maybeCompact compacts g's idle keys when its horizon has passed since it
// last did, so that a sweep over the keys costs O(1) per arrival.
func (a *Analyzer) maybeCompact(g *partGroup, now int64) {
	if !a.opt.Sorted || g.horizon <= 0 || (g.swept != 0 && now-g.swept < g.horizon) {
		return
	}
	g.swept = now
	for _, ks := range g.order {
		if ks.live != nil && a.quiet(g, ks, now) {
			a.compact(g, ks)
		}
	}
}

// quiet reports whether every tracker and limiter of ks would, for any
// arrival at now or later, behave exactly as a fresh one: the limiters
// have fully reset, every window has emptied, and what a bucket or credit
// tracker still carries has drained.
func (a *Analyzer) quiet(g *partGroup, ks *keyState, now int64) bool {
	idle := now - ks.last
	if idle < g.horizon {
		return false
	}
	ls := ks.live
	for i, s := range g.specs {
		tr := &ls.rows[i].tr
		switch tr.kind {
		case limitsim.Bucket:
			if satMul(idle, tr.n) < tr.sum {
				return false
			}
		case limitsim.Credits:
			y := max(0, satAdd(tr.carry, tr.sum)-tr.quota)
			if gap := intmath.FloorDiv(now, tr.per) - tr.cur - 1; y > 0 && gap < intmath.CeilDiv(y, tr.quota) {
				return false
			}
		}
		if !s.worst || a.offGrid {
			continue // a worst case is moot once a time is off the grid
		}
		if w := &ls.worst[i]; w.bucket && w.started {
			// The next step's candidate must not exceed its own cost.
			x := w.c
			if w.hasPrev {
				x = satAdd(max(0, w.x-satMul(w.cur-w.prevT, w.n)), w.c)
			}
			if satMul(now-w.cur-w.res, w.n) < x {
				return false
			}
		}
	}
	return true
}

// compact folds the live state of ks into its final numbers and drops it.
func (a *Analyzer) compact(g *partGroup, ks *keyState) {
	done := make([]int64, doneRow*len(g.specs)+donePolicy*len(g.profiles))
	for si := range g.specs {
		peak, worst, rep := a.rowNumbers(g, ks, si)
		done[doneRow*si], done[doneRow*si+1], done[doneRow*si+2], done[doneRow*si+3] = peak, worst, rep.rejected, rep.first
	}
	base := doneRow * len(g.specs)
	for slot := range g.profiles {
		rep := ks.policyOf(slot, base)
		done[base+donePolicy*slot], done[base+donePolicy*slot+1] = rep.rejected, rep.first
	}
	ks.done, ks.live = done, nil
}

// rowNumbers returns the peak, worst case and rejections of row si of g
// for ks, over its compacted past and its live state.
func (a *Analyzer) rowNumbers(g *partGroup, ks *keyState, si int) (peak, worst int64, rep replay) {
	if ls := ks.live; ls != nil {
		st := &ls.rows[si]
		peak, rep = st.tr.result(), st.replay
		if g.specs[si].worst {
			worst = ls.worst[si].result()
		}
	}
	if d := ks.done; d != nil {
		d = d[doneRow*si:]
		peak, worst = max(peak, d[0]), max(worst, d[1])
		rep = rep.after(replay{rejected: d[2], first: d[3]})
	}
	return peak, worst, rep
}

// policyOf returns the policy rejections of ks for the profile in slot of
// its group, over its compacted past and its live state; base is where
// the policy numbers start in ks.done.
func (ks *keyState) policyOf(slot, base int) replay {
	var rep replay
	if ks.live != nil {
		rep = ks.live.policy[slot]
	}
	if d := ks.done; d != nil {
		d = d[base+donePolicy*slot:]
		rep = rep.after(replay{rejected: d[0], first: d[1]})
	}
	return rep
}

// after returns the rejections of r following those of past.
func (r replay) after(past replay) replay {
	if past.rejected == 0 {
		return r
	}
	return replay{rejected: past.rejected + r.rejected, first: past.first}
}
