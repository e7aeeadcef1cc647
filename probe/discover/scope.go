package discover

import (
	"fmt"
	"time"
)

// The scopes of a limit the scope step tells apart.
const (
	// ScopeShared is one limit for the probed URL and the other one
	// (DiscoverOptions.Also): requests to either count against both.
	ScopeShared = "shared"
	// ScopePerKey is a limit of its own for each: the other URL's key or
	// path is not limited by what was sent to the probed one.
	ScopePerKey = "per-key"
)

// AlsoKey is the Key of the requests sent to DiscoverOptions.Also.
const AlsoKey = "also"

// scopeStep tells whether the shortest limit is shared with the other URL
// (DiscoverOptions.Also): it waits until the limit is full, exhausts it
// with a burst to the probed URL and at once sends two requests to the
// other. Both admitted: each has a limit of its own; the first rejected:
// one limit for both.
func (r *runner) scopeStep(d *Discovery, st *discoverState) {
	if r.o.Also == nil {
		return
	}
	s := r.begin(d, StepScope)
	var short *InferredLimit
	for i := range st.inferred {
		if l := &st.inferred[i]; l.WindowSeconds <= kindMaxWindow && (short == nil || l.WindowSeconds < short.WindowSeconds) {
			short = l
		}
	}
	if short == nil || short.Limit <= 0 {
		s.end("skipped", "no limit of %ds or less to exhaust", kindMaxWindow)
		return
	}
	w := time.Duration(short.WindowSeconds) * time.Second
	n := int(max(short.Limit, d.Burst.Admitted)) + 8
	if r.left() < n+2 || r.timeLeft() < w+w/5+time.Second {
		s.end("skipped", "no room within the caps (%d requests and %s needed)", n+2, fmtSeconds(w+w/5+time.Second))
		return
	}
	r.waitUntil(r.now() + int64(w+w/5))
	// A burst until the first rejection comes back; the requests to the
	// other URL leave at once, while the rest of the burst may still be in
	// flight (a limiter that queues, as nginx does without nodelay, is
	// then still full).
	limited, sent := false, 0
	for !limited && !r.stopped() {
		for sent < n && r.inflight < r.o.InFlight && !r.stopped() {
			r.dispatch(r.now(), 0)
			sent++
		}
		if r.inflight == 0 {
			break
		}
		limited = r.next().Limited()
	}
	if !limited {
		r.drain()
		s.end("done", "the burst of %d got no rejection: the scope is not known", sent)
		return
	}
	a, b := r.alsoOne(), r.alsoOne()
	r.drain()
	if a == nil || b == nil {
		s.end("cut", "the caps left no room for the requests to the other URL")
		return
	}
	switch {
	case a.Passed() && b.Passed():
		short.Scope = ScopePerKey
		short.ScopeNote = "right after the probed URL's limit rejected a request, two requests to the other URL were admitted: each has a limit of its own"
	case !a.Passed():
		short.Scope = ScopeShared
		short.ScopeNote = fmt.Sprintf("right after the probed URL's limit rejected a request, a request to the other URL was rejected too (%d): they share one limit", a.Status)
	default:
		s.end("done", "of two requests to the other URL right after the probed one's rejection, the first was admitted and the second not: the scope is not known")
		return
	}
	s.end("done", "%s", short.ScopeNote)
}

// alsoOne sends one request to DiscoverOptions.Also, with nothing else in
// flight, and returns its answer, or nil when nothing may be sent.
func (r *runner) alsoOne() *ProbeRequest {
	if r.stopped() {
		return nil
	}
	r.sent++
	r.inflight++ // as dispatch counts it; record takes it back
	p := &ProbeRequest{Seq: r.sent, Step: r.step, Key: AlsoKey, Intended: r.now()}
	p.Sent = p.Intended
	res := r.o.Also.Send(r.ctx, 0)
	p.Done = r.now()
	r.fill(p, res)
	return r.record(p)
}
