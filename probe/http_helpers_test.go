package probe

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/scenarios"
)

// emList is a Source over a fixed, short list of emissions.
type emList struct {
	ems []scenarios.Emission
	i   int
}

func (s *emList) Next() (scenarios.Emission, error) {
	if s.i == len(s.ems) {
		return scenarios.Emission{}, io.EOF
	}
	s.i++
	return s.ems[s.i-1], nil
}

// evenly returns n events, one delivery each, every apart, on key "t1".
func evenly(n int, every time.Duration) *emList {
	s := &emList{}
	for i := range n {
		s.ems = append(s.ems, scenarios.Emission{Time: scenarios.DefaultStart + int64(i)*int64(every), Event: uint64(i + 1), Copies: 1, Key: "t1", Size: 100})
	}
	return s
}

// httpRec records what an Engine reports, and fails the test on a
// concurrent call (with -race, the detector does too).
type httpRec struct {
	mu        sync.Mutex
	busy      bool
	t         *testing.T
	attempts  []Attempt
	outcomes  []Outcome
	log       []logEntry // the calls in order
	onAttempt func(a *Attempt)
}

func (r *httpRec) enter() {
	r.mu.Lock()
	if r.busy {
		r.t.Error("concurrent Observer calls")
	}
	r.busy = true
	r.mu.Unlock()
}

func (r *httpRec) leave() { r.mu.Lock(); r.busy = false; r.mu.Unlock() }

func (r *httpRec) Attempt(a *Attempt) {
	r.enter()
	defer r.leave()
	r.attempts = append(r.attempts, *a)
	r.log = append(r.log, logEntry{'A', a.Event})
	if r.onAttempt != nil {
		r.onAttempt(a)
	}
}

func (r *httpRec) Outcome(o *Outcome) {
	r.enter()
	defer r.leave()
	r.outcomes = append(r.outcomes, *o)
	r.log = append(r.log, logEntry{'O', o.Event})
}

// logEntry is one Observer call: 'A'ttempt or 'O'utcome, and its event.
type logEntry struct {
	kind  byte
	event uint64
}

// fates counts the outcomes by fate.
func (r *httpRec) fates() map[Fate]int {
	m := map[Fate]int{}
	for _, o := range r.outcomes {
		m[o.Fate]++
	}
	return m
}

// newJumpClock returns a JumpClock at the scenarios' default start.
func newJumpClock() *memhttp.JumpClock {
	return memhttp.NewJumpClock(time.Unix(0, scenarios.DefaultStart))
}

// server starts a loopback test server for h, closed with the test.
func server(t testing.TB, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// memClient returns a client whose requests h serves in memory (see
// memTransport), and that does not follow redirects, as the engines' own
// clients do not.
func memClient(h http.Handler) *http.Client {
	return &http.Client{Transport: memhttp.Transport{Handler: h},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// memEngine points e at h served in memory (see memClient), on the clock
// time.Now reads: run inside a synctest bubble, e takes virtual time only.
func memEngine(e *Engine, h http.HandlerFunc) *Engine {
	t := e.Target.(*HTTPTarget)
	t.URL, t.Client, t.Clock = "http://engine.test/hooks/t1", memClient(h), SystemClock{}
	return e
}

// runEngine runs e with a recorder and a time limit, and returns both.
func runEngine(t *testing.T, e *Engine) (*httpRec, Stats, error) {
	t.Helper()
	rec := &httpRec{t: t}
	e.Observer = rec
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := e.Run(ctx)
	return rec, st, err
}

// checkOneOutcomeEach checks that every delivery taken from the source got
// exactly one outcome, after its last attempt.
func checkOneOutcomeEach(t *testing.T, rec *httpRec, st Stats) {
	t.Helper()
	if int64(len(rec.outcomes)) != st.Emissions {
		t.Errorf("%d outcomes for %d emissions", len(rec.outcomes), st.Emissions)
	}
	if int64(len(rec.attempts)) != st.Attempts {
		t.Errorf("observer got %d attempts, stats say %d", len(rec.attempts), st.Attempts)
	}
	settled := map[uint64]bool{}
	for _, l := range rec.log {
		switch {
		case l.kind == 'O' && settled[l.event]:
			t.Errorf("two outcomes for event %d", l.event)
		case l.kind == 'O':
			settled[l.event] = true
		case settled[l.event]:
			t.Errorf("an attempt of event %d reported after its outcome", l.event)
		}
	}
}

// sameRuns fails the test, naming what, unless runs a and b made the same
// attempts (every field), outcomes and stats; bName says how b was run.
func sameRuns(t *testing.T, what string, a *httpRec, stA Stats, b *httpRec, stB Stats, bName string) {
	t.Helper()
	if len(a.attempts) != len(b.attempts) {
		t.Fatalf("%s: %d attempts, %d %s", what, len(a.attempts), len(b.attempts), bName)
	}
	for i := range a.attempts {
		if !reflect.DeepEqual(a.attempts[i], b.attempts[i]) {
			t.Fatalf("%s: attempt %d differs:\n%+v\n%s:\n%+v", what, i, a.attempts[i], bName, b.attempts[i])
		}
	}
	if !reflect.DeepEqual(a.outcomes, b.outcomes) {
		t.Fatalf("%s: outcomes differ", what)
	}
	if !reflect.DeepEqual(stA, stB) {
		t.Fatalf("%s: stats differ:\n%+v\n%+v", what, stA, stB)
	}
}
