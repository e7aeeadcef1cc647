package probe

import (
	"context"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/signing"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// rejectFirst answers the first request with 429 and the Retry-After that
// ra returns, and every later one with 200.
func rejectFirst(ra func() string) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", ra())
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	}
}

// checkRetryHonoured checks a 429-then-200 run: two attempts, the second
// sent no earlier than the Retry-After after the first came back, and one
// delivery.
func checkRetryHonoured(t *testing.T, rec *httpRec, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(rec.attempts) != 2 {
		t.Fatalf("%d attempts, want 2", len(rec.attempts))
	}
	a1, a2 := rec.attempts[0], rec.attempts[1]
	if a1.Status != 429 || !a1.HasRetryAfter || a1.RetryAfter <= 0 {
		t.Fatalf("first attempt: status %d, Retry-After %v (%v), want 429 with one", a1.Status, a1.RetryAfter, a1.HasRetryAfter)
	}
	if a1.RateLimit["Retry-After"] == "" {
		t.Errorf("Retry-After not recorded in RateLimit: %v", a1.RateLimit)
	}
	if wait := time.Duration(a2.Sent - a1.Done); wait < a1.RetryAfter {
		t.Errorf("retry sent %v after the 429 came back, before its Retry-After %v", wait, a1.RetryAfter)
	}
	if a2.Status != 200 || a2.N != 2 || a2.Intended != a1.Done+int64(a1.RetryAfter) {
		t.Errorf("second attempt: status %d, N %d, intended %d, want 200, 2, %d", a2.Status, a2.N, a2.Intended, a1.Done+int64(a1.RetryAfter))
	}
	if len(rec.outcomes) != 1 || rec.outcomes[0].Fate != Delivered || rec.outcomes[0].Attempts != 2 || rec.outcomes[0].At != a2.Done {
		t.Errorf("outcomes %+v, want one Delivered after 2 attempts at the second's Done", rec.outcomes)
	}
}

// TestHTTPRetryAfterSeconds waits out a Retry-After in seconds, in
// virtual time.
func TestHTTPRetryAfterSeconds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := rejectFirst(func() string { return "1" })
		rec, _, err := runEngine(t, memEngine(&Engine{Source: evenly(1, 0), Policy: retry.RetryAfter{Max: 3}, Target: &HTTPTarget{Drain: 5 * time.Second}}, h))
		checkRetryHonoured(t, rec, err)
		if got := rec.attempts[0].RetryAfter; got != time.Second {
			t.Errorf("Retry-After: 1 read as %v", got)
		}
	})
}

// TestHTTPRetryAfterDate waits out a Retry-After that is an HTTP-date, in
// virtual time.
func TestHTTPRetryAfterDate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := rejectFirst(func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) })
		rec, _, err := runEngine(t, memEngine(&Engine{Source: evenly(1, 0), Policy: retry.RetryAfter{Max: 3}, Target: &HTTPTarget{Drain: 5 * time.Second}}, h))
		checkRetryHonoured(t, rec, err)
		if got := rec.attempts[0].RetryAfter; got > 2*time.Second {
			t.Errorf("an HTTP-date 2 s ahead (to the second) read as %v", got)
		}
	})
}

// TestHTTPRetryAfterJumpClock waits two minutes on a clock that jumps,
// over a real socket.
func TestHTTPRetryAfterJumpClock(t *testing.T) {
	srv := server(t, rejectFirst(func() string { return "120" }))
	rec, _, err := runEngine(t, &Engine{Source: evenly(1, 0), Policy: retry.RetryAfter{Max: 3}, Target: &HTTPTarget{URL: srv.URL, Drain: 10 * time.Minute, Clock: newJumpClock()}})
	checkRetryHonoured(t, rec, err)
}

// TestHTTPDrain ends a delivery whose retry is due after the drain.
func TestHTTPDrain(t *testing.T) {
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	for _, tt := range []struct {
		drain    time.Duration
		attempts int
		fate     Fate
	}{{10 * time.Second, 1, RunEnded}, {45 * time.Second, 2, RunEnded}, {2 * time.Minute, 3, GaveUp}} {
		rec, st, err := runEngine(t, &Engine{Source: evenly(1, 0), Policy: retry.RetryAfter{Max: 2}, Target: &HTTPTarget{URL: srv.URL, Drain: tt.drain, Clock: newJumpClock()}})
		if err != nil {
			t.Fatalf("drain %v: %v", tt.drain, err)
		}
		if len(rec.attempts) != tt.attempts || len(rec.outcomes) != 1 || rec.outcomes[0].Fate != tt.fate || rec.outcomes[0].Attempts != tt.attempts {
			t.Errorf("drain %v: %d attempts, outcomes %+v; want %d attempts and %s", tt.drain, len(rec.attempts), rec.outcomes, tt.attempts, tt.fate)
		}
		checkOneOutcomeEach(t, rec, st)
	}
}

