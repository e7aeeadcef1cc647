package discover

import (
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// discoverState carries what the steps learn from one to the next.
type discoverState struct {
	first         *ProbeRequest // the advertised step's request
	firstAdmitted int64         // when the first admitted request left; 0 for none
	burstLim      *ProbeRequest // the burst's rejection
	long          *ProbeRequest // a later rejection with a long Retry-After
	longDone      bool          // a long window has been inferred
	longBurst     bool          // the burst's rejection has a long Retry-After
	raAt, raEarly *ProbeRequest // the requests of the burst's Retry-After check, or nil
	rate          float64       // a steady rate that held, per second
	silent        bool          // nothing was admitted after the burst
	inferred      []InferredLimit
}

func (st *discoverState) add(l InferredLimit) { st.inferred = append(st.inferred, l) }

// discover runs the steps of Plan in order.
func (r *runner) discover(d *Discovery) error {
	st := &discoverState{}
	if err := r.advertisedStep(d, st); err != nil || st.first == nil {
		return err
	}
	r.burstStep(d, st)
	r.retryAfterStep(d, st)
	r.rateStep(d, st)
	r.kindStep(d, st)
	r.scopeStep(d, st)
	if r.o.ByteSize > 0 {
		// Before the window step, which takes whatever is left: the bytes
		// step stops at its first rejection.
		r.bytesStep(d, st)
	}
	r.windowStep(d, st)
	sort.SliceStable(st.inferred, func(i, j int) bool { return st.inferred[i].WindowSeconds < st.inferred[j].WindowSeconds })
	for _, l := range st.inferred {
		if l.Kinds == nil {
			l.Kinds = AllKinds
			l.KindNote = "its kind was not examined: the kind step looks at the shortest limit, of 10 s or less, and a longer window's kind shows only in bursts a window apart, which the caps did not leave room for"
		}
		if n := len(d.Inferred); n == 0 || d.Inferred[n-1].WindowSeconds != l.WindowSeconds {
			d.Inferred = append(d.Inferred, l)
		}
	}
	return nil
}

// stepper records one step's summary when it ends.
type stepper struct {
	r     *runner
	d     *Discovery
	name  string
	start int64
	sent  int
}

func (r *runner) begin(d *Discovery, name string) *stepper {
	r.step = name
	return &stepper{r: r, d: d, name: name, start: r.now(), sent: r.sent}
}

// end records the step with status "done" or "skipped"; a step that sent
// nothing more because of a cap or an interruption becomes "cut".
func (s *stepper) end(status, format string, args ...any) {
	if status == "done" && (s.r.ctx.Err() != nil || s.r.capped() != "") {
		status = "cut"
	}
	s.d.Steps = append(s.d.Steps, StepSummary{Name: s.name, Requests: s.r.sent - s.sent,
		Duration: time.Duration(s.r.now() - s.start), Status: status, Note: fmt.Sprintf(format, args...)})
}

func (r *runner) advertisedStep(d *Discovery, st *discoverState) error {
	s := r.begin(d, StepAdvertised)
	p := r.one(r.now(), 0)
	if p != nil && p.AppError() {
		p = r.one(r.now(), 0) // an application error says nothing: once more
	}
	if p == nil || r.ctx.Err() != nil {
		s.end("cut", "")
		return nil
	}
	d.Advertised = ParseAdvertised(p.RateLimit)
	switch {
	case p.Status == 0:
		s.end("done", "no response")
		return exitcode.Runtimef("target is unreachable: the first request got no response: %s", p.Err)
	case !p.Admitted() && !p.Limited():
		s.end("done", "answered %d", p.Status)
		return exitcode.Runtimef("the target answered %d %s to the first request: probe needs a URL that admits its requests (check the URL, --method and --header)", p.Status, http.StatusText(p.Status))
	}
	st.first = p
	note := fmt.Sprintf("%d advertised limits", len(d.Advertised.Limits))
	if p.Limited() {
		note = "the first request was already rejected: the partition was not fresh, so the burst undercounts"
	}
	s.end("done", "%s", note)
	return nil
}

func (r *runner) burstStep(d *Discovery, st *discoverState) {
	s := r.begin(d, StepBurst)
	reqs := r.burst(burstBudget(r.left()), 0)
	all := append([]*ProbeRequest{st.first}, reqs...)
	b, lim := BurstOf(all)
	d.Burst, st.burstLim = b, lim
	if ts := admittedTimes(all); len(ts) > 0 {
		st.firstAdmitted = ts[0]
	}
	switch {
	case !b.Limited:
		s.end("done", "no rejection within %d requests: the burst is at least %d", b.Sent, b.Admitted)
	case r.longWait(lim) && st.firstAdmitted != 0:
		// The window is inferred in the window step, from when the
		// limiter admits again (see InferWindow).
		st.longBurst = true
		s.end("done", "%d admitted, then %d after %s", b.Admitted, lim.Status, fmtSeconds(b.Elapsed))
	default:
		s.end("done", "%d admitted, then %d after %s", b.Admitted, lim.Status, fmtSeconds(b.Elapsed))
	}
}

func (r *runner) retryAfterStep(d *Discovery, st *discoverState) {
	s := r.begin(d, StepRetryAfter)
	switch lim := st.burstLim; {
	case lim == nil:
		s.end("skipped", "no rejection to take a Retry-After from")
	case !lim.HasRetryAfter:
		s.end("skipped", "the rejection carried no usable Retry-After")
	default:
		c, at, early := r.checkRetryAfter(lim)
		st.raAt, st.raEarly = at, early
		d.RetryAfter = append(d.RetryAfter, c)
		if c.EarlySent && !c.EarlyOK {
			// Admitted before the Retry-After ended: it says nothing of
			// the window, and the steps after measure without it.
			r.raOverstated, st.longBurst = true, false
			c.Note += fmt.Sprintf("; a request %s before its end was admitted, so the steps after take no window from Retry-After", fmtSeconds(c.EarlyBy))
		}
		if c.Checked {
			s.end("done", "%s", c.Note)
		} else {
			s.end("skipped", "%s", c.Note)
		}
	}
}

// checkRetryAfter waits out the Retry-After of lim and sends one request
// exactly when it ends; first, when that is safe, one clearly before. It
// returns the check and those two requests (nil when not sent). An
// application error at the end is sent again once: it says nothing about
// the limit.
func (r *runner) checkRetryAfter(lim *ProbeRequest) (c RetryAfterCheck, at, early *ProbeRequest) {
	ra := lim.RetryAfter
	c = RetryAfterCheck{Wait: ra, LongWindow: ra >= 2*time.Second}
	end := lim.Done + int64(ra)
	switch {
	case end+int64(time.Second)/2 > r.deadline:
		c.Note = fmt.Sprintf("not checked: waiting the Retry-After of %s would pass --max-duration", fmtSeconds(ra))
		return c, nil, nil
	case r.left() < 1:
		c.Note = "not checked: no request left within --max-requests"
		return c, nil, nil
	case ra < 2*time.Second:
		c.Note = "nothing sent before it ends: under 2 s, whole-second rounding leaves no time that is clearly before"
	case r.o.CountRejected:
		c.Note = "nothing sent before it ends: the documentation counts rejected requests, so one could push the end back"
	case r.left() >= 2:
		margin := max(250*time.Millisecond, 2*time.Duration(lim.Done-lim.Sent))
		at := end - int64(time.Second) - int64(margin)
		if at > r.now() {
			if p := r.one(at, 0); p != nil {
				c.EarlySent, c.EarlyBy, c.EarlyOK = true, time.Duration(end-at), !p.Passed()
				early = p
			}
		}
	}
	p := r.one(end, 0)
	if p != nil && p.AppError() {
		p = r.one(r.now(), 0)
	}
	if p == nil {
		c.Note = "not checked: stopped while waiting"
		return c, nil, early
	}
	c.Checked, c.Admitted, c.Status = true, p.Admitted(), p.Status
	if c.Note == "" {
		c.Note = fmt.Sprintf("waited %s", fmtSeconds(ra))
	}
	return c, p, early
}

// firstLong returns the first answered rejection with a long Retry-After.
func (r *runner) firstLong(reqs []*ProbeRequest) *ProbeRequest {
	for _, p := range reqs {
		if r.longWait(p) {
			return p
		}
	}
	return nil
}

func anyLimited(reqs []*ProbeRequest) bool {
	for _, p := range reqs {
		if p.Limited() {
			return true
		}
	}
	return false
}

// fmtSeconds writes a duration in seconds with up to three decimals.
func fmtSeconds(d time.Duration) string {
	return fmt.Sprintf("%.3gs", d.Seconds())
}
