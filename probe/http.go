package probe

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/redact"
	"github.com/hooklimit/hooklimit/internal/signing"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// Defaults of an HTTPEngine's fields.
const (
	DefaultHTTPMethod    = http.MethodPost
	DefaultMaxInFlight   = 256
	DefaultHTTPTimeout   = 10 * time.Second
	DefaultEventIDHeader = "X-Event-Id"
	DefaultLateTolerance = time.Millisecond
	DefaultHTTPGrace     = 2 * time.Second
	// UnreachableWindow is how long after the first attempt the engine
	// decides whether the target is down (see HTTPEngine).
	UnreachableWindow = time.Second
)

// HTTPEngine replays a traffic source with a retry policy against a real
// URL, in real time. It is SimEngine's counterpart for `hooklimit run
// --target URL`: the same source, policy and Observer, the same Attempts
// and Outcomes, but every attempt is an HTTP request.
//
// Schedule. The model is open: attempts leave when the schedule says, not
// when the previous response came back. The source's times are relative:
// its first emission is due the moment Run starts, and every other at
// Run's start + (its Time − the first Time). A retry is due when the
// response (or the failure) of the attempt before it arrived, plus the
// delay the Policy chose; the engine builds the Policy's Failure as
// SimEngine does (N, Elapsed from the first emission, Prev, Response).
// When a retry and a new emission are due at the same instant, the retry
// goes first. Retries wait in a heap, so memory does not grow with the
// number of events.
//
// Pacing. Attempts leave in due order, paced by Pace: never before they are
// due, and, when the sender is behind, as far apart as the schedule put them
// rather than in a catch-up burst, so no window of sends is busier than the
// schedule's (within Tolerance; see Pace). Timer noise within Tolerance
// does not count as falling behind, but a longer stall shifts every later
// attempt by its excess for the rest of the run: the sender never catches
// up, and the attempts after the stall are all Late (sent more than
// Tolerance after they were due). At most MaxInFlight attempts are sent and
// not yet reported; when that many are out, the next attempt waits for a
// slot and goes late, rather than being sent with the ones after it in a
// bunch. With the system clock, the last 1.2 ms before each send are waited
// out by polling the clock, because Go's timers wake up to a millisecond
// late; at 1,000 requests a second that keeps a CPU busy.
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
// Content-Type defaults to application/json and
// User-Agent to hooklimit. Each attempt may take Timeout, connection
// included. The response body is read (up to 64 KiB) and dropped; its
// Retry-After is parsed with ParseRetryAfter, and the rate-limit fields
// (RateLimit, RateLimit-Policy, X-RateLimit-*, X-Rate-Limit-*,
// X-Byte-Limit-*, Retry-After) are kept in Attempt.RateLimit. Redirects are
// not followed.
//
// Failures. A request that gets no response (connection refused or reset,
// timeout) is an Attempt with Status 0 and a short Err such as
// "connection refused"; Retryable retries it. Err never holds the URL's
// query or a header value. The target is unreachable when, one
// UnreachableWindow after the first attempt left (or at the end of the run,
// if that comes first), at least one attempt has finished, every finished
// attempt failed to connect (refused, no such host, unreachable, or timed
// out while connecting) and none got a response. Run then stops, ends the
// pending deliveries with RunEnded and returns an error with exit code 3:
// "target HOST:PORT is unreachable: connection refused". Once any attempt
// has got a response or has failed after connecting, later failures are
// just attempts.
//
// Ending. When the source is exhausted, retries due up to Drain after its
// last emission are still made; the deliveries whose next attempt is due
// later end with RunEnded when nothing else is in flight. When ctx is
// cancelled, nothing more is sent; the responses in flight get Grace to
// come back, after which their requests are cancelled (Err "interrupted"),
// and every delivery not settled ends with Interrupted. Run then returns
// the stats with Interrupted set, and ctx's error.
//
// Observer. The Observer gets the Attempts in the order they were sent,
// whatever order they finished in, and each delivery's Outcome right after
// the attempt that settled it (Delivered, GaveUp), or at the end (RunEnded,
// Interrupted). Its calls are made from Run's goroutine, never
// concurrently; a slow Observer delays the sends.
//
// The zero values of the optional fields are their defaults. An HTTPEngine
// runs once at a time; Run may be called again after it returns.
type HTTPEngine struct {
	Source scenarios.Source // the traffic; required
	URL    string           // http or https; "{key}" in it is replaced by the emission's key, path-escaped; required
	Method string           // default POST
	Policy retry.Policy     // required
	Seed   uint64           // seeds the policy's jitter
	// RunID names the run in every event id and in RunIDHeader; default
	// NewRunID(). It must satisfy ValidRunID.
	RunID    string
	Observer Observer // receives every attempt and outcome; may be nil

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

	Drain     time.Duration // how long after the source's last emission retries are still made; 0 for none
	Tolerance time.Duration // how late an attempt may leave without being Late; default 1ms
	Grace     time.Duration // how long to wait for responses after ctx is cancelled; default 2s, negative for none
	Clock     Clock         // the time source; default the system clock
}

