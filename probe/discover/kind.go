package discover

import (
	"fmt"
	"math"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/internal/units"
)

// The kinds of limiter, as a profile file names them (limitsim's kinds).
const (
	KindWindow  = "window"  // a sliding window
	KindFixed   = "fixed"   // a fixed window, aligned to the clock
	KindBucket  = "bucket"  // a token bucket, refilled continuously
	KindCredits = "credits" // credits refilled in whole ticks, with a store
)

// AllKinds lists every kind, for a limit whose kind nothing decided.
var AllKinds = []string{KindWindow, KindFixed, KindBucket, KindCredits}

// kindMaxWindow is the longest window the kind step examines: it polls
// for one and a half windows, and longer windows are told apart by when
// the limiter admits again after bursts (see InferWindow).
const kindMaxWindow = 10

// kindPollMax caps the kind step's polling rate, per second.
const kindPollMax = 200

// KindInference is what the kind step concluded about one limit.
type KindInference struct {
	// Kinds holds the one kind decided, or the kinds still possible.
	Kinds []string
	// Alignment names the clock unit a fixed window's or credits' ticks
	// are aligned to ("second", "minute", "10s"), or "".
	Alignment string
	// CountsRejected says whether rejected requests count against the
	// limit; nil when what was seen does not tell.
	CountsRejected *bool
	Confidence     string
	// Rate is a token bucket's refill rate, per second, when measured.
	Rate float64
	// Evidence gives the observations that decided the kind, and
	// CountsEvidence those that decided CountsRejected.
	Evidence, CountsEvidence string
}

// KindObservation is what the kind step saw: a burst from a full
// limiter (or, for a limiter with a large burst, until its first
// rejection) and the polling after it. Times are Unix ns.
type KindObservation struct {
	Window time.Duration // the limit's window
	Quota  int64         // the limit: at most Quota per Window
	Bursty bool          // the limiter admitted far more than Quota at once
	Poll   float64       // the polling rate, per second
	// First is when the burst's first admitted request left, Rejected
	// when its first rejection left and Admitted how many it admitted.
	First, Rejected int64
	Admitted        int64
	// Polls are the requests sent after the burst, in the order sent.
	Polls []*ProbeRequest
	// End is when the polling ended.
	End int64
	// After is the request sent after a silence of a window, when the
	// polling was never admitted: nil when none was sent.
	After *ProbeRequest
}

