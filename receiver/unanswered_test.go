package receiver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/render"
)

// brokenWriter is a ResponseWriter whose connection is gone: Write fails,
// or only the flush (failFlush) does.
type brokenWriter struct {
	h         http.Header
	code      int
	failFlush bool
}

var errReset = errors.New("write: connection reset by peer")

func (w *brokenWriter) Header() http.Header { return w.h }
func (w *brokenWriter) WriteHeader(c int)   { w.code = c }
func (w *brokenWriter) Write(b []byte) (int, error) {
	if w.failFlush {
		return len(b), nil
	}
	return 0, errReset
}
func (w *brokenWriter) FlushError() error {
	if w.failFlush {
		return errReset
	}
	return nil
}

// checkUnanswered checks that rv recorded exactly want unanswered
// requests of the one admitted, and says so everywhere.
func checkUnanswered(t *testing.T, rv *Receiver, out *strings.Builder) {
	t.Helper()
	res := rv.Result(false)
	d, q := res.Delivery, res.Requests
	if q.Total != 1 || q.Unanswered != 1 || q.ByStatus["200"] != 0 || d.Unanswered != 1 || d.Accepted != 0 || d.Delivered != 0 || d.Attempts != 1 {
		t.Errorf("requests %+v, delivery accepted %d unanswered %d delivered %d", q, d.Accepted, d.Unanswered, d.Delivered)
	}
	if res.Metrics["unanswered"] != 1 || res.Input.Records != 1 {
		t.Errorf("metric %v, records %d", res.Metrics["unanswered"], res.Input.Records)
	}
	if st := rv.Stats(); st.Unanswered != 1 || st.Accepted != 0 || st.Errors != 0 {
		t.Errorf("stats %+v", st)
	}
	var tb strings.Builder
	if err := render.Write(&tb, res, render.Table); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1 request (1 unanswered)", "note: 1 request went unanswered", "| unanswered (the answer never reached the client) | 1 "} {
		if !strings.Contains(tb.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, tb.String())
		}
	}
	if out != nil && !strings.Contains(out.String(), `"status":200,"unanswered":true`) {
		t.Errorf("results line: %s", out)
	}
}

// TestReceiverUnansweredWhenWriteFails: an admitted request whose answer
// cannot be written (or flushed) to the connection is unanswered, not
// accepted.
func TestReceiverUnansweredWhenWriteFails(t *testing.T) {
	for _, failFlush := range []bool{false, true} {
		rv, _, out := newReceiver(t, Options{})
		w := &brokenWriter{h: http.Header{}, failFlush: failFlush}
		rv.ServeHTTP(w, httptest.NewRequest("POST", "/hooks/t1", strings.NewReader(`{"id":"e1"}`)))
		if w.code != 200 {
			t.Fatalf("status meant %d", w.code)
		}
		flush(t, rv)
		var sb strings.Builder
		sb.WriteString(out.String())
		checkUnanswered(t, rv, &sb)
	}
}

// TestReceiverUnansweredWhenClientLeaves: a client that goes away while
// its answer waits out the added latency gets no answer, and the request
// is recorded unanswered as soon as it left, not after the latency. A
// client that stays gets its 200 at exactly the latency.
func TestReceiverUnansweredWhenClientLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rv, _, _ := newReceiver(t, Options{Now: time.Now, Latency: 30 * time.Second})
		start := time.Now()
		w := httptest.NewRecorder()
		rv.ServeHTTP(w, httptest.NewRequest("POST", "/hooks/t1", strings.NewReader(`{"id":"stays"}`)))
		if w.Code != 200 || time.Since(start) != 30*time.Second {
			t.Fatalf("answered %d after %s", w.Code, time.Since(start))
		}
		if w.Header().Get("Content-Length") != "21" || w.Body.String() != `{"status":"accepted"}` {
			t.Errorf("answer %v %q", w.Header(), w.Body)
		}
		if d := rv.Result(false).Delivery; d.Accepted != 1 || d.Unanswered != 0 {
			t.Errorf("the answered one: %+v", d)
		}

		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(time.Second, cancel) // the client times out after 1s
		start = time.Now()
		w = httptest.NewRecorder()
		rv.ServeHTTP(w, httptest.NewRequestWithContext(ctx, "POST", "/hooks/t2", strings.NewReader(`{"id":"leaves"}`)))
		if took := time.Since(start); took != time.Second || w.Body.Len() != 0 {
			t.Errorf("handler returned after %s, wrote %q", took, w.Body)
		}
		res := rv.Result(false)
		if d := res.Delivery; d.Accepted != 1 || d.Unanswered != 1 || d.Delivered != 1 || res.Requests.Unanswered != 1 {
			t.Errorf("delivery %+v", d)
		}
	})
}