// HTTPStats sums up a run against an HTTP target.
type HTTPStats struct {
	Emissions   int64  // deliveries taken from the source
	Attempts    int64  // requests sent
	Late        int64  // attempts that left more than Tolerance after they were due
	Start, End  int64  // when the first and the last attempt left (Unix ns)
	Interrupted bool   // the context was cancelled before the run finished
	RunID       string // the run's id, as sent in every event id
}

// Clock is where an HTTPEngine reads the time and waits. Tests inject one
// that jumps ahead instead of sleeping.
type Clock interface {
	// Now returns the current time; it should carry a monotonic reading.
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real clock: Now and After are those of package time.
type SystemClock struct{}

func (SystemClock) Now() time.Time                         { return time.Now() }
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Run sends the whole source and returns when every delivery has been
// settled or cut off, the target proved unreachable, or ctx was cancelled,
// as HTTPEngine describes.
func (e *HTTPEngine) Run(ctx context.Context) (HTTPStats, error) {
	r, err := e.newRun(ctx)
	if err != nil {
		return HTTPStats{}, err
	}
	defer r.close()
	first, err := e.Source.Next()
	if errors.Is(err, io.EOF) {
		return r.stats, nil
	}
	if err != nil {
		return r.stats, err
	}
	r.begin(first)
	err = r.loop()
	return r.stats, err
}

// newRun checks the engine's fields and fills in the defaults.
func (e *HTTPEngine) newRun(ctx context.Context) (*httpRun, error) {
	if e.Source == nil || e.Policy == nil || e.URL == "" {
		return nil, errors.New("probe: HTTPEngine needs a Source, a URL and a Policy")
	}
	r := &httpRun{e: e, ctx: ctx, clock: e.Clock, client: e.Client, body: e.Body,
		method: httpDefault(e.Method, DefaultHTTPMethod), idHeader: httpDefault(e.EventIDHeader, DefaultEventIDHeader),
		timeout: httpDefaultDur(e.Timeout, DefaultHTTPTimeout), grace: httpDefaultDur(e.Grace, DefaultHTTPGrace),
		header: e.Header.Clone()}
	if err := r.parseURL(e.URL); err != nil {
		return nil, err
	}
	r.runID = e.RunID
	if r.runID == "" {
		r.runID = NewRunID()
	}
	if !ValidRunID(r.runID) {
		return nil, exitcode.Usagef("run id %q is not 1 to %d letters, digits, '.', '_' or '-'", r.runID, MaxRunIDLen)
	}
	r.stats.RunID = r.runID
	if !validMethod(r.method) {
		return nil, exitcode.Usagef("HTTP method %q is not a valid token", r.method)
	}
	if e.Grace < 0 {
		r.grace = 0
	}
	n := e.MaxInFlight
	if n <= 0 {
		n = DefaultMaxInFlight
	}
	if r.clock == nil {
		r.clock, r.spin = SystemClock{}, spinWindow
	}
	if r.client == nil {
		r.client, r.ownClient = defaultHTTPClient(n), true
	}
	if r.body == nil {
		b, err := ParseBody("default body", DefaultBodyTemplate, 0)
		if err != nil {
			return nil, err
		}
		r.body = b
	}
	tol := e.Tolerance
	if tol <= 0 {
		tol = DefaultLateTolerance
	}
	r.pacer.tolerance = int64(tol)
	r.ring = newInorder(n)
	r.done = make(chan *sendSlot, n)
	r.rng = rand.New(rand.NewPCG(e.Seed, 0x686f6f6b6c696d74))
	r.reqCtx, r.cancelReqs = context.WithCancel(context.WithoutCancel(ctx))
	return r, nil
}

// parseURL checks the target and keeps what the requests and messages need.
func (r *httpRun) parseURL(raw string) error {
	r.rawURL = raw
	r.keyed = strings.Contains(raw, "{key}")
	u, err := url.Parse(strings.ReplaceAll(raw, "{key}", "k"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return exitcode.Usagef("target %q is not an http:// or https:// URL", redact.URL(raw))
	}
	r.host = u.Host
	if !r.keyed {
		r.u = u
	}
	return nil
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

func httpDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func httpDefaultDur(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