// InferKind tells the kind of limiter from how it admitted requests
// again after a burst that exhausted it, while it was polled at several
// times its rate:
//
//   - a token bucket admits one request at a time, an interval
//     (Window/Quota) apart, from about an interval after the rejection
//     (later when it queues requests, as nginx does without nodelay);
//   - a fixed window admits again at its boundary, a whole multiple of its
//     length since the Unix epoch, earlier than a sliding window would,
//     and then a run of requests; credits do the same at each tick, after a
//     burst larger than one tick's quota;
//   - a sliding window admits again one window after the burst's first
//     admitted request, and then a run of requests.
//
// A limiter that never admits again while polled, but does after a
// window of silence, counts rejected requests against the limit.
func InferKind(o KindObservation) KindInference {
	pollGap := time.Duration(float64(time.Second) / o.Poll)
	tol := max(2*pollGap, o.Window/20)
	var ad []*ProbeRequest
	for _, p := range o.Polls {
		if p.Passed() {
			ad = append(ad, p)
		}
	}
	spanSeen := time.Duration(o.End - o.Rejected)
	if len(ad) == 0 {
		inf := KindInference{Kinds: []string{KindWindow, KindBucket}, Confidence: ConfidenceLow}
		seen := fmt.Sprintf("while polled at %.4g/s for %s after a burst of %d, nothing was admitted again", o.Poll, fmtSeconds(spanSeen), o.Admitted)
		switch {
		case o.After != nil && o.After.Passed():
			yes := true
			inf.CountsRejected, inf.Confidence = &yes, ConfidenceMedium
			inf.CountsEvidence = seen + fmt.Sprintf(", though the admitted requests alone would have let it admit again %s after the burst; after %s of silence a request was admitted: rejected requests count against the limit", fmtSeconds(o.Window), fmtSeconds(o.Window))
			inf.Evidence = "it never recovered while rejected requests kept coming, which a sliding window or a token bucket that counts them does; a fixed window would have admitted again at its boundary"
		case o.After != nil:
			inf.Kinds = AllKinds
			inf.Evidence = seen + ", nor after a window of silence: a longer limit may bind"
		default:
			inf.Kinds = AllKinds
			inf.Evidence = seen + "; the caps left no room to wait and try again"
		}
		return inf
	}
	first := ad[0]
	gap := time.Duration(first.Sent - o.Rejected)
	sinceFirst := time.Duration(first.Sent - o.First)
	// The runs of requests admitted in a row: a bucket admits one or two
	// at a time (two, or a few, after a stall of the sender), a window a
	// long run at once.
	var runs []int
	for i, p := range o.Polls {
		switch {
		case !p.Passed():
		case i > 0 && o.Polls[i-1].Passed():
			runs[len(runs)-1]++
		default:
			runs = append(runs, 1)
		}
	}
	run := runs[0]
	short := 0
	for _, n := range runs {
		if n <= 2 {
			short++
		}
	}
	boundary := nextMultiple(o.Rejected, o.Window)
	atBoundary := first.Sent >= boundary && time.Duration(first.Sent-boundary) <= tol
	no := false
	switch {
	case len(runs) >= 3 && 2*short > len(runs):
		spacing := time.Duration(ad[len(ad)-1].Sent-ad[0].Sent) / time.Duration(len(ad)-1)
		return KindInference{Kinds: []string{KindBucket}, CountsRejected: &no, Confidence: confidenceFor(len(ad), 4), Rate: float64(time.Second) / float64(spacing),
			Evidence: fmt.Sprintf("after a full burst of %d, admissions came back one at a time every %s (%d of %d requests sent at %.4g/s, the first %s after the rejection): a continuous token bucket at %.4g/s",
				o.Admitted, numfmt.ShortDuration(spacing.Round(time.Millisecond)), len(ad), len(o.Polls), o.Poll, numfmt.ShortDuration(gap.Round(time.Millisecond)), float64(time.Second)/float64(spacing)),
			CountsEvidence: fmt.Sprintf("it refilled at its own rate although %d rejected requests were sent meanwhile: rejected requests do not count", len(o.Polls)-len(ad))}
	case run > 2 && atBoundary && (o.Bursty || sinceFirst < o.Window-tol):
		inf := KindInference{Kinds: []string{KindFixed}, Alignment: alignment(o.Window), Confidence: ConfidenceHigh}
		if o.Bursty {
			inf.Kinds = []string{KindCredits}
			inf.Evidence = fmt.Sprintf("after a burst of %d, far more than %d per %s, it admitted %d at once at %s, a tick boundary of the clock: credits refilled in whole ticks of %s",
				o.Admitted, o.Quota, fmtSeconds(o.Window), run, clockTime(first.Sent), fmtSeconds(o.Window))
		} else {
			inf.Evidence = fmt.Sprintf("admitted %d at %s and %d more from %s, %s after the first, so the window is fixed and aligned to the %s",
				o.Admitted, clockTime(o.First), run, clockTime(first.Sent), fmtSeconds(sinceFirst), inf.Alignment)
		}
		inf.CountsEvidence = "a fixed window forgets its count at each boundary, so whether rejected requests count does not show"
		return inf
	case run > 2 && math.Abs(float64(sinceFirst-o.Window)) <= float64(tol):
		return KindInference{Kinds: []string{KindWindow}, CountsRejected: &no, Confidence: confidenceFor(run, 3),
			Evidence: fmt.Sprintf("after a burst of %d begun at %s, nothing was admitted until %s, one window after its first request, then %d in a row: a sliding window of %s (a fixed window aligned to the clock would have admitted again at %s)",
				o.Admitted, clockTime(o.First), clockTime(first.Sent), run, fmtSeconds(o.Window), clockTime(boundary)),
			CountsEvidence: fmt.Sprintf("it admitted again when the admitted requests alone predicted, although %d rejected requests were sent in that window: rejected requests do not count", countBefore(o.Polls, first.Sent))}
	}
	return KindInference{Kinds: AllKinds, Confidence: ConfidenceLow,
		Evidence: fmt.Sprintf("after a burst of %d, the first admission came %s after the rejection and %d in a row: no kind of limiter explains that alone", o.Admitted, numfmt.ShortDuration(gap.Round(time.Millisecond)), run)}
}

