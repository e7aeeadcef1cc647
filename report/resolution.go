package report

import (
	"fmt"
	"time"

	"github.com/hooklimit/hooklimit/internal/intmath"
	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/limitsim"
)

// The resolution rule. Recorded times that are all whole multiples of a
// resolution res (one second: access logs, epoch seconds) are read as
// truncated: a request stamped s arrived somewhere in [s, s+res). Then:
//
//   - a fixed window or credit tick that is a multiple of res holds the
//     same requests wherever in their step they arrived: exact;
//   - a sliding window of length W can hold every request of
//     ceil(W/res)+1 consecutive stamps (the first step's at its very end,
//     the last's at its very start): the worst case is the largest total
//     of that many consecutive steps, the peak of a sliding window of
//     ceil(W/res)·res + res over the stamps. For W = 1 s over whole
//     seconds it is the largest sum of two adjacent seconds. When W is a
//     multiple of res the peak as stamped is a lower bound (the requests
//     of W/res steps always fit in one window); otherwise there is none;
//   - a fixed window that is not a multiple of res is bounded the same
//     way as a sliding one;
//   - a token bucket needs, at worst, the most of: the requests of one
//     step (all at one instant), and for every run of steps i..j the
//     requests in it less r·(j−i−1)·res (the first step's at its end, the
//     last's at its start; r the refill rate). At best it needs the
//     capacity as stamped less r·res;
//   - a credit model whose tick is not a multiple of res cannot be bounded
//     and is unknown.
//
// A row passes when even the worst case is within the limit, fails when
// even the lower bound is beyond it, and is unknown otherwise: it cannot
// be judged at this resolution.

// wideLimit returns the sliding window whose peak over the stamps is the
// worst case of l at resolution res, and whether l needs one.
func wideLimit(l limitsim.Limit, res int64) (limitsim.Limit, bool) {
	switch {
	case res <= 0:
		return l, false
	case l.Kind == limitsim.Window, l.Kind == limitsim.Fixed && int64(l.Per)%res != 0:
		w := l
		w.Kind = limitsim.Window
		w.Per = time.Duration(intmath.CeilDiv(int64(l.Per), res)*res + res)
		return w, true
	}
	return l, false
}

// followsWorstCase reports whether a row of l follows a worst case at
// resolution res: sliding windows, fixed windows that are not a multiple of
// res, and token buckets.
func followsWorstCase(l limitsim.Limit, res int64) bool {
	_, wide := wideLimit(l, res)
	return wide || (res > 0 && l.Kind == limitsim.Bucket)
}

// worstCase follows the worst case of one row's peak at a resolution: the
// peak of its wideLimit for windows, the recurrence above for buckets.
type worstCase struct {
	wide   tracker // windows
	bucket bool
	n, d   int64 // bucket rate: n tokens per d ns, reduced
	res    int64
	// The bucket's recurrence over steps, scaled by d: x is the smallest
	// capacity as stamped at the end of the previous step (prevT), c the
	// cost of the current step (cur) so far, worst the largest need.
	started, hasPrev bool
	x, prevT, cur, c int64
	worst            int64
}

func newWorstCase(l limitsim.Limit, res int64) worstCase {
	if w, ok := wideLimit(l, res); ok {
		return worstCase{wide: newTracker(w)}
	}
	tr := newTracker(l)
	return worstCase{bucket: true, n: tr.n, d: tr.d, res: res}
}

// add counts an arrival at t of the given cost; for windows it must
// already be the newest entry of ring.
func (w *worstCase) add(t, cost int64, ring *arrivalRing) {
	if !w.bucket {
		w.wide.add(t, cost, ring)
		return
	}
	if !w.started || t != w.cur {
		if w.started {
			if w.hasPrev {
				w.x = satAdd(max(0, w.x-satMul(w.cur-w.prevT, w.n)), w.c)
			} else {
				w.x = w.c
			}
			w.prevT, w.hasPrev = w.cur, true
		}
		w.started, w.cur, w.c = true, t, 0
	}
	w.c = satAdd(w.c, satMul(cost, w.d))
	w.worst = max(w.worst, w.c)
	if w.hasPrev {
		// The previous steps' requests at the end of theirs, this one's at
		// its start: (cur-prevT) - res of refill between them.
		w.worst = max(w.worst, satAdd(w.x-satMul(w.cur-w.prevT-w.res, w.n), w.c))
	}
}

// result returns the worst case in the limit's units.
func (w *worstCase) result() int64 {
	if !w.bucket {
		return w.wide.result()
	}
	return intmath.CeilDiv(w.worst, w.d)
}

// resolutionBounds returns the lower bound and the worst case of a row's
// peak when the stamps have resolution res, and whether the row is exact.
// wide is the peak of the row's wideLimit, when it has one.
func resolutionBounds(l limitsim.Limit, res, peak, wide int64) (lower, worst int64, exact bool) {
	per := int64(l.Per)
	switch l.Kind {
	case limitsim.Window:
		if per%res == 0 {
			return peak, wide, false
		}
		return 0, wide, false
	case limitsim.Fixed:
		if per%res == 0 {
			return peak, peak, true
		}
		return 0, wide, false
	case limitsim.Bucket:
		slack := intmath.CeilDiv(satMul(l.Quota, res), per)
		return max(0, peak-slack), wide, false
	default: // credits
		if per%res == 0 {
			return peak, peak, true
		}
		return 0, -1, false // -1: no bound
	}
}

// judgeAtResolution sets row's verdict, worst case and note when the
// stamps have resolution res; row.Verdict already holds the verdict as
// stamped.
func judgeAtResolution(row *LimitRow, l limitsim.Limit, res, wide int64) {
	lower, worst, exact := resolutionBounds(l, res, row.Peak, wide)
	if exact || row.Verdict == VerdictUnknown {
		return
	}
	row.WorstCase = worst
	step := units.FormatDuration(time.Duration(res))
	switch {
	case lower > row.Allowed:
		row.Verdict = VerdictFail
	case worst >= 0 && worst <= row.Allowed:
		row.Verdict = VerdictPass
	default:
		row.Verdict = VerdictUnknown
		bound := "cannot be bounded"
		if worst >= 0 {
			bound = fmt.Sprintf("could be %s", numfmt.WithCommas(worst))
		}
		row.Note = fmt.Sprintf("times are whole multiples of %s, and a request may have come anywhere within its %s: the peak of %s as stamped %s at worst, over the %s allowed; record finer times (nginx $msec) or leave the limit out (--exclude-limit %s.%s)",
			step, step, numfmt.WithCommas(row.Peak), bound, numfmt.WithCommas(row.Allowed), row.Profile, row.Name)
	}
}
