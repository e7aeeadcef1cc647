package discover

import (
	"fmt"
	"math"
	"time"
)

// The steps that measure rates: rate (saturation and steady trials),
// window (a longer window) and bytes.

// saturateFor is how long the rate step saturates the limiter.
const saturateFor = 2 * time.Second

func (r *runner) rateStep(d *Discovery, st *discoverState) {
	s := r.begin(d, StepRate)
	lim := st.burstLim
	switch {
	case lim == nil:
		s.end("skipped", "the burst got no rejection, so there is no limit to measure a rate under")
		return
	case r.longWait(lim):
		s.end("skipped", "after the burst, Retry-After asks to wait %s: a window longer than a second binds", fmtSeconds(lim.RetryAfter))
		return
	}
	rate := min(max(1.5*float64(d.Burst.Admitted)+2, 4), 200)
	var sat []*ProbeRequest
	for range 3 {
		if r.left() < int(rate*saturateFor.Seconds())+1 || r.timeLeft() < saturateFor {
			s.end("cut", "no room left within the caps to saturate at %.4g/s", rate)
			return
		}
		sat = r.paced(rate, saturateFor, 0, r.longWait)
		if anyLimited(sat) || r.stopped() {
			break
		}
		rate = min(rate*4, 1000)
	}
	d.Rate.SaturationRate = rate
	d.Rate.MaxPerSecond = SaturatedPerSecond(admittedTimes(afterFirstRejection(sat)))
	if l := r.firstLong(sat); l != nil {
		st.long = l
		s.end("done", "a rejection with Retry-After %s while saturating: a longer window binds", fmtSeconds(l.RetryAfter))
		return
	}
	if !anyLimited(sat) {
		d.Rate.Note = fmt.Sprintf("no rejection even at %.4g/s", rate)
		s.end("done", "%s", d.Rate.Note)
		return
	}
	l1 := d.Rate.MaxPerSecond
	if l1 == 0 {
		st.silent = true
		d.Rate.Note = fmt.Sprintf("nothing admitted in %s at %.4g/s after the burst: a window longer than that binds", fmtSeconds(saturateFor), rate)
		s.end("done", "%s", d.Rate.Note)
		return
	}
	r.trials(d, st, l1)
	held, failed := TrialBounds(d.Rate.Trials)
	d.Rate.Held, d.Rate.Failed = held, failed
	limit := PerSecondLimit(l1, held, failed)
	st.rate = held
	if held == 0 {
		st.rate = 0.8 * float64(limit)
	}
	note := fmt.Sprintf("at most %d admitted in any second at %.4g/s", l1, rate)
	if held > 0 {
		note += fmt.Sprintf("; steady %.4g/s held", held)
	}
	if failed > 0 {
		note += fmt.Sprintf("; steady %.4g/s got rejections", failed)
	}
	conf := ConfidenceMedium
	if held > 0 && failed > 0 {
		conf = ConfidenceHigh // steady trials bracket it
	}
	st.add(InferredLimit{WindowSeconds: 1, Limit: limit, Basis: "measured", Confidence: conf, Note: note})
	s.end("done", "%s%s", note, trimNote(d.Rate.Note))
}

// trials runs the steady trials of the rate search around estimate.
func (r *runner) trials(d *Discovery, st *discoverState, estimate int64) {
	for {
		rate, ok := NextTrialRate(float64(estimate), d.Rate.Trials)
		if !ok {
			return
		}
		if r.stopped() {
			d.Rate.Note = "the search was cut short"
			return
		}
		judge := max(2*time.Second, time.Duration(20/rate*float64(time.Second)))
		span := time.Second + judge
		// The drain costs about what refilled since the last rejection.
		need := int(rate*span.Seconds()*1.2) + 12
		if r.left() < need || r.timeLeft() < span+time.Second {
			d.Rate.Note = "the search was cut short by the caps"
			return
		}
		if l := r.firstLong(r.burst(2*int(d.Burst.Admitted)+10, 0)); l != nil {
			st.long = l
			d.Rate.Note = "a longer window was reached while draining"
			return
		}
		t0 := r.now()
		reqs := r.paced(rate, span, 0, r.longWait)
		if l := r.firstLong(reqs); l != nil {
			st.long = l
			d.Rate.Note = fmt.Sprintf("a longer window was reached at %.4g/s", rate)
			return
		}
		// A sender that fell behind sent slower than asked: what held or
		// failed is the rate actually sent.
		tr := Trial{Rate: min(rate, sentRate(reqs)), Nominal: rate, Sent: len(reqs)}
		for _, p := range reqs {
			if p.Limited() && p.Sent >= t0+int64(time.Second) {
				tr.Rejected++
			}
		}
		tr.Held = tr.Rejected == 0
		judged := 0
		for _, p := range reqs {
			if p.Sent >= t0+int64(time.Second) {
				judged++
			}
		}
		if tr.Held && float64(judged) < 0.8*rate*judge.Seconds() {
			// Cut short (interrupted, or a cap): holding that briefly
			// proves nothing.
			d.Rate.Note = "the search was cut short"
			return
		}
		d.Rate.Trials = append(d.Rate.Trials, tr)
	}
}