// nextMultiple returns the first whole multiple of w, counted from the
// Unix epoch, at or after t.
func nextMultiple(t int64, w time.Duration) int64 {
	k := (t + int64(w) - 1) / int64(w)
	return k * int64(w)
}

// alignment names the clock unit a window of w is aligned to.
func alignment(w time.Duration) string { return units.UnitName(w) }

func confidenceFor(n, high int) string {
	if n >= high {
		return ConfidenceHigh
	}
	return ConfidenceMedium
}

func countBefore(ps []*ProbeRequest, t int64) int {
	n := 0
	for _, p := range ps {
		if p.Sent < t && !p.Passed() {
			n++
		}
	}
	return n
}

// clockTime writes t as the seconds of its minute: ":00.900".
func clockTime(t int64) string {
	tm := time.Unix(0, t).UTC()
	return fmt.Sprintf(":%02d.%03d", tm.Second(), tm.Nanosecond()/1e6)
}

// kindStep finds the kind of the shortest measured limit: it waits until
// the limiter is full, at the middle of one of its windows as the clock
// counts them, exhausts it with a burst, and polls it at four times its
// rate for one and a half windows (two seconds at least). A limiter that
// admits far more than its rate at once (a bucket or credits with a large
// burst) is not refilled first: it is exhausted from where it is.
func (r *runner) kindStep(d *Discovery, st *discoverState) {
	s := r.begin(d, StepKind)
	var short *InferredLimit
	for i := range st.inferred {
		if l := &st.inferred[i]; l.WindowSeconds <= kindMaxWindow && l.Basis == "measured" && (short == nil || l.WindowSeconds < short.WindowSeconds) {
			short = l
		}
	}
	if short == nil && st.silent && d.Burst.Limited && len(d.RetryAfter) > 0 && d.RetryAfter[0].Checked && d.RetryAfter[0].Admitted {
		// Saturating admitted nothing, though a request after the
		// burst's Retry-After, sent after a silence, was admitted: the
		// signature of a limiter that counts the rejected requests. Its
		// window is taken from the Retry-After, and the step checks it.
		ws := max(int64((d.RetryAfter[0].Wait+time.Second-1)/time.Second), 1)
		if ws <= kindMaxWindow {
			st.add(InferredLimit{WindowSeconds: ws, Limit: d.Burst.Admitted, Basis: "retry-after", Confidence: ConfidenceLow,
				Note: fmt.Sprintf("%d admitted by the burst; admitted again after its Retry-After of %s, sent after a silence, but never while saturated", d.Burst.Admitted, fmtSeconds(d.RetryAfter[0].Wait))})
			short = &st.inferred[len(st.inferred)-1]
		}
	}
	if short == nil || short.Limit <= 0 {
		s.end("skipped", "no limit of %ds or less was measured", kindMaxWindow)
		return
	}
	inf, why := r.examineKind(short.WindowSeconds, short.Limit, d.Burst.Admitted)
	if why != "" {
		status := "skipped"
		if inf.Kinds != nil {
			status = "done"
		}
		short.Kinds, short.KindNote = AllKinds, "its kind was not found: "+why
		s.end(status, "%s", why)
		return
	}
	short.Kinds, short.Alignment, short.CountsRejected = inf.Kinds, inf.Alignment, inf.CountsRejected
	short.KindNote, short.CountsNote = inf.Evidence, inf.CountsEvidence
	if inf.CountsRejected != nil && *inf.CountsRejected && short.Basis == "retry-after" {
		short.Confidence = ConfidenceMedium
	}
	if len(inf.Kinds) == 1 && inf.Kinds[0] == KindBucket && inf.Rate > 0 {
		// A bucket refills at its rate: the spacing of its admissions
		// measures it better than a count per second does.
		if n := int64(math.Round(inf.Rate * float64(short.WindowSeconds))); n != short.Limit {
			short.Note += fmt.Sprintf("; %d per %ds from the bucket's refill, not the %d counted in a second", n, short.WindowSeconds, short.Limit)
			short.Limit = n
		}
	}
	note := inf.Evidence
	if inf.CountsEvidence != "" && inf.CountsRejected != nil {
		note += "; " + inf.CountsEvidence
	}
	s.end("done", "%s", note)
}

