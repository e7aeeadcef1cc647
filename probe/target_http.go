package probe

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/signing"
)

// Defaults of an HTTPTarget's fields.
const (
	DefaultHTTPMethod    = http.MethodPost
	DefaultMaxInFlight   = 256
	DefaultHTTPTimeout   = 10 * time.Second
	DefaultEventIDHeader = "X-Event-Id"
	DefaultLateTolerance = time.Millisecond
	DefaultHTTPGrace     = 2 * time.Second
	// UnreachableWindow is how long after the first attempt the engine
	// decides whether the target is down (see HTTPTarget).
	UnreachableWindow = time.Second
)

// spinWindow is how long before a send the scheduler stops waiting on a
// runtime timer and sleeps on the kernel's high-resolution timer instead
// (sleepPrecise), right up to the send. Go's timers wake up to a
// millisecond late (the runtime's poller waits in whole milliseconds),
// which at 1,000 requests a second would make most sends late by more than
// the default tolerance; the kernel's sleep wakes within tens of
// microseconds. The scheduler never polls the clock: at 5,000 requests a
// second, polling the last stretch before every send kept a core busy
// (most of its CPU went to yielding and reading the clock), and on a
// machine that also runs the target that core is taken from the target
// and from the sender's own connections. Only with the system clock: an
// injected clock is always waited on with its own timers.
const spinWindow = 2 * time.Millisecond

// HTTPTarget is a real URL, in real time: the target of `hooklimit run
// --target URL`. Every attempt is an HTTP request, sent on its own
// goroutine; the model is open, so attempts leave when the schedule says,
// not when the previous response came back.
//
// Concurrency. At most MaxInFlight attempts are sent and not yet reported;
// when that many are out, the next attempt waits for a slot and goes late,
// rather than being sent with the ones after it in a bunch. With the
// system clock, the last 2 ms before each send are slept on the kernel's
// high-resolution timer (on Linux), because Go's timers wake up to a
// millisecond late.
//
// Times. Every Attempt carries Intended (when it was due), Sent (when the
// pacer released it to the transport) and Done (when the response was read
// or the request failed), as Unix ns read from a monotonic clock. Latency
// from Intended includes the time spent waiting behind schedule, so a slow
// target cannot hide it (no coordinated omission).
//
// Requests. Each attempt renders Body (for the event, the attempt number and
// the emission time) into a pooled buffer, padded to the emission's Size
// when that is larger than the Body's own.
// It carries Header, then the event's id "RUNID-evt-N" in EventIDHeader
// (the copies of one event share the id, which is what makes them
// duplicates; the run id keeps the ids of separate runs apart), the run id
// in RunIDHeader (X-Hooklimit-Run) and, with a Signer, the Standard
// Webhooks headers webhook-id, webhook-timestamp and webhook-signature.
// The request and its reply are those of a Requester: see there for the
// default headers, the timeout, the rate-limit fields kept in
// Attempt.RateLimit and the transport errors.
//
// Failures. A request that gets no response (connection refused or reset,
// timeout) is an Attempt with Status 0 and a short Err such as
// "connection refused"; Retryable retries it. Err never holds the URL's
// query or a header value. The target is unreachable when, one
// UnreachableWindow after the first attempt left (or at the end of the run,
// if that comes first), at least one attempt has finished, every finished
// attempt failed to connect (refused, no such host, unreachable, or timed
// out while connecting) and none got a response. The run then stops, ends
// the pending deliveries with RunEnded and returns an error with exit code
// 3: "target HOST:PORT is unreachable: connection refused". Once any
// attempt has got a response or has failed after connecting, later
// failures are just attempts.
//
// Ending. When the source is exhausted, retries due up to Drain after its
// last emission are still made; the deliveries whose next attempt is due
// later end with RunEnded when nothing else is in flight. When ctx is
// cancelled, nothing more is sent; the responses in flight get Grace to
// come back, after which their requests are cancelled (Err "interrupted"),
// and every delivery not settled ends with Interrupted.
//
// The zero values of the optional fields are their defaults.
type HTTPTarget struct {
	URL    string // http or https; "{key}" in it is replaced by the emission's key, path-escaped; required
	Method string // default POST
	// RunID names the run in every event id and in RunIDHeader; default
	// NewRunID(). It must satisfy ValidRunID.
	RunID string

	// Client sends the requests. The default keeps connections alive, with
	// up to MaxInFlight idle ones to the target, does not follow redirects
	// and honours HTTPS_PROXY and HTTP_PROXY except for loopback targets.
	Client      *http.Client
	Timeout     time.Duration // per attempt, connecting included; default 10s
	MaxInFlight int           // attempts sent and not yet reported; default 256

	// Header is sent with every request. Its values may be secrets: they
	// never appear in Attempts or errors.
	Header        http.Header
	Body          *Body           // the body template; default DefaultBodyTemplate
	EventIDHeader string          // the header carrying the event's id; default X-Event-Id
	Signer        *signing.Signer // signs each request per Standard Webhooks; nil for none

	Drain time.Duration // how long after the source's last emission retries are still made; 0 for none
	Grace time.Duration // how long to wait for responses after ctx is cancelled; default 2s, negative for none
	Clock Clock         // the time source; default the system clock
}

