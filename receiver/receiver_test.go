package receiver

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/signing"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/results"
)

// at0 is 2026-02-17T09:00:00Z.
var at0 = time.Date(2026, 2, 17, 9, 0, 0, 0, time.UTC)

// clock is a clock that moves only when told to.
type clock struct{ ns atomic.Int64 }

func newClock() *clock               { c := &clock{}; c.ns.Store(at0.UnixNano()); return c }
func (c *clock) Now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *clock) Add(d time.Duration) { c.ns.Add(int64(d)) }
func profile(t testing.TB, name string) *limitsim.Profile {
	t.Helper()
	p, err := limitsim.LoadProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// newReceiver returns a started receiver of opt, with a recorder writing
// its results file to the returned buffer, and a clock when opt has none.
func newReceiver(t testing.TB, opt Options) (*Receiver, *clock, *bytes.Buffer) {
	t.Helper()
	c := newClock()
	if opt.Now == nil {
		opt.Now = c.Now
	}
	if opt.Profile == nil {
		opt.Profile = profile(t, "rewst")
	}
	out := new(bytes.Buffer)
	so := session.Options{Log: results.NewWriter(out), GiveUpAfter: time.Second}
	if _, ok := t.(*testing.B); ok {
		so.Log = nil // a benchmark's results would fill memory
	}
	opt.Recorder = session.NewRecorder(opt.Profile, so)
	rv, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	rv.Start()
	t.Cleanup(rv.Close)
	return rv, c, out
}

// flush closes rv and flushes its recorder's results file.
func flush(t testing.TB, rv *Receiver) {
	t.Helper()
	rv.Close()
	if rw, ok := rv.opt.Recorder.Options().Log.(*results.Writer); ok {
		if err := rw.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func send(h http.Handler, method, target, body string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestReceiverAnswersAsTheProfile(t *testing.T) {
	rv, _, _ := newReceiver(t, Options{})
	for i := 1; i <= 25; i++ {
		if w := send(rv, "POST", "/hooks/t1", `{"id":"e`+fmt.Sprint(i)+`"}`); w.Code != 200 || w.Body.String() != `{"status":"accepted"}` {
			t.Fatalf("request %d: %d %q", i, w.Code, w.Body)
		}
	}
	w := send(rv, "POST", "/hooks/t1", `{"id":"e26"}`)
	if w.Code != 429 || w.Header().Get("Retry-After") != "1" || w.Body.String() != "429 Too Many Requests\n" {
		t.Fatalf("26th: %d %v %q", w.Code, w.Header(), w.Body)
	}
	res := rv.Result(false)
	d := res.Delivery
	if d.Attempts != 26 || d.Accepted != 25 || d.Rejected429 != 1 || d.RetryAfterSent != 1 || d.IDs.Body != 26 {
		t.Errorf("delivery %+v", d)
	}
	if res.Compliance != report.VerdictFail || res.Limits[0].Peak != 26 || res.Input.Records != 26 {
		t.Errorf("compliance %s, peak %d", res.Compliance, res.Limits[0].Peak)
	}
}

func TestReceiverDialectsAndKeys(t *testing.T) {
	key, _ := limitsim.ParseKeySource("/hooks/{key}")
	rv, _, _ := newReceiver(t, Options{Profile: profile(t, "workato"), Dialects: []string{"workato,ietf"}, Key: key})
	w := send(rv, "POST", "/hooks/w1", "{}")
	if w.Code != 200 || w.Header().Get("X-Rate-Limit-Remaining") == "" || w.Header().Get("RateLimit-Policy") == "" {
		t.Errorf("workato+ietf: %d %v", w.Code, w.Header())
	}
	if w := send(rv, "POST", "/other/w1", "{}"); w.Code != 404 {
		t.Errorf("path outside the pattern: %d", w.Code)
	}
	res := rv.Result(false)
	if res.Requests.Unmatched != 1 || res.Input.Records != 1 || res.Input.Keys != 1 || res.KeySource != "/hooks/{key}" {
		t.Errorf("requests %+v input %+v", res.Requests, res.Input)
	}
}

func TestReceiverEventIDs(t *testing.T) {
	rv, _, out := newReceiver(t, Options{})
	send(rv, "POST", "/t1", `{"id":"body-id"}`, "X-Event-Id", "header-id") // a header wins
	send(rv, "POST", "/t1", `{"id":"body-id"}`)                            // then the body
	send(rv, "POST", "/t1", `{"no":"id"}`)                                 // then the hash
	send(rv, "POST", "/t1", `{"no":"id"}`)                                 // the same body: the same event
	send(rv, "POST", "/t1", `{"no":"other"}`)
	res := rv.Result(false)
	flush(t, rv)
	ids := res.Delivery.IDs
	if ids.Header != 1 || ids.Body != 1 || ids.Hash != 2 || res.Delivery.Events != 4 || res.Delivery.Duplicates != 1 {
		t.Errorf("ids %+v, events %d, duplicates %d", ids, res.Delivery.Events, res.Delivery.Duplicates)
	}
	for _, want := range []string{`"event_id":"header-id","id_from":"header"`, `"event_id":"body-id","id_from":"body"`, `"event_id":"hash:`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("results lack %s:\n%s", want, out)
		}
	}

	rv2, _, _ := newReceiver(t, Options{IDHeaders: []string{"X-Mine"}, IDFields: []string{}, NoIDHash: true})
	send(rv2, "POST", "/t1", `{"id":"ignored"}`, "X-Event-Id", "ignored")
	send(rv2, "POST", "/t1", `{"id":"ignored"}`, "X-Mine", "m1")
	if ids := rv2.Result(false).Delivery.IDs; ids.Header != 1 || ids.None != 1 {
		t.Errorf("configured: %+v", ids)
	}

	for _, h := range []string{"Authorization", "cookie", "webhook-signature"} {
		_, err := New(Options{Profile: profile(t, "rewst"), Now: time.Now, Recorder: session.NewRecorder(profile(t, "rewst"), session.Options{}),
			IDHeaders: []string{h}, Verifier: mustVerifier(t, "standard-webhooks", whsec)})
		if err == nil {
			t.Errorf("%s accepted as an id header", h)
		}
	}
}

// TestReceiverExactUnderConcurrency: 400 requests at once to one key, at
// one instant, admit exactly 25, and every one is recorded.
func TestReceiverExactUnderConcurrency(t *testing.T) {
	t.Parallel()
	rv, _, _ := newReceiver(t, Options{})
	srv := httptest.NewServer(rv)
	defer srv.Close()
	var ok, rejected atomic.Int64
	var wg sync.WaitGroup
	for i := range 400 {
		wg.Go(func() {
			resp, err := http.Post(srv.URL+"/hooks/t1", "application/json", strings.NewReader(fmt.Sprintf(`{"id":"e%d"}`, i)))
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch resp.StatusCode {
			case 200:
				ok.Add(1)
			case 429:
				rejected.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 25 || rejected.Load() != 375 {
		t.Fatalf("admitted %d, rejected %d", ok.Load(), rejected.Load())
	}
	// A request is recorded once its handler has written the answer: a
	// client can read the answer first. Close waits for the handlers.
	srv.Close()
	d := rv.Result(false).Delivery
	if d.Attempts != 400 || d.Accepted != 25 || d.Rejected429 != 375 || d.Events != 400 {
		t.Errorf("recorded %+v", d)
	}
}

func TestReceiverMaxBody(t *testing.T) {
	rv, _, _ := newReceiver(t, Options{MaxBody: 100})
	if w := send(rv, "POST", "/t1", strings.Repeat("x", 100)); w.Code != 200 {
		t.Errorf("100 bytes: %d", w.Code)
	}
	if w := send(rv, "POST", "/t1", strings.Repeat("x", 101)); w.Code != 413 {
		t.Errorf("101 bytes: %d", w.Code)
	}
	// Chunked, without a Content-Length: cut while reading.
	r := httptest.NewRequest("POST", "/t1", io.MultiReader(strings.NewReader(strings.Repeat("y", 5000))))
	r.ContentLength = -1
	w := httptest.NewRecorder()
	rv.ServeHTTP(w, r)
	if w.Code != 413 {
		t.Errorf("chunked 5000 bytes: %d", w.Code)
	}
	res := rv.Result(false)
	if res.Requests.ByStatus["413"] != 2 || res.Delivery.Errors != 2 || res.Input.Records != 3 {
		t.Errorf("requests %+v", res.Requests)
	}
}

// TestReceiverErrorRate: a share of admitted requests is answered 5xx,
// repeatably for a seed.
func TestReceiverErrorRate(t *testing.T) {
	t.Parallel()
	count := func(seed uint64) (fails int, statuses string) {
		rv, c, _ := newReceiver(t, Options{ErrorRate: 0.2, ErrorStatus: 502, Seed: seed})
		var b strings.Builder
		for i := range 1000 {
			c.Add(time.Second) // under every limit
			w := send(rv, "POST", "/t1", fmt.Sprintf(`{"id":"%d"}`, i))
			if w.Code == 502 {
				fails++
				if !strings.Contains(w.Body.String(), "injected") {
					t.Fatalf("body %q", w.Body)
				}
			} else if w.Code != 200 {
				t.Fatalf("status %d", w.Code)
			}
			fmt.Fprint(&b, w.Code/100)
		}
		if d := rv.Result(false).Delivery; d.Errors != int64(fails) || d.GivenUp+d.Pending != int64(fails) || d.Pending > 1 {
			t.Errorf("errors %d, given up %d, want %d", d.Errors, d.GivenUp, fails)
		}
		return fails, b.String()
	}
	n1, s1 := count(7)
	n2, s2 := count(7)
	n3, s3 := count(8)
	if n1 < 150 || n1 > 250 || n1 != n2 || s1 != s2 || s1 == s3 || n3 < 150 || n3 > 250 {
		t.Errorf("failures %d %d %d", n1, n2, n3)
	}
}

// TestReceiverLatency: admitted answers wait the added latency; rejected
// ones do not.
func TestReceiverLatency(t *testing.T) {
	rv, _, _ := newReceiver(t, Options{Latency: 30 * time.Millisecond, LatencyMax: 40 * time.Millisecond})
	start := time.Now()
	if w := send(rv, "POST", "/t1", "{}"); w.Code != 200 || time.Since(start) < 30*time.Millisecond {
		t.Errorf("admitted: %d after %s", w.Code, time.Since(start))
	}
}

const whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func mustVerifier(t testing.TB, spec, secret string) Verifier {
	t.Helper()
	v, err := ParseVerifier(spec, secret, 0)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestReceiverStandardWebhooks(t *testing.T) {
	c := newClock()
	rv, _, out := newReceiver(t, Options{Now: c.Now, Verifier: mustVerifier(t, "standard-webhooks", whsec)})
	signer, _ := signing.NewSigner(whsec)
	sign := func(id, body string) []string {
		h := http.Header{}
		signer.SetHeaders(h, id, c.Now(), []byte(body))
		return []string{"webhook-id", h.Get("webhook-id"), "webhook-timestamp", h.Get("webhook-timestamp"), "webhook-signature", h.Get("webhook-signature")}
	}
	body := `{"type":"ticket.created","id":"t-1"}`
	if w := send(rv, "POST", "/t1", body, sign("msg_1", body)...); w.Code != 200 {
		t.Errorf("signed: %d %q", w.Code, w.Body)
	}
	if w := send(rv, "POST", "/t1", body+" ", sign("msg_2", body)...); w.Code != 401 || !strings.Contains(w.Body.String(), "signature") {
		t.Errorf("body changed: %d %q", w.Code, w.Body)
	}
	if w := send(rv, "POST", "/t1", body); w.Code != 401 {
		t.Errorf("unsigned: %d", w.Code)
	}
	c.Add(10 * time.Minute)
	old := sign("msg_3", body)
	c.Add(10 * time.Minute)
	if w := send(rv, "POST", "/t1", body, old...); w.Code != 401 || !strings.Contains(w.Body.String(), "timestamp") {
		t.Errorf("stale: %d %q", w.Code, w.Body)
	}
	flush(t, rv)
	if strings.Contains(out.String(), "v1,") || strings.Contains(out.String(), "MfKQ9r8") {
		t.Errorf("a signature or the secret reached the results:\n%s", out)
	}
	if !strings.Contains(out.String(), `"event_id":"msg_1","id_from":"header"`) {
		t.Errorf("webhook-id is the event id:\n%s", out)
	}
}

func TestReceiverHMACHeader(t *testing.T) {
	const secret = "s3cr3t-value"
	v := mustVerifier(t, "hmac:X-Hub-Signature-256", secret)
	rv, _, out := newReceiver(t, Options{Verifier: v})
	body := `{"action":"opened"}`
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	sig := hex.EncodeToString(m.Sum(nil))
	for _, s := range []string{"sha256=" + sig, sig} {
		if w := send(rv, "POST", "/t1", body, "X-Hub-Signature-256", s, "Authorization", "Bearer tok-123", "Cookie", "sid=abc"); w.Code != 200 {
			t.Errorf("%s: %d %q", s, w.Code, w.Body)
		}
	}
	if w := send(rv, "POST", "/t1", body, "X-Hub-Signature-256", "sha256=00"+sig[2:]); w.Code != 401 {
		t.Errorf("wrong: %d", w.Code)
	}
	flush(t, rv)
	for _, secretish := range []string{secret, sig, "tok-123", "sid=abc"} {
		if strings.Contains(out.String(), secretish) {
			t.Errorf("%q reached the results:\n%s", secretish, out)
		}
	}
	for _, s := range []string{fmt.Sprint(v), fmt.Sprintf("%+v %#v %q %x", v, v, v, v)} {
		if strings.Contains(s, secret) || strings.Contains(s, hex.EncodeToString([]byte(secret))) {
			t.Errorf("the verifier prints its secret: %s", s)
		}
	}
	if _, err := ParseVerifier("hmac:X-Sig", "", 0); err == nil {
		t.Error("empty secret accepted")
	}
	if _, err := ParseVerifier("standard-webhooks", "not base64 !!", 0); err == nil || strings.Contains(err.Error(), "not base64 !!") {
		t.Errorf("bad secret: %v", err)
	}
}

func TestReceiverControlEndpoints(t *testing.T) {
	rv, c, _ := newReceiver(t, Options{Listen: "http://127.0.0.1:9"})
	send(rv, "POST", "/t1", "{}")
	w := send(rv, "GET", "/_hooklimit/stats", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"requests":1,`) || !strings.Contains(w.Body.String(), `"partitions":1`) {
		t.Errorf("stats: %d %s", w.Code, w.Body)
	}
	// The recorder's counts leave the newest records in the reorder
	// window: once the clock has moved past it, a tick hands them over.
	c.Add(time.Second)
	for range 100 {
		if w = send(rv, "GET", "/_hooklimit/stats", ""); strings.Contains(w.Body.String(), `"events":1,`) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(w.Body.String(), `"events":1,`) {
		t.Errorf("stats: %d %s", w.Code, w.Body)
	}
	for f, want := range map[string]string{"": `"kind": "serve"`, "table": "hooklimit serve: PASS", "markdown": "**hooklimit serve: PASS**", "junit": "<testsuites"} {
		w := send(rv, "GET", "/_hooklimit/report?format="+f, "")
		if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("report %q: %d %s", f, w.Code, w.Body)
		}
	}
	if w := send(rv, "GET", "/_hooklimit/report?format=html", ""); w.Code != 400 {
		t.Errorf("bad format: %d", w.Code)
	}
	if w := send(rv, "POST", "/_hooklimit/stats", ""); w.Code != 405 {
		t.Errorf("POST stats: %d", w.Code)
	}
	if n := rv.Result(false).Requests.Total; n != 1 {
		t.Errorf("control requests were counted: %d", n)
	}
}

// TestReceiverDropsCounted: when the recorder is stuck and the buffer
// full, requests are still answered, and the records that could not wait
// are counted, never lost silently.
func TestReceiverDropsCounted(t *testing.T) {
	rv, c, _ := newReceiver(t, Options{Buffer: 4, BlockFor: time.Millisecond})
	release := make(chan struct{})
	stuck := make(chan struct{})
	go rv.pipe.do(func() { close(stuck); <-release }, false)
	<-stuck
	for i := range 50 {
		c.Add(time.Second)
		if w := send(rv, "POST", "/t1", fmt.Sprint(i)); w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
	}
	close(release)
	res := rv.Result(false)
	if res.Requests.Dropped == 0 || res.Requests.Dropped+res.Requests.Total != 50 {
		t.Errorf("dropped %d, recorded %d", res.Requests.Dropped, res.Requests.Total)
	}
}

// TestReceiverOrdersRecords: records pushed out of time order reach the
// recorder in order.
func TestReceiverOrdersRecords(t *testing.T) {
	rv, _, out := newReceiver(t, Options{})
	for _, ms := range []int64{30, 10, 20, 0} {
		rv.pipe.push(&session.Record{Seq: uint64(ms), Time: at0.UnixNano() + ms*1e6, Key: "t1", Keyed: true, Status: 200})
	}
	flush(t, rv)
	var seqs []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		seqs = append(seqs, line[strings.Index(line, `"seq":`)+6:strings.Index(line, `,"time"`)])
	}
	if got := strings.Join(seqs, ","); got != "0,10,20,30" {
		t.Errorf("order %s", got)
	}
}

// TestReceiverNotWebhooks: TRACE, CONNECT and the HTTP/2 preface are
// answered 405 with an Allow header, and neither recorded nor counted.
func TestReceiverNotWebhooks(t *testing.T) {
	rv, _, _ := newReceiver(t, Options{})
	reqs := []*http.Request{
		httptest.NewRequest(http.MethodTrace, "/hooks/t1", nil),
		httptest.NewRequest(http.MethodTrace, "/_hooklimit/stats", nil),
		httptest.NewRequest(http.MethodConnect, "/", nil),
		httptest.NewRequest("PRI", "/", nil),
	}
	reqs[2].URL.Path, reqs[2].RequestURI, reqs[2].Host = "", "example.com:443", "example.com:443"
	reqs[3].URL.Path, reqs[3].RequestURI, reqs[3].Proto = "*", "*", "HTTP/2.0"
	for _, r := range reqs {
		w := httptest.NewRecorder()
		rv.ServeHTTP(w, r)
		if w.Code != 405 || w.Header().Get("Allow") != webhookMethods || strings.Contains(w.Header().Get("Allow"), r.Method) {
			t.Errorf("%s %s: %d, Allow %q", r.Method, r.RequestURI, w.Code, w.Header().Get("Allow"))
		}
	}
	if w := send(rv, "POST", "/hooks/t1", "{}"); w.Code != 200 {
		t.Fatalf("POST: %d", w.Code)
	}
	if st := rv.Stats(); st.Requests != 1 || st.Partitions != 1 {
		t.Errorf("stats %+v", st)
	}
	if res := rv.Result(false); res.Requests.Total != 1 || res.Input.Records != 1 {
		t.Errorf("recorded %d requests, %d arrivals", res.Requests.Total, res.Input.Records)
	}
}

// TestReceiverEmptyBodiesPerKey: requests without an id on different keys
// or paths are different events, even with the same (empty) body; on the
// same key and path they are retries of one.
func TestReceiverEmptyBodiesPerKey(t *testing.T) {
	key, _ := limitsim.ParseKeySource("header:X-Tenant")
	for _, tt := range []struct {
		name   string
		opt    Options
		reqs   [][2]string // path, tenant
		events int64
	}{
		{"path keys", Options{}, [][2]string{{"/hooks/a", ""}, {"/hooks/b", ""}, {"/hooks/a", ""}}, 2},
		{"header keys", Options{Key: key}, [][2]string{{"/h", "a"}, {"/h", "b"}, {"/h", "b"}}, 2},
		{"same key, other paths", Options{Key: key}, [][2]string{{"/h1", "a"}, {"/h2", "a"}}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rv, c, _ := newReceiver(t, tt.opt)
			for _, q := range tt.reqs {
				c.Add(time.Second)
				if w := send(rv, "POST", q[0], "", "X-Tenant", q[1]); w.Code != 200 {
					t.Fatalf("%v: %d", q, w.Code)
				}
			}
			d := rv.Result(false).Delivery
			if d.Events != tt.events || d.IDs.Hash != tt.events || d.Duplicates != int64(len(tt.reqs))-tt.events {
				t.Errorf("events %d (hash %d), duplicates %d; want %d events", d.Events, d.IDs.Hash, d.Duplicates, tt.events)
			}
		})
	}
	if bodyEventHash(1, "ab", "c") == bodyEventHash(1, "a", "bc") {
		t.Error("key and path run together")
	}
}
