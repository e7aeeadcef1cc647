// Package receiver is the stand-in webhook receiver that `hooklimit serve`
// runs: the limitsim simulator as an http.Handler in front of a realistic
// application (added latency, a share of 5xx answers, signature checks),
// which follows the sender's events across retries and hands a small
// record of every request to a session.Recorder that judges the
// sender. It renders nothing itself but through the report package, and
// reads the clock only through Options.Now.
package receiver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/hooklimit/hooklimit/internal/hdrval"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/receiver/session"
)

// Defaults of Options.
const (
	DefaultErrorStatus = http.StatusServiceUnavailable
	DefaultBuffer      = 1 << 13
	DefaultBlockFor    = 100 * time.Millisecond
	DefaultReorder     = 50 * time.Millisecond
)

// ControlPrefix starts the receiver's own paths, which are never
// webhooks: GET /_hooklimit/stats and GET /_hooklimit/report.
const ControlPrefix = "/_hooklimit/"

// Options configures a Receiver. Profile, Now and Recorder are required;
// the zero value of every other field is its default.
type Options struct {
	Profile  *limitsim.Profile
	Dialects []string           // header dialects to speak; default the profile's
	Key      limitsim.KeySource // where the partition key comes from
	// Workspace, when set, is where a request's workspace comes from (same
	// forms as Key); nil means all traffic is one workspace. Only a
	// workspace-scoped profile partitions by it.
	Workspace *limitsim.KeySource
	MaxBody   int64 // a longer body is answered 413; default limitsim's
	Now       func() time.Time

	// The application behind the limits, for the requests they admit:
	// Latency to LatencyMax (uniform) is waited before answering; a share
	// ErrorRate (0 to 1) of them is answered ErrorStatus (default 503);
	// Verifier, when set, answers 401 to a bad signature. Seed makes the
	// choice of failures and latencies repeatable for a request order.
	Latency, LatencyMax time.Duration
	ErrorRate           float64
	ErrorStatus         int
	Seed                uint64
	Verifier            Verifier

	// Event ids: the headers tried in order (default DefaultIDHeaders),
	// then the top-level JSON body fields (default DefaultIDFields) in the
	// first IDScanBytes of the body (default 4 KiB), then, unless NoIDHash,
	// the hash of the body. A nil slice is the default; an empty one none.
	IDHeaders   []string
	IDFields    []string
	IDScanBytes int
	NoIDHash    bool

	// Recorder judges the sender. It is fed from one goroutine, in time
	// order: the receiver's records go through a channel of Buffer records
	// (default 8,192) and wait Reorder (default 50 ms) to be put in order.
	// When the channel is full, a request waits up to BlockFor (default
	// 100 ms) before its record is dropped and counted.
	Recorder *session.Recorder
	Buffer   int
	BlockFor time.Duration
	Reorder  time.Duration

	// Listen is the URL served, for reports; see SetListen.
	Listen string
	// AdminToken, when set, is required of the control endpoints
	// (ControlPrefix), as "Authorization: Bearer TOKEN"; others get 401.
	AdminToken string
}

// Receiver is the stand-in receiver: an http.Handler that answers every
// path but ControlPrefix as a webhook, as Options describe, and records
// it. Requests are decided by a limitsim.Handler, exact under concurrency.
// Safe for concurrent use. Call Start before serving, and Close (or
// Serve's shutdown) at the end to drain the records into the Recorder.
type Receiver struct {
	opt     Options
	h       *limitsim.Handler
	sim     *limitsim.Simulator
	now     func() time.Time
	verify  Verifier
	idHdrs  []string
	idIndex map[string]int // each of idHdrs to its place in it
	fields  []string
	keepIDs bool   // the Recorder logs requests, and so reads Record.EventID
	errCut  uint64 // ErrorRate as a fraction of 2^64
	horizon int64  // the simulator's idle horizon, ns
	start   int64

	pool     sync.Pool
	seq      atomic.Uint64
	admitted atomic.Uint64
	counts   counts

	gate   sync.RWMutex // handlers hold it for reading; Close takes it to stop them
	closed bool
	pipe   pipeline

	listen atomic.Pointer[string]
}