// TestServeGraceCoversLatency: a request waiting out a latency longer than
// the shutdown grace when the server stops is still answered, and
// recorded accepted; a client that gives up first is recorded unanswered.
func TestServeGraceCoversLatency(t *testing.T) {
	const latency = 400 * time.Millisecond
	rv, _, _ := newReceiver(t, Options{Now: time.Now, Latency: latency})
	so := ServerOptions{ShutdownGrace: 10 * time.Millisecond}
	if g := rv.ShutdownGrace(so); g != 10*time.Millisecond+latency {
		t.Errorf("grace %s", g)
	}
	url, stop := serveOn(t, rv, so)

	// A client that gives up before the latency has passed.
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", url+"/hooks/gone", strings.NewReader(`{"id":"gone"}`))
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	waitFor(t, func() bool { return rv.Simulator().Keys() == 1 }) // decided, waiting
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("the cancelled client got an answer")
	}
	waitFor(t, func() bool { return rv.Stats().Unanswered == 1 })

	// A client in flight when the server stops.
	var code atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := http.Post(url+"/hooks/stays", "application/json", strings.NewReader(`{"id":"stays"}`))
		if err != nil {
			t.Error(err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		code.Store(int64(resp.StatusCode))
	}()
	waitFor(t, func() bool { return rv.Simulator().Keys() == 2 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	<-done
	res := rv.Result(true)
	if code.Load() != 200 || res.Delivery.Accepted != 1 || res.Delivery.Unanswered != 1 || res.Requests.Total != 2 {
		t.Errorf("client got %d; requests %+v, accepted %d, unanswered %d", code.Load(), res.Requests, res.Delivery.Accepted, res.Delivery.Unanswered)
	}
}

// waitFor polls cond every millisecond for up to 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out waiting")
}

// TestReceiverExpiresWhenIdle: a server that gets no more requests
// expires its idle partitions, keys and events on a timer: not before the
// idle horizon, and all of them after it (events after their TTL).
func TestReceiverExpiresWhenIdle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rv, _, _ := newReceiver(t, Options{Now: time.Now})
		const keys = 1000
		for i := range keys {
			if w := send(rv, "POST", "/hooks/k"+itoa(i), `{"id":"e`+itoa(i)+`"}`); w.Code != 200 {
				t.Fatalf("status %d", w.Code)
			}
		}
		horizon := profile(t, "rewst").IdleHorizon()
		live := func() (parts, keys int, expired int64, events int) {
			synctest.Wait()
			st := rv.Stats()
			return st.Partitions, st.Keys, st.ExpiredKeys, st.LiveEvents
		}
		time.Sleep(horizon - time.Second)
		if p, k, x, e := live(); p != keys || k != keys || x != 0 || e != keys {
			t.Fatalf("before the horizon: %d partitions, %d keys, %d expired, %d events", p, k, x, e)
		}
		time.Sleep(time.Second + 2*max(horizon/4, time.Second)) // past the horizon, and the next expiry
		if p, k, x, _ := live(); p != 0 || k != 0 || x != keys {
			t.Fatalf("after the horizon: %d partitions, %d keys, %d expired", p, k, x)
		}
		time.Sleep(session.DefaultEventTTL + time.Second)
		if _, _, _, e := live(); e != 0 {
			t.Errorf("after the event TTL: %d events", e)
		}
		res := rv.Result(false)
		if res.Input.Keys != keys || res.Delivery.Delivered != keys || res.Requests.Total != keys {
			t.Errorf("the report lost some: %d keys, %d delivered", res.Input.Keys, res.Delivery.Delivered)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestReceiverReportShowsWorstKeys: GET /_hooklimit/report shows the rows
// of the worst 20 keys, ?keys=N of N and ?all=1 of all (up to
// MaxReportKeys), and the summary over every key.
func TestReceiverReportShowsWorstKeys(t *testing.T) {
	rv, _, _ := newReceiver(t, Options{})
	for i := range 50 {
		n := 1
		if i == 37 {
			n = 30 // over 25/s: the worst key
		}
		for j := range n {
			send(rv, "POST", "/hooks/k"+itoa(i), `{"id":"`+itoa(i)+`-`+itoa(j)+`"}`)
		}
	}
	for _, tt := range []struct {
		query      string
		rows       int
		others     string
		wantStatus int
	}{
		{"", 20, "(30 other keys)", 200},
		{"?keys=5", 5, "(45 other keys)", 200},
		{"?keys=50", 50, "", 200},
		{"?all=1", 50, "", 200},
		{"?keys=0", 0, "", 400},
		{"?keys=10001", 0, "", 400},
		{"?all=yes", 0, "", 400},
	} {
		w := send(rv, "GET", "/_hooklimit/report"+tt.query, "")
		if w.Code != tt.wantStatus {
			t.Errorf("%s: %d %s", tt.query, w.Code, w.Body)
			continue
		}
		if w.Code != 200 {
			continue
		}
		var res report.ServeResult
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		pr := res.PolicyRejected
		if res.Input.Keys != 50 || res.Summary[0].Keys != 50 || res.Summary[0].KeysFailing != 1 || res.Summary[0].WorstKey != "k37" || res.Compliance != report.VerdictFail {
			t.Errorf("%s: input %+v, summary %+v", tt.query, res.Input, res.Summary[0])
		}
		shown := len(pr)
		if tt.others != "" {
			shown--
			if pr[shown].Key != tt.others || pr[shown].Records != int64(50-tt.rows) {
				t.Errorf("%s: others %+v", tt.query, pr[shown])
			}
		}
		if shown != tt.rows || pr[0].Key != "k37" || pr[0].Rejected != 5 {
			t.Errorf("%s: %d keys shown, first %+v", tt.query, shown, pr[0])
		}
	}
}
