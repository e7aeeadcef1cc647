package limitsim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// frozen returns a clock stopped at the instant ns.
func frozen(ns int64) func() time.Time { return func() time.Time { return time.Unix(0, ns) } }

// fakeClock is a clock that moves only when told to.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) Now() time.Time { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Set(ns int64)   { c.ns.Store(ns) }
func newClock(ns int64) *fakeClock  { c := &fakeClock{}; c.Set(ns); return c }
func post(target, body string) *http.Request {
	return httptest.NewRequest("POST", target, strings.NewReader(body))
}

func newHandler(t testing.TB, opt HandlerOptions) *Handler {
	t.Helper()
	h, err := NewHandler(opt)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandlerRewst25thAnd26th(t *testing.T) {
	clock := newClock(at0)
	h := newHandler(t, HandlerOptions{Profile: mustBuiltin(t, "rewst"), Now: clock.Now})
	for i := 1; i <= 25; i++ {
		w := serve(h, post("/hooks/trigger-1", `{"n":1}`))
		if w.Code != 200 || w.Body.String() != `{"status":"accepted"}` || w.Header().Get("Retry-After") != "" {
			t.Fatalf("request %d: %d %q %v", i, w.Code, w.Body, w.Header())
		}
	}
	w := serve(h, post("/hooks/trigger-1", `{"n":1}`))
	if w.Code != 429 || w.Header().Get("Retry-After") != "1" || w.Body.String() != "429 Too Many Requests\n" {
		t.Fatalf("26th: %d %v %q", w.Code, w.Header(), w.Body)
	}
	// Another trigger is another partition.
	if w := serve(h, post("/hooks/trigger-2", "")); w.Code != 200 {
		t.Errorf("other trigger: %d", w.Code)
	}
	clock.Set(at0 + oneSec)
	if w := serve(h, post("/hooks/trigger-1", "")); w.Code != 200 {
		t.Errorf("at t0+1s: %d", w.Code)
	}
}

// TestHandlerDialects runs every built-in profile to its first 429 through
// the handler, speaking its own dialect and the IETF fields.
func TestHandlerDialects(t *testing.T) {
	for _, c := range []struct {
		profile string
		n       int // admitted at one instant
		size    int
		want    []string // headers on the 429
		ct      string   // 429 content type
	}{
		{"rewst", 25, 10, []string{"Retry-After"}, "text/plain; charset=utf-8"},
		{"workato", 120, 10, []string{"Retry-After", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "X-Byte-Limit-Remaining", "X-Byte-Limit-Reset"}, "text/plain; charset=utf-8"},
		{"salesbuildr", 500, 0, []string{"Retry-After", "X-RateLimit-Remaining"}, "text/plain; charset=utf-8"},
		{"autotask", 100, 0, nil, "text/plain; charset=utf-8"},
		{"perwebhook", 60, 0, []string{"X-RateLimit-Limit-Minute", "X-RateLimit-Remaining-Day"}, "application/json"},
	} {
		t.Run(c.profile, func(t *testing.T) {
			p := smallBuiltin(t, c.profile)
			h := newHandler(t, HandlerOptions{Profile: p, Dialects: []string{p.Dialect, "ietf"}, Now: frozen(at0)})
			body := strings.Repeat("x", c.size)
			for i := range c.n {
				if w := serve(h, post("/k", body)); w.Code != 200 {
					t.Fatalf("request %d: %d", i+1, w.Code)
				}
			}
			w := serve(h, post("/k", body))
			if w.Code != 429 || w.Header().Get("Content-Type") != c.ct {
				t.Fatalf("request %d: %d %s", c.n+1, w.Code, w.Header().Get("Content-Type"))
			}
			for _, k := range append(c.want, "RateLimit", "RateLimit-Policy") {
				if w.Header().Get(k) == "" {
					t.Errorf("no %s in %v", k, w.Header())
				}
			}
			if p.Dialect == "perwebhook" && !strings.Contains(w.Body.String(), "minute_limit_exceeded") {
				t.Errorf("body %s", w.Body)
			}
		})
	}
}

// smallBuiltin is the built-in profile name with its largest quotas made
// small, so that tests of the handler (headers, keys, concurrency) fill
// them with a few hundred requests under -race: Workato's store of 18,000
// becomes 100 and Autotask's 10,000 an hour 100 an hour. The limits at
// their real sizes are tested on the partitions (limit_test.go) and by
// the scripts of cmd/hooklimit.
func smallBuiltin(t testing.TB, name string) *Profile {
	t.Helper()
	p := mustBuiltin(t, name)
	switch name {
	case "workato":
		p.Limits[0].Burst = 100
	case "autotask":
		p.Limits[0].Quota = 100
	}
	return p
}

func TestHandlerKeySources(t *testing.T) {
	for _, c := range []struct {
		source, target string
		header         string // X-Hook value
		key            string
		ok             bool
	}{
		{"", "/hooks/abc", "", "abc", true},
		{"", "/hooks/abc/", "", "abc", true},
		{"path", "/", "", "", true},
		{"", "/", "", "", true},
		{"path:0", "/hooks/abc/x", "", "hooks", true},
		{"path:1", "/hooks/abc/x", "", "abc", true},
		{"path:-2", "//hooks//abc/x", "", "abc", true},
		{"path:5", "/hooks/abc", "", "", true},
		{"/hooks/{key}", "/hooks/abc", "", "abc", true},
		{"/hooks/{key}", "/hooks/abc/events", "", "abc", true},
		{"/hooks/{key}/events", "/hooks/abc/events", "", "abc", true},
		{"/hooks/{key}", "/other/abc", "", "", false},
		{"/hooks/{key}", "/hooks", "", "", false},
		{"/{key}", "/a%2Fb/c", "", "a/b", true},
		{"header:X-Hook", "/x", "tenant-7", "tenant-7", true},
		{"header:x-hook", "/x", "tenant-7", "tenant-7", true},
		{"header:X-Hook", "/x", "", "", true},
		{"query:trigger", "/x?trigger=t9&a=1", "", "t9", true},
		{"query:trigger", "/x", "", "", true},
	} {
		ks, err := ParseKeySource(c.source)
		if err != nil {
			t.Fatalf("ParseKeySource(%q): %v", c.source, err)
		}
		r := httptest.NewRequest("POST", c.target, nil)
		if c.header != "" {
			r.Header.Set("X-Hook", c.header)
		}
		key, ok := ks.Key(r)
		if key != c.key || ok != c.ok {
			t.Errorf("%s on %s: %q, %v; want %q, %v", c.source, c.target, key, ok, c.key, c.ok)
		}
	}
	for _, bad := range []string{"paths", "path:", "path:x", "header:", "header:a b", "query:", "query:a=b", "/hooks", "/hooks/{key}/{key}", "/h{x}/{key}", "cookie:a"} {
		if _, err := ParseKeySource(bad); err == nil {
			t.Errorf("ParseKeySource(%q) succeeded", bad)
		}
	}

	// End to end: a pattern keys partitions, and a path outside it is 404.
	ks, _ := ParseKeySource("/hooks/{key}")
	var keys []string
	var mu sync.Mutex
	h := newHandler(t, HandlerOptions{Profile: mustBuiltin(t, "rewst"), Key: ks, Now: frozen(at0),
		OnDecision: func(_ *http.Request, key, _ string, _ int64, _ *Decision) {
			mu.Lock()
			keys = append(keys, key)
			mu.Unlock()
		}})
	if w := serve(h, post("/elsewhere", "")); w.Code != 404 {
		t.Errorf("outside the pattern: %d", w.Code)
	}
	serve(h, post("/hooks/a/x", ""))
	if want := []string{"", "a"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %q, want %q", keys, want)
	}
}

func TestHandlerBodies(t *testing.T) {
	type seen struct {
		size int64
		d    *Decision
	}
	var last seen
	opt := HandlerOptions{Profile: mustBuiltin(t, "workato"), Now: frozen(at0),
		OnDecision: func(_ *http.Request, _, _ string, size int64, d *Decision) {
			last = seen{size, nil}
			if d != nil { // d is the handler's once the call returns: keep a copy
				dd := *d
				dd.Limits = slices.Clone(d.Limits)
				last.d = &dd
			}
		}}
	h := newHandler(t, opt)
	if got, want := h.MaxBody(), int64(DefaultMaxBody+60_000_000); got != want {
		t.Errorf("default MaxBody %d, want %d", got, want)
	}
	// The size is what was read, whatever Content-Length says.
	r := post("/w", "12345")
	r.ContentLength = -1
	if w := serve(h, r); w.Code != 200 || last.size != 5 || last.d == nil || last.d.Limits[1].Cost != 5 {
		t.Fatalf("5 bytes: %d, size %d", w.Code, last.size)
	}
	if w := serve(h, post("/w", "")); w.Code != 200 || w.Header().Get("X-Byte-Limit-Remaining") != "59999995" {
		t.Errorf("after 5 bytes: %d %v", w.Code, w.Header())
	}
	// Larger than the 60 MB the byte limit can ever hold: 413, no
	// Retry-After. /w2 is another trigger of the same workspace, so the 5
	// bytes of /w still count.
	r = httptest.NewRequest("POST", "/w2", io.LimitReader(zeros{}, 60_000_001))
	w := serve(h, r)
	if w.Code != 413 || w.Header().Get("Retry-After") != "" || w.Header().Get("X-Byte-Limit-Remaining") != "59999995" || last.d == nil || last.d.RetryAt != Never {
		t.Errorf("60 MB + 1: %d %v %q", w.Code, w.Header(), w.Body)
	}

	// Over MaxBody: 413 without a decision, read, announced, or read past
	// a Content-Length that said less (a handler called directly).
	opt.MaxBody = 100
	h = newHandler(t, opt)
	for _, r := range []*http.Request{post("/w", strings.Repeat("x", 101)), withLength(post("/w", ""), 101),
		withLength(post("/w", strings.Repeat("x", 101)), 10), withLength(post("/w", strings.Repeat("x", 5000)), 10)} {
		w := serve(h, r)
		if w.Code != 413 || last.d != nil || !strings.Contains(w.Body.String(), "over 100 bytes") {
			t.Errorf("over MaxBody: %d %q, decision %v", w.Code, w.Body, last.d)
		}
	}
	for _, n := range []int64{100, 10} { // the Content-Length, right or short
		if w := serve(h, withLength(post("/w", strings.Repeat("x", 100)), n)); w.Code != 200 || last.size != 100 {
			t.Errorf("at MaxBody, Content-Length %d: %d, size %d", n, w.Code, last.size)
		}
	}
	// A body that fails to read: 400.
	r = httptest.NewRequest("POST", "/w", io.MultiReader(strings.NewReader("ab"), errReader{}))
	if w := serve(h, r); w.Code != 400 || last.d != nil || last.size != 2 {
		t.Errorf("broken body: %d, size %d", w.Code, last.size)
	}
}

func withLength(r *http.Request, n int64) *http.Request { r.ContentLength = n; return r }

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestNewHandlerErrors(t *testing.T) {
	p := mustBuiltin(t, "rewst")
	bad := p.Clone()
	bad.Dialect = "nope"
	for name, opt := range map[string]HandlerOptions{
		"no profile":      {Now: frozen(0)},
		"no clock":        {Profile: p},
		"other sim":       {Profile: p, Sim: NewSimulator(mustBuiltin(t, "rewst")), Now: frozen(0)},
		"bad dialect":     {Profile: p, Dialects: []string{"rewst,nope"}, Now: frozen(0)},
		"invalid profile": {Profile: bad, Now: frozen(0)},
	} {
		if _, err := NewHandler(opt); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	sim := NewSimulator(p)
	h := newHandler(t, HandlerOptions{Sim: sim, Now: frozen(0)})
	if h.Simulator() != sim || h.Dialect().Name() != "rewst" || h.MaxBody() != DefaultMaxBody {
		t.Errorf("from Sim: %v %s %d", h.Simulator(), h.Dialect().Name(), h.MaxBody())
	}
}

// TestHandlerConcurrentExact sends many requests at one frozen instant from
// many goroutines: exactly the documented number is admitted.
func TestHandlerConcurrentExact(t *testing.T) {
	for _, c := range []struct {
		profile          string
		goroutines, each int
		want             int64
	}{
		{"rewst", 50, 40, 25},        // 25 per second
		{"workato", 50, 10, 120},     // 20 fresh credits + a store of 100 (smallBuiltin)
		{"perwebhook", 20, 10, 60},   // 60 per calendar minute
		{"salesbuildr", 40, 25, 500}, // 500 per 10 minutes
	} {
		t.Run(c.profile, func(t *testing.T) {
			var admitted, decided atomic.Int64
			h := newHandler(t, HandlerOptions{Profile: smallBuiltin(t, c.profile), Dialects: []string{c.profile + ",ietf"}, Now: frozen(at0),
				OnDecision: func(_ *http.Request, _, _ string, _ int64, d *Decision) { decided.Add(1) }})
			var wg sync.WaitGroup
			for range c.goroutines {
				wg.Go(func() {
					for range c.each {
						if w := serve(h, post("/hooks/one", "{}")); w.Code == 200 {
							admitted.Add(1)
						} else if w.Code != 429 {
							t.Errorf("status %d", w.Code)
						}
					}
				})
			}
			wg.Wait()
			if admitted.Load() != c.want || decided.Load() != int64(c.goroutines*c.each) {
				t.Errorf("admitted %d of %d, want %d (decided %d)", admitted.Load(), c.goroutines*c.each, c.want, decided.Load())
			}
		})
	}
}

func FuzzParseKeySource(f *testing.F) {
	for _, s := range []string{"", "path", "path:2", "path:-1", "/hooks/{key}", "/a//{key}/b/", "header:X-Key", "query:k", "path:99999999999", "/{key}/{key}", "header:é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ks, err := ParseKeySource(s)
		if err != nil {
			return
		}
		again, err := ParseKeySource(ks.String())
		if err != nil || !reflect.DeepEqual(ks, again) {
			t.Fatalf("%q -> %q -> %#v, %v; want %#v", s, ks.String(), again, err, ks)
		}
	})
}

// FuzzHandler feeds arbitrary paths, queries, header values and key
// sources to the handler: it never panics and answers one of its statuses.
func FuzzHandler(f *testing.F) {
	f.Add("/hooks/abc", "a=1", "v", "/hooks/{key}", []byte("{}"))
	f.Add("", "", "", "header:X-Key", []byte(nil))
	f.Add("//../\x00", "%zz;&=", "\r\n", "query:%", []byte("x"))
	f.Add("/a/b/c", "k=1&k=2", "é", "path:-3", []byte("0123456789"))
	f.Fuzz(func(t *testing.T, path, query, value, source string, body []byte) {
		ks, err := ParseKeySource(source)
		if err != nil {
			ks = KeySource{}
		}
		h := newHandler(t, HandlerOptions{Profile: mustBuiltin(t, "workato"), Dialects: []string{"workato,ietf,perwebhook"}, Key: ks, MaxBody: 64, Now: frozen(at0)})
		r := &http.Request{Method: "POST", URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{"X-Key": {value}},
			Body: io.NopCloser(strings.NewReader(string(body))), ContentLength: int64(len(body))}
		switch w := serve(h, r); w.Code {
		case 200, 404, 413, 429:
		default:
			t.Fatalf("status %d", w.Code)
		}
	})
}

// BenchmarkHandlerParallel measures decisions per second through ServeHTTP
// from GOMAXPROCS goroutines, on one partition key (all goroutines contend
// for one lock) and on 10,000 keys. Virtual time advances 1 µs per request.
func BenchmarkHandlerParallel(b *testing.B) {
	for _, c := range []struct {
		name, profile, dialects string
		keys                    int
	}{
		{"rewst/one-key", "rewst", "rewst", 1},
		{"rewst/many-keys", "rewst", "rewst", 10000},
		{"workato+ietf/one-key", "workato", "workato,ietf", 1},
		{"workato+ietf/many-keys", "workato", "workato,ietf", 10000},
	} {
		b.Run(c.name, func(b *testing.B) {
			var clock atomic.Int64
			clock.Store(at0)
			h := newHandler(b, HandlerOptions{Profile: mustBuiltin(b, c.profile), Dialects: []string{c.dialects},
				Now: func() time.Time { return time.Unix(0, clock.Add(1000)) }})
			paths := make([]string, c.keys)
			for i := range paths {
				paths[i] = "/hooks/k" + strconv.Itoa(i)
			}
			var seed atomic.Int64
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &discardWriter{h: http.Header{}}
				body := &rewindBody{data: []byte(`{"event":"ticket.updated","id":12345}`)}
				r := httptest.NewRequest("POST", "/", nil)
				r.Body, r.ContentLength = body, int64(len(body.data))
				i := int(seed.Add(1)) * 7919
				for pb.Next() {
					i++
					r.URL.Path = paths[i%len(paths)]
					body.off = 0
					clear(w.h)
					h.ServeHTTP(w, r)
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
		})
	}
}

type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// rewindBody is a request body that can be read again.
type rewindBody struct {
	data []byte
	off  int
}

func (b *rewindBody) Read(p []byte) (int, error) {
	if b.off >= len(b.data) {
		return 0, io.EOF
	}
	n := copy(p, b.data[b.off:])
	b.off += n
	return n, nil
}

func (b *rewindBody) Close() error { return nil }
