package limitsim

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/hooklimit/hooklimit/internal/hdrval"
)

// DefaultMaxBody is the bound on request bodies of a profile without a byte
// limit. A profile with byte limits adds the largest capacity among them.
const DefaultMaxBody = 1 << 20

// HandlerOptions configures a Handler. Profile (or Sim) and Now are required.
type HandlerOptions struct {
	// Profile is the profile to enforce. It may be nil when Sim is given.
	Profile *Profile
	// Sim holds the partitions; when nil the handler creates one for
	// Profile. Passing one lets a caller share it or call Sim.Expire.
	Sim *Simulator
	// Dialects names the header dialects to speak, each name possibly a
	// comma-separated list (see Dialects); the default is the profile's own.
	// []string{"workato", "ietf"} adds the IETF fields to Workato's.
	Dialects []string
	// Key says where the partition key comes from; the zero value is the
	// last non-empty path segment. See ParseKeySource.
	Key KeySource
	// Workspace, when set, says where a request's workspace comes from,
	// in the same forms as Key; nil means all traffic is one workspace. It
	// matters only to a workspace-scoped profile (Profile.PartitionOf).
	Workspace *KeySource
	// MaxBody bounds request bodies in bytes: a longer body is answered 413
	// without a decision. Zero means DefaultMaxBody plus the largest
	// capacity of the profile's byte limits, so that any body a byte limit
	// could admit is read and decided.
	MaxBody int64
	// Now returns the time of a request. The handler never reads the clock
	// itself: tests pass a fake, servers pass time.Now.
	Now func() time.Time
	// OnDecision, when set, is called once for every request before its
	// answer is written, with the partition key and the body size read. d
	// is nil when the request was answered without a decision: 404 for a
	// path that does not match the key pattern, 413 for a body over
	// MaxBody, 400 for a body that could not be read. It may be called
	// from many goroutines at once; r.Body is already read. d is the
	// handler's until the call returns (it reuses d for later requests):
	// copy what is to be kept. When the dialects read no limit's standing
	// (rewst, rewst-envoy and none: their answers follow from whether the
	// request was admitted and when it could be again), d is decided as
	// Partition.DecideShort decides: d.Limits is empty and d.NextAt 0.
	OnDecision func(r *http.Request, key, workspace string, size int64, d *Decision)
}

// Handler is the simulator as an http.Handler: a stand-in receiver that
// enforces a profile per partition key and answers as the vendor does.
//
// For each request it finds the partition key (HandlerOptions.Key) and the
// workspace (HandlerOptions.Workspace), reads and counts the body without
// keeping it, takes the time from Now once the body is read, and decides
// the request against its partition, Profile.PartitionOf the key and
// workspace (the body size is the cost against byte limits). Then it
// answers:
//
//	200  admitted: {"status":"accepted"} with the dialects' headers
//	429  rejected: the dialects' headers (with Retry-After, for those that
//	     send it) and the first dialect's body
//	413  the body is longer than a limit can ever hold (Decision.RetryAt is
//	     Never), with the dialects' headers but no Retry-After, since no
//	     wait would help; or the body is over MaxBody
//	404  the path does not match a /prefix/{key} key or workspace pattern
//	400  the body could not be read
//
// Every method is decided alike: a webhook is usually a POST, but a probe
// may send anything.
//
// A Handler is safe for concurrent use and exact under concurrency: the
// decisions of one partition are serialized, so N concurrent requests
// together are never admitted more than the limits allow.
type Handler struct {
	sim        *Simulator
	dialect    Dialect
	key        KeySource
	maxBody    int64
	now        func() time.Time
	workspace  *KeySource
	onDecision func(r *http.Request, key, workspace string, size int64, d *Decision)
	scratch    sync.Pool // of *scratch
	// short says the dialect reads no limit's standing (see retryOnly):
	// requests are decided with Partition.DecideShort.
	short bool
}

// scratch is what the handler needs for one request beyond what net/http
// gives it, pooled so that deciding a request allocates nothing.
type scratch struct {
	d    Decision
	body limitedBody
}

// NewHandler returns a handler for opt. It fails when the profile is
// missing or not valid, when Sim simulates another profile, when Now is
// nil, or on an unknown dialect name. The profile must not change once the
// handler is made: its dialects make what follows from it alone once (see
// bindDialect).
func NewHandler(opt HandlerOptions) (*Handler, error) {
	p := opt.Profile
	switch {
	case p == nil && opt.Sim == nil:
		return nil, errors.New("limitsim: NewHandler: no profile")
	case p == nil:
		p = opt.Sim.Profile()
	case opt.Sim != nil && opt.Sim.Profile() != p:
		return nil, errors.New("limitsim: NewHandler: Sim simulates another profile")
	}
	if opt.Now == nil {
		return nil, errors.New("limitsim: NewHandler: Now is required")
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("limitsim: NewHandler: profile %s: %w", p.Name, err)
	}
	names := opt.Dialects
	if len(names) == 0 {
		names = []string{p.Dialect}
	}
	dl, err := Dialects(names...)
	if err != nil {
		return nil, fmt.Errorf("limitsim: NewHandler: %w", err)
	}
	h := &Handler{sim: opt.Sim, dialect: bindDialect(dl, p), key: opt.Key, workspace: opt.Workspace, maxBody: opt.MaxBody, now: opt.Now, onDecision: opt.OnDecision,
		short: retryOnly(dl)}
	if h.sim == nil {
		h.sim = NewSimulator(p)
	}
	if h.maxBody <= 0 {
		h.maxBody = DefaultMaxBody
		var most int64
		for _, l := range p.Limits {
			if l.Unit == Bytes {
				most = max(most, l.Capacity())
			}
		}
		h.maxBody += most
	}
	return h, nil
}

