package limitsim

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/golden"
)

// at0 is a fixed instant on a whole second, 15 s into a minute: Tuesday
// 2026-02-17 09:30:15 UTC, the day Rewst enables its limits.
var at0 = time.Date(2026, 2, 17, 9, 30, 15, 0, time.UTC).UnixNano()

const oneSec = int64(time.Second)

// send decides n requests of size bytes at now and returns the last decision.
func send(pt *Partition, n int, now, size int64) Decision {
	var d Decision
	for range n {
		d = pt.Decide(now, size)
	}
	return d
}

func mustBuiltin(t testing.TB, name string) *Profile {
	t.Helper()
	p, ok := Builtin(name)
	if !ok {
		t.Fatalf("no built-in profile %q", name)
	}
	return p
}

func mustDialect(t testing.TB, names ...string) Dialect {
	t.Helper()
	dl, err := Dialects(names...)
	if err != nil {
		t.Fatal(err)
	}
	return dl
}

// render is the answer a dialect gives to d: status, sorted headers and,
// for a 429, the body.
func render(dl Dialect, p *Profile, d *Decision) string {
	h := http.Header{}
	dl.WriteHeaders(h, p, d)
	status := http.StatusOK
	var body []byte
	switch {
	case d.RetryAt == Never:
		status = http.StatusRequestEntityTooLarge
	case !d.Admitted:
		status = http.StatusTooManyRequests
		var ct string
		ct, body = dl.RejectBody(p, d)
		if ct != "" {
			h.Set("Content-Type", ct)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s\n", status, http.StatusText(status))
	h.Write(&b)
	if body != nil {
		b.WriteString("\n" + strings.TrimSuffix(string(body), "\n") + "\n")
	}
	return strings.ReplaceAll(b.String(), "\r\n", "\n")
}

// goldenScenarios bring a fresh partition of each built-in profile to its
// first rejection at at0 and return the last admitted and the first rejected
// decision.
var goldenScenarios = map[string]func(pt *Partition) (ok, rejected Decision){
	"rewst": func(pt *Partition) (Decision, Decision) {
		return send(pt, 25, at0, 0), pt.Decide(at0, 0)
	},
	"workato": func(pt *Partition) (Decision, Decision) {
		return send(pt, 18020, at0, 1000), pt.Decide(at0, 1000)
	},
	"rewst@2026-02-18": func(pt *Partition) (Decision, Decision) {
		return send(pt, 50, at0, 0), pt.Decide(at0, 0)
	},
	"workato@r1": func(pt *Partition) (Decision, Decision) {
		return send(pt, 18020, at0, 1000), pt.Decide(at0, 1000)
	},
	"workato@r2": func(pt *Partition) (Decision, Decision) {
		return send(pt, 9020, at0, 1000), pt.Decide(at0, 1000)
	},
	"workato@r3": func(pt *Partition) (Decision, Decision) {
		return send(pt, 1020, at0, 1000), pt.Decide(at0, 1000)
	},
	"salesbuildr": func(pt *Partition) (Decision, Decision) {
		return send(pt, 500, at0-oneSec, 0), pt.Decide(at0, 0)
	},
	"autotask": func(pt *Partition) (Decision, Decision) {
		return send(pt, 10000, at0-oneSec, 0), pt.Decide(at0, 0)
	},
	// The document's example: 4,500 today, 450 this hour, 60 this minute.
	"perwebhook": func(pt *Partition) (Decision, Decision) {
		day := at0 - (9*3600+30*60+15)*oneSec // 00:00:00
		for h := range int64(9) {             // 450 in each of hours 0-8: 4,050
			for m := range int64(45) {
				send(pt, 10, day+h*3600*oneSec+m*60*oneSec, 0)
			}
		}
		for m := range int64(30) { // 13 in each of 09:00-09:29: 390
			send(pt, 13, day+9*3600*oneSec+m*60*oneSec, 0)
		}
		return send(pt, 60, at0, 0), pt.Decide(at0, 0)
	},
}

func TestDialectGoldens(t *testing.T) {
	for _, p := range Builtins() {
		scenario := goldenScenarios[p.Name]
		ok, rejected := scenario(p.NewPartition())
		if !ok.Admitted || rejected.Admitted {
			t.Fatalf("%s: scenario gave admitted=%v, rejected=%v", p.Name, ok.Admitted, !rejected.Admitted)
		}
		lists := [][]string{{p.Dialect}, {"ietf"}}
		if p.Name == "workato" {
			lists = append(lists, []string{"workato", "ietf"})
		}
		for _, names := range lists {
			dl := mustDialect(t, names...)
			for _, c := range []struct {
				state string
				d     *Decision
			}{{"admitted", &ok}, {"rejected", &rejected}} {
				name := p.Name + "." + strings.ReplaceAll(dl.Name(), ",", "+") + "." + c.state
				t.Run(name, func(t *testing.T) {
					got := "# profile " + p.Name + ", dialect " + dl.Name() + ", " + c.state + " at " +
						time.Unix(0, c.d.Now).UTC().Format(time.RFC3339Nano) + "\n" + render(dl, p, c.d)
					golden.Assert(t, filepath.Join("testdata", "headers", name+".golden"), []byte(got))
				})
			}
		}
	}
}

// hdr is a step of a boundary test: at a time, after some requests, the
// headers a dialect must send. "-" means the header must be absent.
type hdr map[string]string

func checkHeaders(t *testing.T, what string, dl Dialect, p *Profile, d *Decision, want hdr) {
	t.Helper()
	h := http.Header{}
	dl.WriteHeaders(h, p, d)
	for k, v := range want {
		got, present := h.Get(k), len(h.Values(k)) > 0
		if v == "-" && present {
			t.Errorf("%s: %s = %q, want none", what, k, got)
		} else if v != "-" && got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
}

func TestRewstBoundaries(t *testing.T) {
	p := mustBuiltin(t, "rewst")
	dl := mustDialect(t, "rewst")
	pt := p.NewPartition()
	// 25 in one second fill per_second; rewst sends nothing on a 200.
	d := send(pt, 25, at0, 0)
	checkHeaders(t, "25th", dl, p, &d, hdr{"Retry-After": "-"})
	// The 26th: the entries at at0 leave the window (t-1s, t] at at0+1s.
	d = pt.Decide(at0, 0)
	checkHeaders(t, "26th at at0", dl, p, &d, hdr{"Retry-After": "1"})
	// 1 ms before that, 1 ms to wait: rounded up to 1, never 0.
	d = pt.Decide(at0+oneSec-int64(time.Millisecond), 0)
	checkHeaders(t, "26th at at0+999ms", dl, p, &d, hdr{"Retry-After": "1"})
	if d = pt.Decide(at0+oneSec, 0); !d.Admitted {
		t.Fatal("26th at at0+1s rejected")
	}
	// per_minute: 25 a second at at0..at0+39s is 1,000 (the one above was the
	// first of at0+1s); at at0+40s per_second is free but per_minute waits
	// for the entries of at0 to leave at at0+60s: 20 s.
	send(pt, 24, at0+oneSec, 0)
	for s := int64(2); s < 40; s++ {
		send(pt, 25, at0+s*oneSec, 0)
	}
	d = pt.Decide(at0+40*oneSec, 0)
	checkHeaders(t, "1001st at at0+40s", dl, p, &d, hdr{"Retry-After": "20"})
	if v := d.Violated(); v == nil || v.Limit.Name != "per_minute" {
		t.Errorf("1001st: violated %v, want per_minute", v)
	}
}

func TestWorkatoBoundaries(t *testing.T) {
	p := mustBuiltin(t, "workato")
	dl := mustDialect(t, "workato")
	pt := p.NewPartition()
	// 18,020 events in the second starting at at0: 20 fresh credits, then
	// the 18,000 of the store; none left. The store refills at 20 a second
	// from the end of this second (at0+1s), 900 s later: at0+901s.
	// Retry-After is on every response: on the 18,019th, one credit is
	// left, so the next event would be admitted now (0); on the 18,020th,
	// none is, so the next waits for the tick at at0+1s (1).
	d := send(pt, 18019, at0, 0)
	checkHeaders(t, "18019th", dl, p, &d, hdr{"X-Rate-Limit-Remaining": "1", "Retry-After": "0"})
	d = pt.Decide(at0, 0)
	checkHeaders(t, "18020th", dl, p, &d, hdr{"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "901", "Retry-After": "1",
		"X-Byte-Limit-Remaining": "60000000", "X-Byte-Limit-Reset": "0"})
	// The 18,021st waits for the next second's 20 fresh credits.
	d = pt.Decide(at0, 0)
	checkHeaders(t, "18021st", dl, p, &d, hdr{"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "901", "Retry-After": "1"})
	d = pt.Decide(at0+oneSec/2, 0) // 900.5 s to the refill: 901 rounded up
	checkHeaders(t, "at at0+0.5s", dl, p, &d, hdr{"X-Rate-Limit-Reset": "901", "Retry-After": "1"})
	// One event at at0+1s leaves 19 of 20 fresh credits; unused, they go
	// into the store at at0+2s, which then needs 17,981 more: ceil(17981/20)
	// = 900 ticks, full at at0+902s, 901 s from now.
	d = pt.Decide(at0+oneSec, 0)
	checkHeaders(t, "at at0+1s", dl, p, &d, hdr{"X-Rate-Limit-Remaining": "19", "X-Rate-Limit-Reset": "901", "Retry-After": "0"})
	// Without that event the store would hold 20 at at0+2s and be full at
	// at0+901s: a fresh partition told the same story at at0+1s says 900.
	pt2 := p.NewPartition()
	send(pt2, 18020, at0, 0)
	h := http.Header{}
	dl.WriteHeaders(h, p, &Decision{Now: at0 + oneSec, Admitted: true, Limits: []LimitStatus{{Limit: &p.Limits[0], OK: true,
		Remaining: pt2.limiters[0].Remaining(at0 + oneSec), ResetAt: pt2.limiters[0].ResetAt(at0 + oneSec)}}})
	if got := h.Get("X-Rate-Limit-Reset"); got != "900" {
		t.Errorf("untouched at at0+1s: X-Rate-Limit-Reset %s, want 900", got)
	}

	// Bytes, from the start of a minute: 60 MB fit (30 MB fresh + the 30
	// MB store); the store is full again one silent minute after this one
	// ends, at +120 s. One byte more waits for the next minute: 60 s.
	pt = p.NewPartition()
	m0 := at0 - 15*oneSec
	send(pt, 2, m0, 30_000_000)
	d = pt.Decide(m0, 1)
	checkHeaders(t, "bytes", dl, p, &d, hdr{"X-Byte-Limit-Remaining": "0", "X-Byte-Limit-Reset": "120", "Retry-After": "60",
		"X-Rate-Limit-Remaining": "18018"})
	// A body larger than 60 MB can never be admitted: no Retry-After.
	d = p.NewPartition().Decide(m0, 60_000_001)
	if d.RetryAt != Never {
		t.Fatalf("60 MB + 1: RetryAt %d, want Never", d.RetryAt)
	}
	checkHeaders(t, "60MB+1", dl, p, &d, hdr{"Retry-After": "-", "X-Byte-Limit-Remaining": "60000000"})
}

// TestWorkatoRetryAfterOnAdmitted checks the Retry-After of an admitted
// event at the exact boundary of the credits, away from a whole second,
// and for bytes: the wait until the same event again would be admitted,
// rounded up to whole seconds, 0 only when it would be at once.
func TestWorkatoRetryAfterOnAdmitted(t *testing.T) {
	p := mustBuiltin(t, "workato")
	dl := mustDialect(t, "workato")
	m0 := at0 - 15*oneSec // the start of a minute
	tests := []struct {
		name    string
		run     func(pt *Partition) Decision
		ra      string
		nextAt  int64
		remains string
	}{
		{"18,019 at +0.3s", func(pt *Partition) Decision { return send(pt, 18019, at0+3*oneSec/10, 0) }, "0", at0 + 3*oneSec/10, "1"},
		// 0.7 s to the tick at at0+1s: rounded up to 1.
		{"18,020 at +0.3s", func(pt *Partition) Decision { return send(pt, 18020, at0+3*oneSec/10, 0) }, "1", at0 + oneSec, "0"},
		// 1 ns before the tick: still 1, never 0 while a wait remains.
		{"18,020 at +1s-1ns", func(pt *Partition) Decision { return send(pt, 18020, at0+oneSec-1, 0) }, "1", at0 + oneSec, "0"},
		// The tick's 20 fresh credits spent too: the next tick, at +2s.
		{"then 20 at +1s", func(pt *Partition) Decision { send(pt, 18020, at0, 0); return send(pt, 20, at0+oneSec, 0) }, "1", at0 + 2*oneSec, "0"},
		// Bytes: after 59,998,000 bytes in the first minute, a body of
		// 1,000 fits again now (0); after 60 MB, the same body waits for
		// the next minute's 30 MB, 60 s away.
		{"bytes 1,000 left", func(pt *Partition) Decision {
			send(pt, 2, m0, 29_998_500)
			return pt.Decide(m0, 1000)
		}, "0", m0, "-"},
		{"bytes none left", func(pt *Partition) Decision {
			send(pt, 2, m0, 29_999_000)
			return pt.Decide(m0, 2000)
		}, "60", m0 + 60*oneSec, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.run(p.NewPartition())
			if !d.Admitted {
				t.Fatalf("the last event was rejected")
			}
			if d.NextAt != tt.nextAt {
				t.Errorf("NextAt = %+d ns from the want, want %d", d.NextAt-tt.nextAt, tt.nextAt)
			}
			want := hdr{"Retry-After": tt.ra}
			if tt.remains != "-" {
				want["X-Rate-Limit-Remaining"] = tt.remains
			}
			checkHeaders(t, tt.name, dl, p, &d, want)
		})
	}
}

// TestNextAtEveryKind checks Decision.NextAt and NextAfter of an admitted
// request against each limit kind at its boundary.
func TestNextAtEveryKind(t *testing.T) {
	ms := int64(time.Millisecond)
	tests := []struct {
		name  string
		limit Limit
		at    []int64 // request times, from at0
		next  int64   // NextAt of the last, from at0
		after int64
	}{
		{"window: room left", Limit{Name: "w", Kind: Window, Quota: 3, Per: time.Second}, []int64{0, 200 * ms}, 200 * ms, 0},
		{"window: full", Limit{Name: "w", Kind: Window, Quota: 3, Per: time.Second}, []int64{0, 200 * ms, 500 * ms}, oneSec, 1},
		// at0-8s is 7 s into a 10-second window that ends at at0-5s.
		{"fixed: full at 7s", Limit{Name: "f", Kind: Fixed, Quota: 2, Per: 10 * time.Second}, []int64{-8 * oneSec, -8 * oneSec}, -5 * oneSec, 3},
		{"bucket: empty", Limit{Name: "b", Kind: Bucket, Quota: 5, Per: time.Second, Burst: 2}, []int64{0, 0}, 200 * ms, 1},
		{"credits: last credit", Limit{Name: "c", Kind: Credits, Quota: 1, Per: time.Second, Burst: 1}, []int64{0, 0}, oneSec, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Profile{Name: "x", Dialect: "workato", Limits: []Limit{tt.limit}}
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
			pt := p.NewPartition()
			var d Decision
			for _, a := range tt.at {
				if d = pt.Decide(at0+a, 0); !d.Admitted {
					t.Fatalf("request at %d rejected", a)
				}
			}
			if d.NextAt != at0+tt.next || d.NextAfter() != tt.after {
				t.Errorf("NextAt = at0%+d, NextAfter = %d; want at0%+d, %d", d.NextAt-at0, d.NextAfter(), tt.next, tt.after)
			}
			if r := pt.Decide(at0+tt.next-1, 0); r.Admitted && tt.next > tt.at[len(tt.at)-1] {
				t.Errorf("a request 1 ns before NextAt was admitted")
			}
		})
	}
}

func TestWorkatoRenamedLimits(t *testing.T) {
	p := mustBuiltin(t, "workato")
	p.Limits[0].Name, p.Limits[1].Name = "payload", "hits" // swapped names
	p.Limits[0].Unit = ""                                  // the default unit is requests
	pt := p.NewPartition()
	d := send(pt, 3, at0, 1000)
	checkHeaders(t, "renamed", mustDialect(t, "workato"), p, &d, hdr{"X-Rate-Limit-Remaining": "18017", "X-Byte-Limit-Remaining": "59997000"})
}

func TestSalesbuildrBoundaries(t *testing.T) {
	p := mustBuiltin(t, "salesbuildr")
	dl := mustDialect(t, "salesbuildr")
	pt := p.NewPartition()
	d := send(pt, 499, at0, 0)
	checkHeaders(t, "499th", dl, p, &d, hdr{"X-RateLimit-Remaining": "1", "Retry-After": "-"})
	pt.Decide(at0, 0)
	// The 501st, 1 s later: the 500 of at0 leave the window at at0+600s.
	d = pt.Decide(at0+oneSec, 0)
	checkHeaders(t, "501st", dl, p, &d, hdr{"X-RateLimit-Remaining": "0", "Retry-After": "599"})
	d = pt.Decide(at0+600*oneSec, 0)
	checkHeaders(t, "at at0+600s", dl, p, &d, hdr{"X-RateLimit-Remaining": "499", "Retry-After": "-"})
}

func TestNoneSendsNothing(t *testing.T) {
	p := mustBuiltin(t, "autotask")
	pt := p.NewPartition()
	send(pt, 10000, at0, 0)
	d := pt.Decide(at0, 0)
	h := http.Header{}
	mustDialect(t, "none").WriteHeaders(h, p, &d)
	if d.Admitted || len(h) != 0 {
		t.Errorf("admitted %v, headers %v; want a rejection and no headers", d.Admitted, h)
	}
}

func TestPerwebhookBoundaries(t *testing.T) {
	p := mustBuiltin(t, "perwebhook")
	dl := mustDialect(t, "perwebhook")
	pt := p.NewPartition()
	// Calendar minutes: 60 at 09:30:15, the 61st at 09:30:59.999 waits for
	// 09:31:00, which admits again. The document sends no Retry-After.
	send(pt, 60, at0, 0)
	d := pt.Decide(at0+45*oneSec-1, 0)
	checkHeaders(t, "61st", dl, p, &d, hdr{"X-RateLimit-Remaining-Minute": "0", "X-RateLimit-Limit-Minute": "60", "Retry-After": "-"})
	if d.Admitted {
		t.Fatal("61st admitted")
	}
	d = pt.Decide(at0+45*oneSec, 0)
	checkHeaders(t, "09:31:00", dl, p, &d, hdr{"X-RateLimit-Remaining-Minute": "59", "X-RateLimit-Remaining-Hour": "939", "X-RateLimit-Remaining-Day": "9939"})

	// The hour: from 10:00, 60 a minute for 16 minutes and 40 in the 17th
	// make 1,000; the first of 10:17 exceeds the hour, not the minute.
	pt = p.NewPartition()
	h10 := at0 + (29*60+45)*oneSec
	for m := range int64(16) {
		send(pt, 60, h10+m*60*oneSec, 0)
	}
	send(pt, 40, h10+16*60*oneSec, 0)
	d = pt.Decide(h10+17*60*oneSec, 0)
	checkHeaders(t, "hour", dl, p, &d, hdr{"X-RateLimit-Remaining-Minute": "60", "X-RateLimit-Remaining-Hour": "0", "X-RateLimit-Remaining-Day": "9000", "Retry-After": "-"})
	ct, body := dl.RejectBody(p, &d)
	want := `{"error":{"code":"WEBHOOK_RATE_LIMIT_EXCEEDED","message":"Webhook rate limit exceeded","reason":"hour_limit_exceeded",` +
		`"limits":{"per_minute":{"current":0,"max":60},"per_hour":{"current":1000,"max":1000},"per_day":{"current":1000,"max":10000}}}}`
	if ct != "application/json" || string(body) != want {
		t.Errorf("body %s %s\nwant %s", ct, body, want)
	}
}

// TestPerwebhookMapsByPeriodThenName: a user profile of a 2-minute window
// named "minute" and a 1-hour window named "slow" still fills the Minute and
// Hour headers; a limit that maps to no window names itself in the reason.
func TestPerwebhookMapsByPeriodThenName(t *testing.T) {
	p := &Profile{Name: "custom", Dialect: "perwebhook", Limits: []Limit{
		{Name: "burst", Kind: Window, Quota: 1, Per: oneSecDuration},
		{Name: "minute", Kind: Window, Quota: 5, Per: 2 * time.Minute},
		{Name: "slow", Kind: Window, Quota: 9, Per: time.Hour},
	}}
	pt := p.NewPartition()
	pt.Decide(at0, 0)
	d := pt.Decide(at0, 0)
	dl := mustDialect(t, "perwebhook")
	checkHeaders(t, "custom", dl, p, &d, hdr{"X-RateLimit-Limit-Minute": "5", "X-RateLimit-Remaining-Minute": "4",
		"X-RateLimit-Limit-Hour": "9", "X-RateLimit-Remaining-Hour": "8", "X-RateLimit-Limit-Day": "-"})
	_, body := dl.RejectBody(p, &d)
	if !strings.Contains(string(body), `"reason":"burst_limit_exceeded"`) || strings.Contains(string(body), "per_day") {
		t.Errorf("body %s", body)
	}
}

const oneSecDuration = time.Second