// TestHTTPObserverOrder sends five events at once to a server that answers
// the first last, and checks the Observer still sees them in send order.
// The server is served in memory, its delays in virtual time.
func TestHTTPObserverOrder(t *testing.T) {
	synctest.Test(t, testHTTPObserverOrder)
}

func testHTTPObserverOrder(t *testing.T) {
	var order []string
	var mu sync.Mutex
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, _ := strconv.Atoi(strings.TrimPrefix(r.Header.Get("X-Event-Id"), "r1-evt-"))
		time.Sleep(time.Duration(6-ev) * 20 * time.Millisecond)
		mu.Lock()
		order = append(order, r.Header.Get("X-Event-Id"))
		mu.Unlock()
	})
	rec, st, err := runEngine(t, memEngine(&Engine{Source: evenly(5, 0), Policy: retry.None{}, Target: &HTTPTarget{RunID: "r1"}}, h))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("server finished them in the order %v", order)
	var got []uint64
	for i, a := range rec.attempts {
		got = append(got, a.Event)
		if i > 0 && a.Sent < rec.attempts[i-1].Sent {
			t.Errorf("attempt %d sent at %d, before the one reported before it (%d)", i, a.Sent, rec.attempts[i-1].Sent)
		}
	}
	if !slices.Equal(got, []uint64{1, 2, 3, 4, 5}) {
		t.Errorf("observer saw events %v, want the send order 1 to 5", got)
	}
	checkOneOutcomeEach(t, rec, st)
	if f := rec.fates(); f[Delivered] != 5 {
		t.Errorf("fates %v, want 5 delivered", f)
	}
}

// TestHTTPSigning verifies every request's Standard Webhooks signature on
// the server, and that copies of an event share its id.
func TestHTTPSigning(t *testing.T) {
	signer, err := signing.NewSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var bad []string
	ids := map[string]int{}
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if err := signer.Verify(r.Header, body, time.Now(), signing.DefaultTolerance); err != nil {
			bad = append(bad, err.Error())
		}
		if r.Header.Get("webhook-id") != r.Header.Get("X-Event-Id") {
			bad = append(bad, "webhook-id "+r.Header.Get("webhook-id")+" differs from X-Event-Id "+r.Header.Get("X-Event-Id"))
		}
		ids[r.Header.Get("webhook-id")]++
	})
	src := &emList{}
	for ev := uint64(1); ev <= 3; ev++ {
		for c := range 2 {
			src.ems = append(src.ems, scenarios.Emission{Time: scenarios.DefaultStart + int64(ev)*int64(time.Millisecond), Event: ev, Copy: c, Copies: 2, Key: "t1"})
		}
	}
	rec, _, err := runEngine(t, &Engine{Source: src, Policy: retry.None{}, Target: &HTTPTarget{URL: srv.URL, Signer: signer, RunID: "r1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("signature checks failed: %v", bad)
	}
	want := map[string]int{"r1-evt-1": 2, "r1-evt-2": 2, "r1-evt-3": 2}
	if !maps.Equal(ids, want) {
		t.Errorf("ids seen %v, want %v", ids, want)
	}
	if len(rec.outcomes) != 6 {
		t.Errorf("%d outcomes, want 6 (one per copy)", len(rec.outcomes))
	}
}

// TestHTTPRequests checks what a request carries: the key in the path,
// the padded body, the headers; and what is recorded of the response.
func TestHTTPRequests(t *testing.T) {
	type seen struct {
		path, ctype, ua, auth, id, run string
		size                           int
		json                           bool
	}
	var mu sync.Mutex
	var got []seen
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.URL.EscapedPath(), r.Header.Get("Content-Type"), r.Header.Get("User-Agent"), r.Header.Get("Authorization"), r.Header.Get("X-Hook-Id"), r.Header.Get("X-Hooklimit-Run"), len(body), strings.HasPrefix(string(body), `{"eventId":"run.7_x-evt-`)})
		mu.Unlock()
		h := w.Header()
		h.Set("RateLimit", `"default";r=24;t=1`)
		h.Set("RateLimit-Policy", `"default";q=25;w=1`)
		h.Set("X-RateLimit-Remaining", "24")
		h.Set("X-Rate-Limit-Reset", "1")
		h.Set("X-Byte-Limit-Remaining", "29999000")
		h.Set("X-Other", "ignored")
	})
	src := &emList{ems: []scenarios.Emission{
		{Time: 0, Event: 1, Copies: 1, Key: "t1", Size: 500},
		{Time: 1, Event: 2, Copies: 1, Key: "a b/c", Size: 10},
	}}
	rec, st, err := runEngine(t, &Engine{Source: src, Policy: retry.None{}, Target: &HTTPTarget{URL: srv.URL + "/hooks/{key}", Header: http.Header{"Authorization": {"Bearer x"}, "X-Hooklimit-Run": {"not this"}}, EventIDHeader: "X-Hook-Id", RunID: "run.7_x"}})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b seen) int { return strings.Compare(b.path, a.path) })
	want := []seen{
		{"/hooks/t1", "application/json", "hooklimit", "Bearer x", "run.7_x-evt-1", "run.7_x", 500, true},
		{"/hooks/a%20b%2Fc", "application/json", "hooklimit", "Bearer x", "run.7_x-evt-2", "run.7_x", got[1].size, true},
	}
	if !slices.Equal(got, want) {
		t.Errorf("server saw\n%+v\nwant\n%+v", got, want)
	}
	if got[1].size <= 10 {
		t.Errorf("a body shorter than the template was cut to %d bytes", got[1].size)
	}
	a := rec.attempts[0]
	if a.Size != 500 || a.Status != 200 || a.Late && a.Sent-a.Intended < int64(time.Millisecond) {
		t.Errorf("attempt %+v", a)
	}
	wantRL := map[string]string{"Ratelimit": `"default";r=24;t=1`, "Ratelimit-Policy": `"default";q=25;w=1`,
		"X-Ratelimit-Remaining": "24", "X-Rate-Limit-Reset": "1", "X-Byte-Limit-Remaining": "29999000"}
	if len(a.RateLimit) != len(wantRL) {
		t.Errorf("RateLimit %v, want %v", a.RateLimit, wantRL)
	}
	for k, v := range wantRL {
		if a.RateLimit[k] != v {
			t.Errorf("RateLimit[%q] = %q, want %q", k, a.RateLimit[k], v)
		}
	}
	if st.Emissions != 2 || st.Attempts != 2 || st.Start > st.End || st.RunID != "run.7_x" {
		t.Errorf("stats %+v", st)
	}
}

