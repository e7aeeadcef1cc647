package session

import (
	"fmt"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/report"
)

// scheduleObs collects the intervals between attempts, in histograms of
// microseconds to 3 significant digits.
type scheduleObs struct {
	steps            [report.ScheduleSteps]stepObs
	afterRA, honored int64
	slack, ra        report.Histogram // honored slack and Retry-After sent
}

type stepObs struct {
	h       report.Histogram
	afterRA int64
}

// add counts the wait between attempt n and n+1 of one event; ra is the
// Retry-After (ns) sent with attempt n's 429, 0 when none was.
func (s *scheduleObs) add(n int, wait, ra int64) {
	st := &s.steps[min(max(n, 1), report.ScheduleSteps)-1]
	st.h.RecordNS(max(wait, 0))
	if ra > 0 {
		st.afterRA++
		s.afterRA++
		s.ra.RecordNS(ra)
		if wait >= ra {
			s.honored++
			s.slack.RecordNS(wait - ra)
		}
	}
}

func usToMS(us int64) float64 { return float64(us) / 1000 }

// result sums up what was observed; failed is how many events got an
// answer other than 2xx at least once.
func (s *scheduleObs) result(failed int64) report.RetrySchedule {
	rs := report.RetrySchedule{Steps: []report.RetryStep{}, AfterRetryAfter: s.afterRA}
	for i := range s.steps {
		st := &s.steps[i]
		h := &st.h
		if h.TotalCount() == 0 {
			continue
		}
		rs.Retries += h.TotalCount()
		rs.Steps = append(rs.Steps, report.RetryStep{
			Attempt: i + 1, AndLater: i == report.ScheduleSteps-1, Retries: h.TotalCount(),
			MedianMS: usToMS(h.Quantile(50)), P10MS: usToMS(h.Quantile(10)),
			P90MS: usToMS(h.Quantile(90)), MaxMS: usToMS(h.Max()), AfterRetryAfter: st.afterRA,
		})
	}
	if s.afterRA > 0 {
		rs.HonoredShare = numfmt.Round3(float64(s.honored) / float64(s.afterRA))
	}
	rs.Resembles, rs.Reason = s.resemble(rs, failed)
	return rs
}

// resemble names the known policy the observed schedule is closest to,
// with the reason. The tests are simple and in this order: no retries at
// all; immediate retries (90% within 100 ms); waits that follow the
// Retry-After sent (95% at or after it, and soon after it); Svix's fixed
// schedule; OutboundSync's and the exponential doubling, which need two
// attempt numbers; and constant waits. Only one attempt number observed
// cannot tell a fixed delay from the first step of a backoff, and says so.
func (s *scheduleObs) resemble(rs report.RetrySchedule, failed int64) (string, string) {
	if rs.Retries == 0 {
		if failed == 0 {
			return "", "nothing was rejected, so nothing needed a retry"
		}
		return "none", fmt.Sprintf("%s got a 429 or an error and none was retried", numfmt.CountNoun(failed, "event"))
	}
	var all report.Histogram
	for i := range s.steps {
		all.Merge(&s.steps[i].h)
	}
	const immediate = 100 * time.Millisecond
	if p90 := time.Duration(all.Quantile(90)) * time.Microsecond; p90 < immediate {
		return "immediate", fmt.Sprintf("90%% of %s came within %s of the attempt before", numfmt.CountRetries(rs.Retries), numfmt.ShortDuration(p90))
	}
	if s.afterRA >= 3 && s.honored*100 >= s.afterRA*95 {
		slack := time.Duration(s.slack.Quantile(50)) * time.Microsecond
		ra := time.Duration(s.ra.Quantile(50)) * time.Microsecond
		if slack <= max(time.Second, ra/2) {
			return "retry-after", fmt.Sprintf("%.0f%% of the %s after a 429 waited at least its Retry-After (median %s), and a median %s more",
				rs.HonoredShare*100, numfmt.CountRetries(s.afterRA), numfmt.ShortDuration(ra), numfmt.ShortDuration(slack))
		}
	}
	meds := make([]time.Duration, 0, len(rs.Steps))
	consecutive := true
	for i, st := range rs.Steps {
		meds = append(meds, time.Duration(st.MedianMS*float64(time.Millisecond)))
		if st.Attempt != i+1 {
			consecutive = false
		}
	}
	desc := describeMedians(rs.Steps)
	if consecutive && fitsSvix(meds) {
		return "svix", "median waits " + desc + " follow Svix's 5s, 5m, 30m, 2h, 5h, 10h, 10h"
	}
	if consecutive && len(meds) >= 2 {
		if fitsOutboundSync(meds) {
			return "outboundsync", "median waits " + desc + " fit OutboundSync's random(0–300s) + 2^(n-1)·60s"
		}
		if ratiosWithin(meds, 1.5, 3) {
			return "exponential", "median waits " + desc + " roughly double from one attempt to the next"
		}
		if ratiosWithin(meds, 0.75, 1.34) {
			return "fixed", "median waits " + desc + " stay about the same"
		}
		return "unknown", "median waits " + desc + " fit no known policy"
	}
	if len(rs.Steps) == 1 && rs.Steps[0].Attempt == 1 {
		st := rs.Steps[0]
		if st.P10MS > 0 && st.P90MS/st.P10MS <= 1.5 {
			return "fixed", fmt.Sprintf("first retries only, all near %s: a fixed delay, or the first step of a backoff", numfmt.ShortDuration(meds[0]))
		}
		return "unknown", fmt.Sprintf("first retries only, spread from %s to %s: a jittered backoff?", numfmt.ShortMS(st.P10MS), numfmt.ShortMS(st.P90MS))
	}
	return "unknown", "median waits " + desc + " fit no known policy"
}

func fitsSvix(meds []time.Duration) bool {
	svixWaits := retry.SvixWaits()
	if len(meds) > len(svixWaits) {
		return false
	}
	for i, m := range meds {
		w := svixWaits[i]
		if m < w*3/4 || m > w*5/4 {
			return false
		}
	}
	return true
}

func fitsOutboundSync(meds []time.Duration) bool {
	for i, m := range meds {
		lo, hi, ok := retry.OutboundSyncWait(i + 1)
		if !ok || m < lo*9/10 || m > hi*11/10 {
			return false
		}
	}
	return true
}

// ratiosWithin reports whether each median over the one before lies in
// [lo, hi].
func ratiosWithin(meds []time.Duration, lo, hi float64) bool {
	for i := 1; i < len(meds); i++ {
		if meds[i-1] <= 0 {
			return false
		}
		r := float64(meds[i]) / float64(meds[i-1])
		if r < lo || r > hi {
			return false
		}
	}
	return true
}

func describeMedians(steps []report.RetryStep) string {
	parts := make([]string, len(steps))
	for i, st := range steps {
		parts[i] = numfmt.ShortMS(st.MedianMS)
	}
	return strings.Join(parts, ", ")
}
