package discover

import (
	"math"
	"sort"
	"time"
)

// The pure parts of discovery: from observations to limits. None of them
// reads a clock or sends anything, so they are table-tested directly.

// MaxTrials bounds the steady trials of the rate step.
const MaxTrials = 6

// MaxInWindow returns the most of the sorted times (Unix ns) that fall in
// any window (t-w, t] of length w.
func MaxInWindow(times []int64, w time.Duration) int64 {
	var best int64
	lo := 0
	for hi, t := range times {
		for times[lo] <= t-int64(w) {
			lo++
		}
		best = max(best, int64(hi-lo+1))
	}
	return best
}

// SaturatedPerSecond returns the per-second limit seen in the sorted send
// times of the requests admitted under saturation: the most in any
// 1-second window, or the average rate over the span when that is lower.
// A window limit admits in clumps, whose average rate is above the limit
// and whose most in a second is the limit; a bucket admits evenly, at
// its rate, and timing noise can put one more than the rate in some
// second.
func SaturatedPerSecond(times []int64) int64 {
	most := MaxInWindow(times, time.Second)
	if n := len(times); n >= 3 && times[n-1] > times[0] {
		avg := float64(n-1) * float64(time.Second) / float64(times[n-1]-times[0])
		most = min(most, max(1, int64(math.Round(avg))))
	}
	return most
}

// niceWindows are the window lengths, in seconds, that limits are
// usually configured with.
var niceWindows = []int64{1, 2, 3, 5, 10, 15, 20, 30, 60, 90, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400}

// SnapWindow returns the window length, in whole seconds (at least 1),
// known to lie in [lo, hi]: the usual length nearest the middle of the
// interval, widened by 2% of hi and a quarter second for timing noise, or
// else the middle rounded.
func SnapWindow(lo, hi time.Duration) int64 {
	lo = max(lo, 0)
	tol := hi/50 + 250*time.Millisecond
	mid := (lo + hi) / 2
	best, bestDist := int64(0), time.Duration(math.MaxInt64)
	for _, c := range niceWindows {
		d := time.Duration(c) * time.Second
		if d < lo-tol || d > hi+tol {
			continue
		}
		if dist := (d - mid).Abs(); dist < bestDist {
			best, bestDist = c, dist
		}
	}
	if best > 0 {
		return best
	}
	return max(1, int64(math.Round(mid.Seconds())))
}

// WindowFromRetryAfter returns the window of a limit whose first admitted
// request left at first and whose rejection, answered at done, asked to
// wait ra: the rejection lasts until the first admitted request leaves
// the window, so the window is done + ra - first, less up to a second
// for Retry-After's rounding up to whole seconds.
func WindowFromRetryAfter(first, done int64, ra time.Duration) int64 {
	hi := time.Duration(done-first) + ra
	return SnapWindow(hi-time.Second, hi)
}

// NextTrialRate returns the rate of the next steady trial of the rate
// search, given the estimate from saturation and the trials so far, and
// false when the search is over: the first trial is 10% under the
// estimate; while none has failed, the next goes 20% above the highest
// that held (at least 10% above the estimate); while none has held, 30%
// under the lowest that failed; then bisection, until the rate that held
// and the one that failed are within 6% or MaxTrials have run.
func NextTrialRate(estimate float64, trials []Trial) (float64, bool) {
	if len(trials) >= MaxTrials || estimate <= 0 {
		return 0, false
	}
	held, failed := TrialBounds(trials)
	var r float64
	switch {
	case len(trials) == 0:
		r = 0.9 * estimate
	case failed == 0:
		r = max(1.2*held, 1.1*estimate)
	case held == 0:
		r = 0.7 * failed
	case failed <= 1.06*held:
		return 0, false
	default:
		r = (held + failed) / 2
	}
	r = math.Round(r*100) / 100
	if r < 0.1 {
		return 0, false
	}
	return r, true
}

// TrialBounds returns the highest rate that held and the lowest that
// failed (0 when none). A rate that failed at or below one that held (the
// edge of the limit, where timing decides) counts as failed, and the held
// bound drops below it.
func TrialBounds(trials []Trial) (held, failed float64) {
	for _, t := range trials {
		if !t.Held && (failed == 0 || t.Rate < failed) {
			failed = t.Rate
		}
	}
	for _, t := range trials {
		if t.Held && t.Rate > held && (failed == 0 || t.Rate < failed) {
			held = t.Rate
		}
	}
	return held, failed
}

// PerSecondLimit combines the most admitted in any second at saturation
// with the steady rates that held and failed into the per-second limit:
// the saturation count when it lies between them (it is exact for
// windows), else the largest whole rate not above the one that failed, if
// that held, else the rate that held, rounded.
func PerSecondLimit(maxPerSecond int64, held, failed float64) int64 {
	switch {
	case held == 0 && failed == 0, held == 0:
		return maxPerSecond
	case failed == 0:
		return max(maxPerSecond, int64(math.Floor(held)))
	case maxPerSecond > 0 && float64(maxPerSecond) >= held && float64(maxPerSecond) <= failed:
		return maxPerSecond
	}
	if n := math.Floor(failed); n >= held {
		return int64(n)
	}
	return int64(math.Round(held))
}

// BurstOf sums up the requests of a burst from a fresh start, the first
// request included: how many were admitted (the burst stops sending at
// the first rejection, so with several in flight a few more may have been
// sent, and those admitted count too), and the first rejection to come
// back.
func BurstOf(reqs []*ProbeRequest) (Burst, *ProbeRequest) {
	var b Burst
	var lim *ProbeRequest
	var first int64
	for i, p := range reqs {
		if i == 0 || p.Sent < first {
			first = p.Sent
		}
		b.Sent++
		if p.Passed() {
			b.Admitted++
		}
		if p.Limited() && (lim == nil || p.Done < lim.Done) {
			lim = p
		}
	}
	if lim != nil {
		b.Limited, b.Status, b.Elapsed = true, lim.Status, time.Duration(lim.Done-first)
		b.RetryAfter, b.HasRetryAfter = lim.RetryAfter, lim.HasRetryAfter
	}
	return b, lim
}

// admittedTimes returns the sorted send times of the requests that got
// past the limiter (Passed).
func admittedTimes(reqs []*ProbeRequest) []int64 {
	var ts []int64
	for _, p := range reqs {
		if p.Passed() {
			ts = append(ts, p.Sent)
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i] < ts[j] })
	return ts
}

// longWait reports whether p is a rejection whose Retry-After points past
// the short windows: 2 s or more.
func longRetryAfter(p *ProbeRequest) bool {
	return p.Limited() && p.HasRetryAfter && p.RetryAfter >= 2*time.Second
}