// Simulator returns the handler's simulator.
func (h *Handler) Simulator() *Simulator { return h.sim }

// Dialect returns the dialect the handler speaks.
func (h *Handler) Dialect() Dialect { return h.dialect }

// MaxBody returns the bound on request bodies, in bytes.
func (h *Handler) MaxBody() int64 { return h.maxBody }

var acceptedBody = []byte(`{"status":"accepted"}`)

// The Content-Type values of the answers, made once (hdrval).
var (
	jsonTypeValue  = hdrval.Of("application/json")
	plainTypeValue = hdrval.Of(plainType)
)

const plainTooLarge = "413 Payload Too Large: "

// ServeHTTP decides r and answers it; see Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key, ok := h.key.Key(r)
	ws := ""
	if ok && h.workspace != nil {
		ws, ok = h.workspace.Key(r)
	}
	if !ok {
		h.report(r, key, ws, 0, nil)
		writePlain(w, http.StatusNotFound, "404 Not Found: the path does not match "+h.patterns()+"\n")
		return
	}
	sc, _ := h.scratch.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	defer h.scratch.Put(sc)
	size, err := h.readBody(w, r, &sc.body)
	if err != nil {
		h.report(r, key, ws, size, nil)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writePlain(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("%sthe body is over %d bytes\n", plainTooLarge, h.maxBody))
			return
		}
		writePlain(w, http.StatusBadRequest, "400 Bad Request: reading the body: "+err.Error()+"\n")
		return
	}
	p := h.sim.Profile()
	d := &sc.d
	pt := h.sim.Partition(p.PartitionOf(key, ws))
	if h.short {
		pt.DecideShort(d, h.now().UnixNano(), size)
		d.Limits = d.Limits[:0] // not read: none is left from an earlier request
	} else {
		pt.DecideInto(d, h.now().UnixNano(), size)
	}
	h.report(r, key, ws, size, d)
	h.dialect.WriteHeaders(w.Header(), p, d)
	switch {
	case d.Admitted:
		w.Header()["Content-Type"] = jsonTypeValue
		w.WriteHeader(http.StatusOK)
		w.Write(acceptedBody)
	case d.RetryAt == Never:
		msg := plainTooLarge
		if l := p.neverAdmits(size); l != nil {
			msg += fmt.Sprintf("a body of %d bytes is more than limit %q can ever admit (capacity %d)\n", size, l.Name, l.Capacity())
		}
		writePlain(w, http.StatusRequestEntityTooLarge, msg)
	default:
		ct, body := h.dialect.RejectBody(p, d)
		switch ct {
		case "":
		case plainType:
			w.Header()["Content-Type"] = plainTypeValue
		default:
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write(body)
	}
}

func (h *Handler) report(r *http.Request, key, ws string, size int64, d *Decision) {
	if h.onDecision != nil {
		h.onDecision(r, key, ws, size, d)
	}
}

// readBody reads and counts r's body, at most maxBody bytes, keeping none
// of it. It returns an *http.MaxBytesError for a longer body. A body of
// known length is read through lb, which allocates nothing; one without
// (chunked) through http.MaxBytesReader, which also has the server close
// the connection when the body is too long, rather than read the rest.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request, lb *limitedBody) (int64, error) {
	if r.ContentLength > h.maxBody {
		return 0, &http.MaxBytesError{Limit: h.maxBody}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return 0, nil
	}
	if r.ContentLength < 0 {
		return io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, h.maxBody))
	}
	*lb = limitedBody{r: r.Body, left: h.maxBody, limit: h.maxBody}
	n, err := io.Copy(io.Discard, lb)
	lb.r = nil
	return n, err
}

// limitedBody reads at most limit bytes of r, and fails with an
// *http.MaxBytesError past them, as http.MaxBytesReader does. The net/http
// server already stops a body at its Content-Length, which readBody has
// checked; this bounds a body that says less than it holds (a handler
// called directly).
type limitedBody struct {
	r           io.Reader
	left, limit int64
	err         error
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1] // one byte more than allowed tells a longer body
	}
	n, err := b.r.Read(p)
	if int64(n) <= b.left {
		b.left -= int64(n)
		return n, err
	}
	n, b.left = int(b.left), 0
	b.err = &http.MaxBytesError{Limit: b.limit}
	return n, b.err
}

// patterns names the key source and, with one, the workspace source.
func (h *Handler) patterns() string {
	if h.workspace == nil {
		return h.key.String()
	}
	return h.key.String() + " and " + h.workspace.String()
}

func writePlain(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", plainType)
	w.WriteHeader(code)
	io.WriteString(w, msg)
}