// TestHTTPMaxInFlightLate sends one attempt at a time to a slow server:
// the attempts wait for the slot, go late, and still keep their gaps. The
// server is served in memory, its delay in virtual time.
func TestHTTPMaxInFlightLate(t *testing.T) {
	synctest.Test(t, testHTTPMaxInFlightLate)
}

func testHTTPMaxInFlightLate(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(50 * time.Millisecond) })
	rec, st, err := runEngine(t, memEngine(&Engine{Source: evenly(4, 10*time.Millisecond), Policy: retry.None{}, Target: &HTTPTarget{MaxInFlight: 1}}, h))
	if err != nil {
		t.Fatal(err)
	}
	if st.Late != 3 {
		t.Errorf("%d late, want 3 (all but the first waited ≥ 50 ms for the slot)", st.Late)
	}
	tol := int64(DefaultLateTolerance)
	for i := 1; i < len(rec.attempts); i++ {
		a, b := rec.attempts[i-1], rec.attempts[i]
		if !b.Late || b.Sent < a.Done {
			t.Errorf("attempt %d: late %v, sent %d before the previous came back at %d", i, b.Late, b.Sent, a.Done)
		}
		if b.Sent-a.Sent < b.Intended-a.Intended-tol {
			t.Errorf("attempt %d: sent %v after the previous, the schedule says %v", i, time.Duration(b.Sent-a.Sent), time.Duration(b.Intended-a.Intended))
		}
	}
}

// TestHTTPInterrupt cancels the run after three attempts to a failing
// target whose retries are a minute away, in virtual time.
func TestHTTPInterrupt(t *testing.T) {
	synctest.Test(t, testHTTPInterrupt)
}

func testHTTPInterrupt(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := &httpRec{t: t}
	rec.onAttempt = func(*Attempt) {
		if len(rec.attempts) == 3 {
			cancel()
		}
	}
	e := memEngine(&Engine{Source: evenly(20, 20*time.Millisecond), Policy: retry.Fixed{Delay: time.Minute, Max: 3}, Observer: rec, Target: &HTTPTarget{}}, h)
	st, err := e.Run(ctx)
	if err != context.Canceled || !st.Interrupted {
		t.Fatalf("Run: %v, Interrupted %v; want context.Canceled and Interrupted", err, st.Interrupted)
	}
	if st.Attempts < 3 || st.Attempts >= 20 {
		t.Errorf("%d attempts, want at least 3 and fewer than 20", st.Attempts)
	}
	checkOneOutcomeEach(t, rec, st)
	if f := rec.fates(); f[Interrupted] != int(st.Emissions) {
		t.Errorf("fates %v, want all %d interrupted", f, st.Emissions)
	}
	for _, o := range rec.outcomes {
		if o.Attempts != 1 {
			t.Errorf("interrupted outcome %+v: want 1 attempt made", o)
		}
	}
}
