package discover

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hooklimit/hooklimit/probe"
)

// Defaults of a Discovery's caps and pacing.
const (
	DefaultProbeMaxRequests = 1000
	DefaultProbeMaxDuration = time.Minute
	DefaultProbeInFlight    = 8
)

// The steps of a discovery, in the order they run.
const (
	StepAdvertised = "advertised"
	StepBurst      = "burst"
	StepRetryAfter = "retry-after"
	StepRate       = "rate"
	StepKind       = "kind"
	StepScope      = "scope"
	StepWindow     = "window"
	StepBytes      = "bytes"
)

// DiscoverOptions configures Discover: the target, the caps and the
// knobs of the steps. Sender and Clock are required only in tests; the
// zero values of the other optional fields are their defaults.
type DiscoverOptions struct {
	Sender Sender      // makes the requests; see probe.NewHTTPSender
	Clock  probe.Clock // the time source; default the system clock

	MaxRequests int           // hard cap on requests; default DefaultProbeMaxRequests
	MaxDuration time.Duration // hard cap on time; default DefaultProbeMaxDuration
	InFlight    int           // requests in flight at most; default DefaultProbeInFlight
	// ByteSize, when positive, asks for the bytes step: requests with
	// bodies of this size, paced under the count rate, until a rejection.
	ByteSize int64
	// CountRejected says the documentation counts rejected requests
	// against the limits. A request sent on purpose before a Retry-After
	// ends is then not safe (it could push the end back), and is not sent.
	CountRejected bool
	// ExpectRetryAfter says the documentation promises a Retry-After on
	// every 429: a rejection without one is then an error, not a warning.
	ExpectRetryAfter bool
	// Also, when set, sends to another key or path of the same endpoint,
	// for the scope step: does it share the probed URL's limit?
	Also Sender
	// OnRequest, when set, is called with every request once its answer
	// is in, in the order they complete, from Discover's goroutine. The
	// value must not be kept.
	OnRequest func(r *ProbeRequest)
}

// Discovery is what Discover found. Times are Unix nanoseconds. Nothing
// in it says whether it matches a profile: the report package compares.
type Discovery struct {
	Start, End  int64
	Requests    int  // requests sent
	Interrupted bool // the context was cancelled
	// Capped names the cap that cut the discovery short: "max-requests",
	// "max-duration", or "" when every step ran to its end.
	Capped string

	// Advertised is what the first response's headers say.
	Advertised Advertised
	Burst      Burst
	// RetryAfter holds the checks of Retry-After: the burst's rejection,
	// and a later one with a long wait, when there was time.
	RetryAfter []RetryAfterCheck
	Rate       RateSearch
	// Inferred lists the limits found, one per window, shortest first.
	Inferred []InferredLimit
	Bytes    *ByteBurst
	Findings []Finding
	Steps    []StepSummary
}

// Burst is the back-to-back burst from a fresh start.
type Burst struct {
	Admitted int64 // admitted before the first rejection (the first request included)
	Sent     int   // requests of the burst (the first request included)
	// Limited says a rejection came (429, or 503 used for rate limiting);
	// when false the burst ran out of budget and Admitted is a lower bound.
	Limited    bool
	Status     int           // the rejection's status
	Elapsed    time.Duration // from the first request to the rejection's answer
	RetryAfter time.Duration // the rejection's Retry-After, when HasRetryAfter
	// HasRetryAfter says the rejection carried a Retry-After that parsed.
	HasRetryAfter bool
}

// RetryAfterCheck is the test of the first usable Retry-After: a request
// sent exactly when it ends must be admitted, and one sent clearly before
// must not be.
type RetryAfterCheck struct {
	Checked    bool          // a request was sent at exactly the Retry-After
	Wait       time.Duration // the Retry-After waited
	Admitted   bool          // the request at exactly the Retry-After was admitted
	Status     int           // its status
	EarlySent  bool          // a request was sent clearly before
	EarlyBy    time.Duration // how long before the end it was sent
	EarlyOK    bool          // it was rejected, as it should be
	Note       string        // why a part was not checked
	LongWindow bool          // the Retry-After points past the short windows
}

// RateSearch is the search for the highest steady rate the endpoint
// admits: saturation, then steady trials around the threshold.
type RateSearch struct {
	// SaturationRate is the rate sent to saturate the limiter, per second.
	SaturationRate float64
	// MaxPerSecond is the per-second count admitted while saturated,
	// after the first rejection (see SaturatedPerSecond).
	MaxPerSecond int64
	// Trials are the steady runs, in order.
	Trials []Trial
	// Held and Failed are the highest steady rate with no rejection and
	// the lowest with one (0 when none).
	Held, Failed float64
	Note         string
}

// Trial is one steady run at Rate per second: after a drain, a warm-up of
// one second whose rejections do not count, then the judged span.
type Trial struct {
	Rate     float64 // the rate actually sent (at most Nominal)
	Nominal  float64 // the rate asked for
	Sent     int
	Rejected int  // rejections in the judged span
	Held     bool // no rejection in the judged span
}