// examineKind runs the kind step's experiment on a limit of at most limit
// per windowSeconds, whose burst from full admitted burst, and returns
// what InferKind concludes; or why it could not, with the kinds still
// possible when the experiment ran but decided nothing.
func (r *runner) examineKind(windowSeconds, limit, burst int64) (KindInference, string) {
	w := time.Duration(windowSeconds) * time.Second
	o := KindObservation{Window: w, Quota: limit, Bursty: 2*burst > 3*limit}
	o.Poll = min(4*float64(limit)/w.Seconds(), kindPollMax)
	span := max(w*3/2, 2*time.Second)
	quiet := time.Duration(0)
	n := int(limit) + 8
	if !o.Bursty {
		quiet = w + w/5 + w/2 + w // refill, then at most a window to the middle of the next
	} else {
		n = 3*int(limit) + 10
	}
	need := n + int(o.Poll*span.Seconds()) + 2
	if r.left() < need || r.timeLeft() < quiet+span+w+time.Second {
		return KindInference{}, fmt.Sprintf("no room within the caps (%d requests and %s needed)", need, fmtSeconds(quiet+span+w))
	}
	if !o.Bursty {
		full := r.now() + int64(w+w/5)
		r.waitUntil(nextMultiple(full, w) + int64(w/2))
	}
	reqs := r.burst(n, 0)
	b, lim := BurstOf(reqs)
	if lim == nil || b.Admitted == 0 && !o.Bursty {
		return KindInference{Kinds: AllKinds}, fmt.Sprintf("the burst of %d got no rejection, or nothing admitted: the kind is not known", len(reqs))
	}
	o.Admitted, o.Rejected = b.Admitted, lim.Sent
	o.First, _ = firstAdmitted(reqs, 0)
	if o.Bursty {
		o.Admitted = burst
	}
	o.Polls = r.paced(o.Poll, span, 0, nil)
	o.End = r.now()
	passed := false
	for _, p := range o.Polls {
		passed = passed || p.Passed()
	}
	if !passed && !r.stopped() && r.timeLeft() > w {
		o.After = r.one(r.now()+int64(w+w/5), 0)
	}
	inf := InferKind(o)
	if inf.CountsRejected != nil && *inf.CountsRejected && len(inf.Kinds) == 2 {
		r.halfWindow(&inf, w, n)
	}
	return inf, ""
}

// halfWindow tells a sliding window from a token bucket when both count
// rejected requests: from full (the request after the silence was
// admitted, so the limiter is full a window later), a burst exhausts
// it, and one request half a window after the burst's rejection is
// admitted by a bucket, which has refilled half its tokens by then, and
// rejected by a sliding window, which still holds the whole burst.
func (r *runner) halfWindow(inf *KindInference, w time.Duration, n int) {
	if r.left() < n+1 || r.timeLeft() < w+w/5+w/2+time.Second {
		return
	}
	r.waitUntil(r.now() + int64(w+w/5))
	reqs := r.burst(n, 0)
	b, lim := BurstOf(reqs)
	if lim == nil || b.Admitted == 0 {
		return
	}
	p := r.one(lim.Sent+int64(w/2), 0)
	if p == nil {
		return
	}
	half := fmtSeconds(w / 2)
	if p.Passed() {
		inf.Kinds = []string{KindBucket}
		inf.Evidence += fmt.Sprintf("; after another burst of %d, a request %s after its rejection was admitted: a token bucket, refilled in part by then (a sliding window would still hold the whole burst)", b.Admitted, half)
	} else {
		inf.Kinds = []string{KindWindow}
		inf.Evidence += fmt.Sprintf("; after another burst of %d, a request %s after its rejection was rejected: a sliding window, which still holds the whole burst (a token bucket would have refilled in part)", b.Admitted, half)
	}
}