// New returns a Receiver for opt, not yet started.
func New(opt Options) (*Receiver, error) {
	if opt.Recorder == nil {
		return nil, errors.New("receiver: no Recorder")
	}
	if opt.ErrorRate < 0 || opt.ErrorRate > 1 || math.IsNaN(opt.ErrorRate) {
		return nil, fmt.Errorf("receiver: error rate %v is not between 0 and 1", opt.ErrorRate)
	}
	if opt.Latency < 0 || opt.LatencyMax < 0 {
		return nil, errors.New("receiver: negative latency")
	}
	opt.LatencyMax = max(opt.LatencyMax, opt.Latency)
	if opt.ErrorStatus == 0 {
		opt.ErrorStatus = DefaultErrorStatus
	}
	if opt.ErrorStatus < 500 || opt.ErrorStatus > 599 {
		return nil, fmt.Errorf("receiver: error status %d is not a 5xx", opt.ErrorStatus)
	}
	rv := &Receiver{opt: opt, now: opt.Now, verify: opt.Verifier, idHdrs: opt.IDHeaders, fields: opt.IDFields,
		keepIDs: opt.Recorder.Options().Log != nil}
	if rv.idHdrs == nil {
		rv.idHdrs = DefaultIDHeaders
	}
	rv.idHdrs = slices.Clone(rv.idHdrs)
	rv.idIndex = make(map[string]int, len(rv.idHdrs))
	for i, h := range rv.idHdrs {
		rv.idHdrs[i] = http.CanonicalHeaderKey(h) // looked up without canonicalizing each time
		if _, dup := rv.idIndex[rv.idHdrs[i]]; !dup {
			rv.idIndex[rv.idHdrs[i]] = i
		}
	}
	if rv.fields == nil {
		rv.fields = DefaultIDFields
	}
	if err := rv.checkIDHeaders(); err != nil {
		return nil, err
	}
	if opt.IDScanBytes <= 0 {
		rv.opt.IDScanBytes = DefaultIDScanBytes
	}
	switch {
	case opt.ErrorRate >= 1:
		rv.errCut = math.MaxUint64
	case opt.ErrorRate > 0:
		rv.errCut = uint64(opt.ErrorRate * (1 << 64))
	}
	h, err := limitsim.NewHandler(limitsim.HandlerOptions{
		Profile: opt.Profile, Dialects: opt.Dialects, Key: opt.Key, Workspace: opt.Workspace, MaxBody: opt.MaxBody, Now: opt.Now,
		OnDecision: rv.onDecision,
	})
	if err != nil {
		return nil, err
	}
	rv.h, rv.sim = h, h.Simulator()
	rv.horizon = int64(opt.Profile.IdleHorizon())
	rv.pool.New = func() any {
		st := &reqState{rv: rv}
		st.tap.st = st
		st.rw.st = st
		return st
	}
	rv.pipe.init(rv, opt)
	rv.SetListen(opt.Listen)
	return rv, nil
}

// checkIDHeaders refuses a secret header as an id header: its value would
// be recorded.
func (rv *Receiver) checkIDHeaders() error {
	secret := slices.Clone(SecretHeaders)
	if rv.verify != nil {
		secret = append(secret, rv.verify.Headers()...)
	}
	for _, h := range rv.idHdrs {
		for _, s := range secret {
			if strings.EqualFold(h, s) {
				return fmt.Errorf("receiver: %s holds a secret and cannot carry event ids", h)
			}
		}
	}
	return nil
}

// WorkspaceSource returns where the workspace comes from, in the form
// limitsim.ParseKeySource reads, or "" when all traffic is one workspace.
func (rv *Receiver) WorkspaceSource() string {
	if rv.opt.Workspace == nil {
		return ""
	}
	return rv.opt.Workspace.String()
}

// MaxBody returns the bound on request bodies, in bytes.
func (rv *Receiver) MaxBody() int64 { return rv.h.MaxBody() }

// Simulator returns the simulator that holds the partitions.
func (rv *Receiver) Simulator() *limitsim.Simulator { return rv.sim }

// SetListen sets the URL that reports name.
func (rv *Receiver) SetListen(url string) { rv.listen.Store(&url) }

// reqState is one request's state, pooled.
type reqState struct {
	rv      *Receiver
	tap     bodyTap
	rw      respWriter
	req     *http.Request
	rec     session.Record
	decided bool // onDecision ran
	pushed  bool
	// The application's answer instead of the limits' 200, if any.
	override    int
	overrideMsg string
	delay       time.Duration
	headerID    string
	hasHeaderID bool
	prefix      [DefaultIDScanBytes]byte
	all         bytes.Buffer
	// The answer, written by deliver: its status and body, whether the
	// body is the application's (swallow: the handler's is dropped), and
	// whether it never reached the client.
	code       int
	body       []byte
	swallow    bool
	unanswered bool
}