// InferredLimit is one limit Discover found: at most Limit requests in
// any WindowSeconds seconds.
type InferredLimit struct {
	WindowSeconds int64
	Limit         int64
	// Basis says how it was found: "measured" (both numbers observed),
	// "retry-after" (the count observed, the window read from Retry-After),
	// "recovery" (the window timed from the burst to the next admitted
	// request), "readmission" (the window timed from when the limiter
	// admitted again after bursts begun at different phases; see
	// InferWindow), "advertised" (the window read from the headers' names).
	Basis string
	// Confidence says how sure the inference is: ConfidenceHigh,
	// ConfidenceMedium or ConfidenceLow; Note gives the observations that
	// decided it.
	Confidence string
	Note       string
	// Kinds is the kind of limiter, as a profile file names it
	// (KindWindow, KindFixed, KindBucket, KindCredits): one when decided,
	// the kinds still possible when not, none when not examined.
	// KindNote gives the observations that decided it, and Alignment the
	// clock unit a fixed window is aligned to. See InferKind and
	// InferWindow.
	Kinds     []string
	Alignment string
	KindNote  string
	// CountsRejected says whether rejected requests count against the
	// limit, nil when not known; CountsNote says why.
	CountsRejected *bool
	CountsNote     string
	// Scope is ScopeShared or ScopePerKey when the scope step told, else
	// ""; ScopeNote says how.
	Scope     string
	ScopeNote string
}

// ByteBurst is what the bytes step found.
type ByteBurst struct {
	BodySize      int64
	Admitted      int64 // requests admitted before the rejection
	AdmittedBytes int64 // body bytes admitted, counting every earlier probe request
	Limited       bool
	Status        int
	RetryAfter    time.Duration
	HasRetryAfter bool
	Note          string
}

// StepSummary says what one step did.
type StepSummary struct {
	Name     string
	Requests int
	Duration time.Duration
	// Status is "done", "skipped" or "cut" (stopped by a cap or an
	// interruption).
	Status string
	Note   string
}

// Discover finds the limits the target enforces and checks its
// rate-limit answers, step by step, within the caps (see Plan for the
// steps). It returns what it measured even when it is interrupted (with
// Interrupted set and ctx's error) or cut short by a cap (with Capped set
// and a nil error). It returns an error with exit code 3 when the target
// is unreachable or refuses the first request.
func Discover(ctx context.Context, o DiscoverOptions) (*Discovery, error) {
	if o.Sender == nil {
		return nil, errors.New("probe: Discover needs a Sender")
	}
	r := newRunner(ctx, &o)
	d := &Discovery{Start: r.now()}
	err := r.discover(d)
	d.End = r.now()
	d.Requests = r.sent
	d.Findings = append(d.Findings, checkFindings(r.all, d, &o)...)
	sortFindings(d.Findings)
	if ctx.Err() != nil {
		d.Interrupted = true
		return d, ctx.Err()
	}
	if err != nil {
		return d, err
	}
	if d.Capped == "" {
		d.Capped = r.capped()
	}
	return d, nil
}

// PlanStep is one step of the plan: what it does and what it may spend.
type PlanStep struct {
	Name        string
	MaxRequests int // 0: whatever is left, unless Budget says otherwise
	// Budget, when set, says what the step may send in words, for a step
	// whose budget depends on what the steps before it found.
	Budget string
	What   string
}

// Plan returns the steps Discover takes with o, for printing before any
// request is sent.
func Plan(o DiscoverOptions) []PlanStep {
	o.defaults()
	burst := burstBudget(o.MaxRequests - 1)
	steps := []PlanStep{
		{StepAdvertised, 1, "", "read RateLimit-Policy, RateLimit, X-RateLimit-*, X-Rate-Limit-*, X-Byte-Limit-* and Retry-After"},
		{StepBurst, burst, "", "requests back to back until the first 429 (or 503): the burst capacity"},
		{StepRetryAfter, 2, "", "wait exactly the Retry-After of that 429, then one request, which must be admitted; when the wait is 2 s or more and rejected requests do not count, first one clearly before it, which must not be"},
		{StepRate, 0, "", "saturate for 2 s to see the most admitted in any second, then steady trials at rates around it (bisection), each after a drain: the sustainable rate per second"},
	}
	steps = append(steps, PlanStep{StepKind, 0, "about 10 requests per request the shortest limit admits (235 and 6 s for 25/s); skipped when that does not fit",
		"the kind of the shortest limit (10 s or less) and whether rejected requests count: wait until it is full, at the middle of one of its windows, exhaust it with a burst, then poll at 4 times its rate for 1.5 windows (2 s at least): a token bucket admits one at a time, a fixed window again at its boundary, a sliding window one window after the burst; one that never admits again while polled, but does after a silence, counts rejected requests, and one request half a window after another burst then tells a sliding window from a token bucket"})
	if o.Also != nil {
		steps = append(steps, PlanStep{StepScope, 0, "the shortest limit's quota plus 10 requests, after a wait of 1.2 windows",
			"whether the other URL (--also) shares the shortest limit: wait until it is full, exhaust it with a burst to the probed URL, then send two requests to the other at once: admitted, it has a limit of its own; rejected, one limit for both"})
	}
	if o.ByteSize > 0 {
		steps = append(steps, PlanStep{StepBytes, 0, "", fmt.Sprintf("bodies of %d bytes, paced under the count rate, until a 429: the byte burst", o.ByteSize)})
	}
	steps = append(steps, PlanStep{StepWindow, 0, "", "after a burst with a long Retry-After, burst again when it is admitted again, and if need be half a window later: the window and its kind (fixed or sliding) from when it admits again; else keep just under the per-second rate until a 429 with a long Retry-After (or, without Retry-After, poll until admitted again): a longer window"})
	return steps
}

func (o *DiscoverOptions) defaults() {
	if o.MaxRequests <= 0 {
		o.MaxRequests = DefaultProbeMaxRequests
	}
	if o.MaxDuration <= 0 {
		o.MaxDuration = DefaultProbeMaxDuration
	}
	if o.InFlight <= 0 {
		o.InFlight = DefaultProbeInFlight
	}
	if o.Clock == nil {
		o.Clock = probe.SystemClock{}
	}
}

// burstBudget is the share of the requests left that the burst may spend.
func burstBudget(left int) int { return max(1, left/2) }
