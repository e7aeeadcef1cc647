package discover

import (
	"fmt"
	"time"
)

// rephase infers the window of a burst whose rejection asked for a long
// wait, from when the limiter admits again (see InferWindow). The burst's
// re-admission was checked by the retry-after step; a second burst starts
// at that instant, which is a fixed window's boundary; when both kinds of
// window still explain what was seen, a third starts half a window after
// the second's re-admission, where they differ.
func (r *runner) rephase(d *Discovery, st *discoverState, s *stepper) {
	lim := st.burstLim
	obs := []Readmission{{Admitted: d.Burst.Admitted}}
	obs[0].First, obs[0].FirstDone = firstAdmitted(r.all, 0)
	obs[0].Lo, obs[0].Hi = readmissionBounds(lim, st.raEarly)
	why := ""
	switch at := st.raAt; {
	case at == nil:
		why = "the Retry-After could not be waited out within the caps"
	case !at.Admitted():
		why = "a request at the end of the Retry-After was not admitted"
	default:
		if o, ok := r.burstObservation(d, at.Sent, at); ok {
			obs = append(obs, o)
		} else {
			why = "a second burst did not fit within the caps or got no Retry-After"
		}
	}
	if inf := InferWindow(obs); len(obs) == 2 && inf.Kind == WindowEither && inf.Seconds >= 2 {
		half := time.Duration(inf.Seconds) * time.Second / 2
		r.waitUntil(obs[1].Hi + int64(half))
		if o, ok := r.burstObservation(d, r.now(), nil); ok {
			obs = append(obs, o)
		}
	}
	inf := InferWindow(obs)
	l := InferredLimit{WindowSeconds: inf.Seconds, Limit: inf.Limit, Basis: "readmission",
		Confidence: inf.Confidence, Note: inf.Evidence, Kinds: inf.ProfileKinds(), KindNote: inf.Evidence}
	if inf.Aligned {
		l.Alignment = alignment(time.Duration(inf.Seconds) * time.Second)
	}
	if len(obs) == 1 {
		l.Basis, l.Kinds, l.KindNote = "retry-after", nil, ""
		l.Note = fmt.Sprintf("%d admitted, then %d with Retry-After %s; %s; not repeated: %s", d.Burst.Admitted, lim.Status, fmtSeconds(lim.RetryAfter), inf.Evidence, why)
	}
	st.add(l)
	st.longDone = true
	s.end("done", "%s window of %ds, confidence %s, from %d bursts", orUnknown(inf.Kind), inf.Seconds, inf.Confidence, len(obs))
}

// burstObservation sends a burst from a quiet limiter, starting at from
// (with first, when not nil, its first request, already admitted), and
// returns when the limiter admits again, bounded by the rejection's
// Retry-After. It reports false when the caps leave no room for it or
// its rejection has no Retry-After.
func (r *runner) burstObservation(d *Discovery, from int64, first *ProbeRequest) (Readmission, bool) {
	n := 2*int(d.Burst.Admitted) + 10
	if r.left() < int(d.Burst.Admitted)+r.o.InFlight+2 || r.timeLeft() < time.Second {
		return Readmission{}, false
	}
	reqs := r.burst(n, 0)
	if first != nil {
		reqs = append([]*ProbeRequest{first}, reqs...)
	}
	b, lim := BurstOf(reqs)
	if lim == nil || !lim.HasRetryAfter || lim.RetryAfter <= 0 || b.Admitted == 0 {
		return Readmission{}, false
	}
	o := Readmission{Admitted: b.Admitted}
	o.First, o.FirstDone = firstAdmitted(reqs, from)
	o.Lo, o.Hi = readmissionBounds(lim, nil)
	return o, true
}

// firstAdmitted returns when the earliest admitted request of reqs sent at
// or after from left, and when its answer came.
func firstAdmitted(reqs []*ProbeRequest, from int64) (sent, done int64) {
	var f *ProbeRequest
	for _, p := range reqs {
		if p.Passed() && p.Sent >= from && (f == nil || p.Sent < f.Sent) {
			f = p
		}
	}
	if f == nil {
		return 0, 0
	}
	return f.Sent, f.Done
}

// readmissionBounds bounds when the limiter admits again after the
// rejection lim: its Retry-After counts whole seconds, rounded up, from
// some instant between when lim left and when its answer came, so the
// limiter admits again in (Sent + RA - 1s, Done + RA]; a request sent
// before that and rejected (early) moves the lower bound up.
func readmissionBounds(lim, early *ProbeRequest) (lo, hi int64) {
	ra := int64(lim.RetryAfter)
	lo, hi = lim.Sent+ra-int64(time.Second), lim.Done+ra
	if early != nil && !early.Passed() {
		lo = max(lo, early.Sent)
	}
	return lo, hi
}

func orUnknown(kind string) string {
	if kind == "" {
		return "unknown"
	}
	return kind
}