// afterFirstRejection returns the requests sent from the first rejected
// one on: before it, what refilled while waiting is still being spent.
func afterFirstRejection(reqs []*ProbeRequest) []*ProbeRequest {
	var from int64 = -1
	for _, p := range reqs {
		if p.Limited() && (from < 0 || p.Sent < from) {
			from = p.Sent
		}
	}
	var out []*ProbeRequest
	for _, p := range reqs {
		if from >= 0 && p.Sent >= from {
			out = append(out, p)
		}
	}
	return out
}

// sentRate returns the rate at which reqs left, per second, rounded to
// hundredths.
func sentRate(reqs []*ProbeRequest) float64 {
	if len(reqs) < 2 {
		return math.Inf(1)
	}
	first, last := reqs[0].Sent, reqs[0].Sent
	for _, p := range reqs {
		first, last = min(first, p.Sent), max(last, p.Sent)
	}
	if last == first {
		return math.Inf(1)
	}
	return math.Round(float64(len(reqs)-1)*float64(time.Second)/float64(last-first)*100) / 100
}

func trimNote(n string) string {
	if n == "" {
		return ""
	}
	return "; " + n
}

func (r *runner) windowStep(d *Discovery, st *discoverState) {
	s := r.begin(d, StepWindow)
	switch {
	case st.longBurst:
		r.rephase(d, st, s)
	case st.longDone:
		s.end("skipped", "found from the burst's Retry-After")
	case st.long != nil:
		r.inferLong(d, st, st.long)
		s.end("done", "from a rejection with Retry-After %s", fmtSeconds(st.long.RetryAfter))
	case st.rate > 0 && r.raOverstated:
		s.end("skipped", "the Retry-After is longer than the limits need, so a longer window cannot be read from it: not determined")
	case st.rate > 0:
		rate := 0.9 * st.rate
		span := min(r.timeLeft()-time.Second, time.Duration(float64(r.left())/rate*float64(time.Second)))
		if span < 2*time.Second {
			s.end("skipped", "no room left within the caps")
			return
		}
		// The first second may still see the rejections of the rate step.
		warm := r.now() + int64(time.Second)
		late := func(p *ProbeRequest) bool { return p.Limited() && !p.HasRetryAfter && p.Sent >= warm }
		reqs := r.paced(rate, span, 0, func(p *ProbeRequest) bool { return r.longWait(p) || late(p) })
		var lim *ProbeRequest
		for _, p := range reqs {
			if (r.longWait(p) || late(p)) && (lim == nil || p.Done < lim.Done) {
				lim = p
			}
		}
		switch {
		case lim == nil:
			n := len(admittedTimes(reqs))
			s.end("done", "no long rejection at %.4g/s for %s (%d admitted): no longer window binds that soon", rate, fmtSeconds(span), n)
		case r.longWait(lim):
			r.inferLong(d, st, lim)
			s.end("done", "a rejection with Retry-After %s at %.4g/s", fmtSeconds(lim.RetryAfter), rate)
		default:
			s.end("done", "a rejection without Retry-After at %.4g/s: no longer window found", rate)
		}
	case d.Burst.Limited && !d.Burst.HasRetryAfter && (st.silent || d.Rate.MaxPerSecond == 0):
		if a := advertisedWindow(d.Advertised, d.Burst.Admitted); a != nil {
			st.add(InferredLimit{WindowSeconds: a.WindowSeconds, Limit: d.Burst.Admitted, Basis: "advertised", Confidence: ConfidenceMedium,
				Note: fmt.Sprintf("the count measured, the window read from %s", a.Field)})
			s.end("done", "window from %s", a.Field)
			return
		}
		r.recover(d, st, s)
	default:
		s.end("skipped", "no rate to keep under")
	}
}

// advertisedWindow returns the advertised limit whose quota is the burst
// and that names a window, or nil.
func advertisedWindow(a Advertised, burst int64) *AdvertisedLimit {
	for i := range a.Limits {
		if l := &a.Limits[i]; l.Limit == burst && l.WindowSeconds > 0 && !l.Bytes {
			return l
		}
	}
	return nil
}