// Clock is where an HTTP target reads the time and waits. Tests inject one
// that jumps ahead instead of sleeping.
type Clock interface {
	// Now returns the current time; it should carry a monotonic reading.
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real clock: time.Now and time.After.
type SystemClock struct{}

func (SystemClock) Now() time.Time                         { return time.Now() }
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// reachState is what is known of whether the target answers at all.
type reachState int

const (
	reachUndecided reachState = iota
	reachable
	unreachable
)

// httpLink is one run against an HTTP target. Everything in it belongs to
// Run's goroutine, except the slots in flight, which belong to their
// senders until they come back on done.
type httpLink struct {
	r          *run
	req        *Requester
	reqCtx     context.Context    // the requests': cancelled once Grace has passed
	cancelReqs context.CancelFunc //
	clock      Clock
	body       *Body
	idHeader   string
	runID      string
	signer     *signing.Signer
	grace      time.Duration
	spin       time.Duration       // see spinWindow
	yielded    int64               // the planned time sleep last yielded for
	nap        func(time.Duration) // the precise sleep: sleepPrecise

	t0Wall int64     // the run's start, Unix ns
	t0     time.Time // the same, with its monotonic reading
	done   chan *sendSlot

	timerAt int64 // the time timerC fires for, 0 for none
	timerC  <-chan time.Time

	reached   reachState
	firstSent int64
	dialErr   string // the first failure to connect
}

func (t *HTTPTarget) open(r *run) (link, error) {
	if t == nil || t.URL == "" {
		return nil, errors.New("probe: HTTPTarget needs a URL")
	}
	n := t.MaxInFlight
	if n <= 0 {
		n = DefaultMaxInFlight
	}
	timeout := t.Timeout
	if timeout == 0 {
		timeout = DefaultHTTPTimeout
	}
	l := &httpLink{r: r, clock: t.Clock, body: t.Body, idHeader: t.EventIDHeader, runID: t.RunID, signer: t.Signer, grace: t.Grace}
	if l.runID == "" {
		l.runID = NewRunID()
	}
	if !ValidRunID(l.runID) {
		return nil, exitcode.Usagef("run id %q is not 1 to %d letters, digits, '.', '_' or '-'", l.runID, MaxRunIDLen)
	}
	var err error
	if l.req, err = NewRequester(RequestOptions{URL: t.URL, Keyed: true, Method: t.Method, Header: t.Header, Timeout: timeout, Client: t.Client, MaxIdle: n}); err != nil {
		return nil, err
	}
	if l.idHeader == "" {
		l.idHeader = DefaultEventIDHeader
	}
	switch {
	case t.Grace == 0:
		l.grace = DefaultHTTPGrace
	case t.Grace < 0:
		l.grace = 0
	}
	if l.clock == nil {
		l.clock, l.spin, l.nap = SystemClock{}, spinWindow, sleepPrecise
	}
	if l.body == nil {
		b, err := ParseBody("default body", DefaultBodyTemplate, 0)
		if err != nil {
			return nil, err
		}
		l.body = b
	}
	r.stats.RunID = l.runID
	r.ctxMask, r.drain, r.ring = 0, max(t.Drain, 0), newInorder(n)
	l.done = make(chan *sendSlot, n)
	l.reqCtx, l.cancelReqs = context.WithCancel(context.WithoutCancel(r.ctx))
	return l, nil
}

func (l *httpLink) start(int64) int64 {
	l.t0 = l.clock.Now()
	l.t0Wall = l.t0.UnixNano()
	return l.t0Wall
}

// now returns the time as Unix ns, counted on the monotonic clock from the
// start of the run.
func (l *httpLink) now() int64 { return l.t0Wall + int64(l.clock.Now().Sub(l.t0)) }

// close releases the run's resources once every sender has returned.
func (l *httpLink) close() {
	l.cancelReqs()
	l.req.Close()
}

// sleep waits on the clock's timer until the start of the spin window
// before planned, and within it sleeps precisely until planned. Before the
// precise sleep it yields the processor once, so that the request just
// dispatched (its goroutine waits on this processor) is written first: a
// thread that sleeps in the kernel with work waiting on its processor has
// that processor handed to another thread, woken for it, which at 1,000
// sends a second cost more CPU than the polling it replaced.
func (l *httpLink) sleep(now, planned int64) bool {
	switch {
	case now < planned-int64(l.spin):
		l.waitUntil(planned - int64(l.spin))
	case l.yielded != planned:
		l.yielded = planned
		runtime.Gosched()
	default:
		l.nap(time.Duration(planned - now))
	}
	return false
}

// poll takes back the attempts that have finished, without waiting, and
// returns the time and the unreachable error, if the target has proved
// unreachable by then.
func (l *httpLink) poll(final bool) (int64, error) {
collect:
	for l.r.inflight > 0 {
		select {
		case s := <-l.done:
			l.complete(s)
		default:
			break collect
		}
	}
	now := l.now()
	return now, l.reach(now, final)
}

func (l *httpLink) wait() { l.waitUntil(0) }

// waitUntil blocks until until (Unix ns; 0 for no time limit), an attempt
// finishes, or ctx is cancelled, whichever comes first. While the target's
// reachability is undecided it also wakes at the end of the window.
func (l *httpLink) waitUntil(until int64) {
	if l.reached == reachUndecided && l.firstSent != 0 {
		if w := l.firstSent + int64(UnreachableWindow); w > l.now() && (until == 0 || w < until) {
			until = w
		}
	}
	var tc <-chan time.Time
	if until != 0 {
		if until != l.timerAt {
			l.timerAt, l.timerC = until, l.clock.After(time.Duration(until-l.now()))
		}
		tc = l.timerC
	}
	select {
	case s := <-l.done:
		l.complete(s)
	case <-tc:
		l.timerAt, l.timerC = 0, nil
	case <-l.r.ctx.Done():
	}
}

// complete notes what a finished attempt says of the target's
// reachability and hands it to the scheduler.
func (l *httpLink) complete(s *sendSlot) {
	if l.reached == reachUndecided {
		if !s.dial {
			l.reached = reachable
		} else if l.dialErr == "" {
			l.dialErr = s.att.Err
		}
	}
	l.r.complete(s)
}

// reach returns the unreachable error once the target has proved
// unreachable; at the end of the run (final) the window need not have
// passed.
func (l *httpLink) reach(now int64, final bool) error {
	if l.reached == reachUndecided && l.dialErr != "" && (final || now >= l.firstSent+int64(UnreachableWindow)) {
		l.reached = unreachable
	}
	if l.reached != unreachable {
		return nil
	}
	return exitcode.Runtimef("target %s is unreachable: %s (no attempt got a response; every one failed to connect)", l.req.Host(), l.dialErr)
}

// settle takes back every attempt in flight. Cancelling ctx while it
// waits turns the end into an interruption: the attempts in flight get
// Grace to finish, and are then cancelled.
func (l *httpLink) settle(f Fate) Fate {
	var graceC <-chan time.Time
	startGrace := func() {
		f = Interrupted
		if l.grace > 0 {
			graceC = l.clock.After(l.grace)
		} else {
			l.cancelReqs()
		}
	}
	if l.r.ctx.Err() != nil {
		startGrace()
	}
	ctxDone := l.r.ctx.Done()
	for l.r.inflight > 0 {
		select {
		case s := <-l.done:
			l.complete(s)
		case <-ctxDone:
			ctxDone = nil
			if f != Interrupted {
				startGrace()
			}
		case <-graceC:
			graceC = nil
			l.cancelReqs()
		}
	}
	return f
}

// validMethod reports whether m is an HTTP token.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		c := m[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