// ServeHTTP answers r: ControlPrefix paths as the control endpoints, every
// other path as a webhook.
func (rv *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if notWebhook(w, r) {
		return
	}
	if strings.HasPrefix(r.URL.Path, ControlPrefix) {
		rv.control(w, r)
		return
	}
	rv.gate.RLock()
	defer rv.gate.RUnlock()
	if rv.closed {
		w.Header().Set("Connection", "close")
		http.Error(w, "503 Service Unavailable: hooklimit serve is shutting down", http.StatusServiceUnavailable)
		return
	}
	st := rv.pool.Get().(*reqState)
	st.begin(w, r)
	rv.h.ServeHTTP(&st.rw, r)
	st.deliver()
	if st.decided && !st.pushed {
		st.finish()
	}
	st.end()
	rv.pool.Put(st)
}

// webhookMethods is the Allow header of a 405: every method a webhook
// may come with.
const webhookMethods = "POST, PUT, PATCH, DELETE, GET, HEAD, OPTIONS"

// notWebhook answers 405 to a request that cannot be a webhook, and
// reports whether it did: TRACE (it would echo the request's headers),
// CONNECT (a proxy tunnel) and the HTTP/2 preface "PRI * HTTP/2.0" sent to
// a server that speaks HTTP/1 (its connection is closed). Such a request
// is neither recorded nor counted.
func notWebhook(w http.ResponseWriter, r *http.Request) bool {
	switch r.Method {
	case http.MethodTrace, http.MethodConnect, "PRI":
	default:
		return false
	}
	w.Header().Set("Allow", webhookMethods)
	if r.Method == "PRI" {
		w.Header().Set("Connection", "close")
	}
	http.Error(w, "405 Method Not Allowed: "+r.Method+" is not a webhook", http.StatusMethodNotAllowed)
	return true
}

func (st *reqState) begin(w http.ResponseWriter, r *http.Request) {
	rv := st.rv
	st.req = r
	st.rw.ResponseWriter, st.rw.wrote = w, false
	st.decided, st.pushed, st.override, st.overrideMsg, st.delay = false, false, 0, "", 0
	st.code, st.swallow, st.unanswered, st.body = 0, false, false, st.body[:0]
	st.rec = session.Record{}
	st.headerID, st.hasHeaderID = headerID(r.Header, rv.idHdrs, rv.idIndex)
	t := &st.tap
	t.rc = r.Body
	if t.rc == nil {
		t.rc = http.NoBody
	}
	t.scan = !st.hasHeaderID && len(rv.fields) > 0
	t.prefix = st.prefix[:0:min(rv.opt.IDScanBytes, len(st.prefix))]
	if rv.opt.IDScanBytes > len(st.prefix) && t.scan {
		t.prefix = make([]byte, 0, rv.opt.IDScanBytes)
	}
	t.hashed = !st.hasHeaderID && !rv.opt.NoIDHash
	if t.hashed {
		t.hash.ResetWithSeed(hashSeed)
	}
	t.all = nil
	if rv.verify != nil {
		st.all.Reset()
		t.all = &st.all
	}
	r.Body = t
}

// end lets go of what the request held. A buffer grown past 64 KiB is
// dropped rather than pooled, so big bodies do not pin memory.
func (st *reqState) end() {
	st.req = nil
	st.rw.ResponseWriter = nil
	st.tap.rc, st.tap.all = nil, nil
	st.rec.Key, st.rec.Workspace, st.rec.EventID, st.rec.Sender = "", "", "", ""
	if st.all.Cap() > 64<<10 {
		st.all = bytes.Buffer{}
	}
	if cap(st.body) > 64<<10 {
		st.body = nil
	}
}