// inferLong infers a longer window from the rejection lim, whose
// Retry-After points past the short windows, and checks that Retry-After
// too when none was checked clearly before its end yet.
func (r *runner) inferLong(d *Discovery, st *discoverState, lim *ProbeRequest) {
	var before []*ProbeRequest
	for _, p := range r.all {
		if p.Sent < lim.Sent {
			before = append(before, p)
		}
	}
	ts := admittedTimes(before)
	if len(ts) == 0 {
		return
	}
	w := WindowFromRetryAfter(ts[0], lim.Done, lim.RetryAfter)
	n := int64(len(ts))
	note := fmt.Sprintf("%d admitted in %s since the first, then %d with Retry-After %s", n, fmtSeconds(time.Duration(lim.Sent-ts[0])), lim.Status, fmtSeconds(lim.RetryAfter))
	if from := lim.Sent - w*int64(time.Second); from > ts[0] {
		n = 0
		for _, t := range ts {
			if t > from {
				n++
			}
		}
		note = fmt.Sprintf("%d admitted in the %ds before a %d with Retry-After %s", n, w, lim.Status, fmtSeconds(lim.RetryAfter))
	}
	note += "; seen once, a sliding window assumed: for a fixed window the Retry-After runs only to its end, so the window may be longer"
	st.add(InferredLimit{WindowSeconds: w, Limit: n, Basis: "retry-after", Confidence: ConfidenceLow, Note: note})
	st.longDone = true
	early := false
	for _, c := range d.RetryAfter {
		early = early || c.EarlySent
	}
	if !early {
		c, _, _ := r.checkRetryAfter(lim)
		d.RetryAfter = append(d.RetryAfter, c)
	}
}

// recover polls, without Retry-After to go by, until a request is admitted
// again, and infers the window from how long that took since the first
// admitted request.
func (r *runner) recover(d *Discovery, st *discoverState, s *stepper) {
	var prev int64
	for _, p := range r.all {
		if p.Limited() {
			prev = max(prev, p.Sent)
		}
	}
	for !r.stopped() {
		interval := max(250*time.Millisecond, time.Duration(r.now()-st.firstAdmitted)/20)
		p := r.one(r.now()+int64(interval), 0)
		if p == nil {
			break
		}
		if p.Passed() {
			w := SnapWindow(time.Duration(prev-st.firstAdmitted), time.Duration(p.Sent-st.firstAdmitted))
			st.add(InferredLimit{WindowSeconds: w, Limit: d.Burst.Admitted, Basis: "recovery", Confidence: ConfidenceLow,
				Note: fmt.Sprintf("the first request admitted again %s after the first admitted one (a sliding window assumed; a fixed window would reset sooner)", fmtSeconds(time.Duration(p.Sent-st.firstAdmitted)))})
			s.end("done", "admitted again after %s", fmtSeconds(time.Duration(p.Sent-st.firstAdmitted)))
			return
		}
		prev = p.Sent
	}
	s.end("cut", "not admitted again within the caps: the window is longer than %s", fmtSeconds(time.Duration(prev-st.firstAdmitted)))
}

func (r *runner) bytesStep(d *Discovery, st *discoverState) {
	s := r.begin(d, StepBytes)
	var last *ProbeRequest
	for _, p := range r.all {
		if p.Limited() && (last == nil || p.Done > last.Done) {
			last = p
		}
	}
	if last != nil {
		wait := time.Second
		if last.HasRetryAfter {
			wait = last.RetryAfter
		}
		if wait <= 5*time.Second {
			// Wait out the Retry-After of the last rejection, and a second
			// after the last request of the steps before, so that what
			// they spent of a per-second limit is back.
			until := last.Done + int64(wait)
			if n := len(r.all); n > 0 {
				until = max(until, r.all[n-1].Done+int64(time.Second))
			}
			r.waitUntil(until)
		}
	}
	// Half the sustainable event rate, so that the event limit cannot be
	// what rejects: this step measures bytes.
	rate := 0.5 * st.rate
	if rate <= 0 {
		rate = 1
	}
	reqs := r.paced(rate, r.timeLeft(), r.o.ByteSize, func(p *ProbeRequest) bool {
		return p.Limited() || p.Status == 413
	})
	bb := &ByteBurst{BodySize: r.o.ByteSize}
	var lim *ProbeRequest
	for _, p := range reqs {
		if p.Admitted() {
			bb.Admitted++
			bb.AdmittedBytes += p.Size
		}
		if (p.Limited() || p.Status == 413) && (lim == nil || p.Done < lim.Done) {
			lim = p
		}
	}
	switch {
	case lim == nil:
		bb.Note = fmt.Sprintf("no rejection within the caps: the byte burst is at least %d bytes", bb.AdmittedBytes)
	case lim.Status == 413 && bb.Admitted == 0:
		bb.Status = 413
		bb.Note = fmt.Sprintf("a body of %d bytes is more than the endpoint accepts at once (413)", r.o.ByteSize)
	default:
		bb.Limited, bb.Status, bb.RetryAfter, bb.HasRetryAfter = true, lim.Status, lim.RetryAfter, lim.HasRetryAfter
		bb.Note = fmt.Sprintf("%d bodies of %d bytes admitted at %.4g/s, then %d", bb.Admitted, r.o.ByteSize, rate, lim.Status)
	}
	d.Bytes = bb
	s.end("done", "%s", bb.Note)
}