// onDecision is the limitsim handler's hook: the body has been read and
// the request decided (d), or answered without a decision (d nil).
func (rv *Receiver) onDecision(r *http.Request, key, workspace string, size int64, d *limitsim.Decision) {
	t, ok := r.Body.(*bodyTap)
	if !ok {
		return
	}
	st := t.st
	st.decided = true
	rec := &st.rec
	rec.Key, rec.Workspace, rec.Size = key, workspace, size
	if d != nil {
		rec.Time, rec.Decided, rec.Admitted, rec.Keyed = d.Now, true, d.Admitted, true
	} else {
		rec.Time = rv.now().UnixNano()
		_, rec.Keyed = rv.opt.Key.Key(r)
		if rec.Keyed && rv.opt.Workspace != nil {
			_, rec.Keyed = rv.opt.Workspace.Key(r)
		}
	}
	rec.Seq = rv.seq.Add(1) // with the time, so (Time, Seq) is the order of decisions
	if rec.Keyed {
		rec.Sender = sender(r.Header)
		switch {
		case st.hasHeaderID:
			rec.EventHash, rec.IDFrom = xxhash.Sum64String(st.headerID), session.IDHeader
			if rv.keepIDs {
				rec.EventID = cutID(st.headerID)
			}
		default:
			if id, ok := scanJSONID(t.prefix, rv.fields); t.scan && ok {
				rec.EventHash, rec.IDFrom = id.hash(), session.IDBody
				if rv.keepIDs {
					rec.EventID = id.cut()
				}
			} else if t.hashed {
				rec.EventHash, rec.IDFrom = bodyEventHash(t.hash.Sum64(), key, r.URL.Path), session.IDHash
			}
		}
	}
	if d == nil || !d.Admitted {
		return
	}
	if rv.verify != nil {
		var body []byte
		if t.all != nil {
			body = t.all.Bytes()
		}
		if err := rv.verify.Verify(r.Header, body, time.Unix(0, d.Now)); err != nil {
			st.override, st.overrideMsg = http.StatusUnauthorized, "401 Unauthorized: "+err.Error()+"\n"
			return
		}
	}
	n := rv.admitted.Add(1)
	if rv.errCut > 0 && splitmix(rv.opt.Seed^n) < rv.errCut {
		st.override = rv.opt.ErrorStatus
		st.overrideMsg = strconv.Itoa(rv.opt.ErrorStatus) + " " + http.StatusText(rv.opt.ErrorStatus) + ": an injected failure (--error-rate)\n"
		return
	}
	if span := rv.opt.LatencyMax - rv.opt.Latency; rv.opt.LatencyMax > 0 {
		st.delay = rv.opt.Latency
		if span > 0 {
			st.delay += time.Duration(splitmix(rv.opt.Seed^n^0x5bd1e995) % uint64(span+1))
		}
	}
}

// finish completes the record with the status answered (or meant, when
// the request went unanswered) and the Retry-After sent, and hands it to
// the recorder.
func (st *reqState) finish() {
	st.pushed = true
	rec := &st.rec
	rec.Status, rec.Unanswered = st.code, st.unanswered
	if st.code == http.StatusTooManyRequests {
		if v := st.rw.ResponseWriter.Header().Get("Retry-After"); v != "" {
			rec.RetryAfter, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	if rec.Seq == 0 {
		rec.Seq = st.rv.seq.Add(1)
	}
	st.rv.counts.add(rec)
	st.rv.pipe.push(rec)
}

// counts are the live counts of answers, exact at any moment (the
// recorder's lag by the reorder window): each answer adds to one of them,
// and the requests are their sum.
type counts struct {
	accepted, rejected, unmatched, unanswered, errors atomic.Int64
}

func (c *counts) add(r *session.Record) {
	switch {
	case r.Unanswered:
		c.unanswered.Add(1)
	case !r.Keyed:
		c.unmatched.Add(1)
	case r.Accepted():
		c.accepted.Add(1)
	case r.Status == http.StatusTooManyRequests:
		c.rejected.Add(1)
	default:
		c.errors.Add(1)
	}
}

// respWriter takes the limitsim handler's answer, and in its place the
// application's (a 401 or an injected 5xx instead of a 200), for
// reqState.deliver to write once the added latency has passed.
type respWriter struct {
	http.ResponseWriter
	st    *reqState
	wrote bool
}

func (w *respWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	st := w.st
	if code == http.StatusOK && st.override != 0 {
		code = st.override
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		st.body = append(st.body[:0], st.overrideMsg...)
		st.swallow = true
	}
	st.code = code
}

// Unwrap returns the server's ResponseWriter, for http.ResponseController.
func (w *respWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *respWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if !w.st.swallow {
		w.st.body = append(w.st.body, b...)
	}
	return len(b), nil
}

// deliver waits the added latency, then writes the answer and flushes it
// to the connection. The request is unanswered when the client went away
// (or the server closed its connection, at the end of the shutdown grace)
// before the answer was written, or when writing it failed: its sender
// never got the answer.
func (st *reqState) deliver() {
	if !st.rw.wrote {
		st.rw.WriteHeader(http.StatusOK)
	}
	w := st.rw.ResponseWriter
	if st.code == http.StatusOK && st.delay > 0 && !sleep(st.req.Context(), st.delay) {
		// Gone while the answer waited. Close the connection rather than
		// let the server write a default answer to it, should it still be
		// half open.
		st.unanswered = true
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
		return
	}
	w.Header()["Content-Length"] = hdrval.Int(int64(len(st.body)))
	w.WriteHeader(st.code)
	if len(st.body) > 0 {
		if _, err := w.Write(st.body); err != nil && !errors.Is(err, http.ErrBodyNotAllowed) {
			st.unanswered = true
			return
		}
	}
	if err := http.NewResponseController(w).Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		st.unanswered = true
	}
}

// sleep waits d, and reports false when ctx was done first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// splitmix is SplitMix64's finalizer: a well-mixed hash of x.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
