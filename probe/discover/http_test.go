package discover

import (
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
)

// These tests probe HTTP servers: the project's own simulator handler
// (what `hooklimit serve` runs), and in discover_real_test.go limiters no
// one here wrote. The handlers written in Go are served in memory inside a
// synctest bubble, so that a minute of probing takes a minute of virtual
// time and no time of this machine; the real peers are probed on loopback
// in real time, briefly. They assert what was found within tolerances
// about the limits, never about this machine's speed, and each is bounded
// by its caps.

// profileHandler returns limitsim's handler for p on the clock time.Now
// reads: virtual inside a synctest bubble. Its partition t1 is at
// memURL.
func profileHandler(t *testing.T, p *limitsim.Profile) http.Handler {
	t.Helper()
	h, err := limitsim.NewHandler(limitsim.HandlerOptions{Profile: p, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// memURL is the URL of the targets served in memory; no socket is opened.
const memURL = "http://probe.test/hooks/t1"

// discoverHTTP probes url with o through a probe.HTTPSender and returns what
// was found. When h is not nil, the sender's requests go to h in memory
// (see memhttp.Transport) instead of a socket.
func discoverHTTP(t *testing.T, url string, h http.Handler, o DiscoverOptions) *Discovery {
	t.Helper()
	s, err := probe.NewHTTPSender(url, "", nil, 5*time.Second, DefaultProbeInFlight)
	if err != nil {
		t.Fatal(err)
	}
	if h != nil {
		s.SetTransport(memhttp.Transport{Handler: h})
	}
	t.Cleanup(s.Close)
	o.Sender = s
	ctx, cancel := context.WithTimeout(context.Background(), o.MaxDuration+30*time.Second)
	defer cancel()
	d, err := Discover(ctx, o)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if d.Requests > o.MaxRequests {
		t.Errorf("%d requests over the cap of %d", d.Requests, o.MaxRequests)
	}
	t.Logf("burst %d; inferred %s; rate %+v; findings %+v", d.Burst.Admitted, inferredString(d.Inferred), d.Rate, d.Findings)
	return d
}

// within reports whether got is within tol (a fraction) of want.
func within(got, want int64, tol float64) bool {
	return math.Abs(float64(got-want)) <= tol*float64(want)
}

// wantInferred checks that d found limit per window within tol.
func wantInferred(t *testing.T, d *Discovery, window, limit int64, tol float64) {
	t.Helper()
	for _, l := range d.Inferred {
		if l.WindowSeconds == window {
			if !within(l.Limit, limit, tol) {
				t.Errorf("inferred %d per %ds, want %d within %.0f%%", l.Limit, window, limit, tol*100)
			}
			return
		}
	}
	t.Errorf("no limit inferred per %ds (want %d); inferred %s; steps %+v", window, limit, inferredString(d.Inferred), d.Steps)
}

func hasFinding(d *Discovery, code string) bool {
	for _, f := range d.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

func parseProfile(t *testing.T, name, yaml string) *limitsim.Profile {
	t.Helper()
	p, err := limitsim.ParseProfile(name, []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDiscoverHTTPRewst probes Rewst at its real numbers with the caps of
// the example, over HTTP in virtual time: 25 per second and 1,000
// per minute, the second found by keeping just under the first until a
// long Retry-After, whose end is checked exactly and clearly before.
func TestDiscoverHTTPRewst(t *testing.T) {
	t.Parallel()
	synctest.Test(t, testDiscoverHTTPRewst)
}

func testDiscoverHTTPRewst(t *testing.T) {
	d := discoverHTTP(t, memURL, profileHandler(t, builtin(t, "rewst")), DiscoverOptions{MaxRequests: 3000, MaxDuration: 90 * time.Second})
	if d.Burst.Admitted != 25 {
		t.Errorf("burst %d, want 25", d.Burst.Admitted)
	}
	wantInferred(t, d, 1, 25, 0.1)
	wantInferred(t, d, 60, 1000, 0.02)
	early := false
	for _, c := range d.RetryAfter {
		if c.Checked && !c.Admitted {
			t.Errorf("rejected at exactly the Retry-After: %+v", c)
		}
		early = early || (c.EarlySent && c.EarlyOK)
	}
	if !early {
		t.Errorf("no request was sent, and rejected, clearly before a Retry-After ended: %+v", d.RetryAfter)
	}
	if len(d.Findings) != 0 {
		t.Errorf("findings on the simulator: %+v", d.Findings)
	}
}

// TestDiscoverHTTPShortProfiles probes the other built-in profiles over
// HTTP in virtual time. Salesbuildr and perwebhook run at their real numbers; Workato and
// Autotask are scaled-down copies of the same shape, since probing 18,000
// or 10,000 requests would take too long: Workato's events are credits of
// 5/s with a 100 burst (real: 20/s, 18,000) and its bytes credits of 30 KB
// a tick with a 30 KB burst (real: 30 MB a minute, 30 MB; the tick is an
// hour here so that no tick falls inside the bytes step); Autotask is a
// sliding window of 50 per 10 s (real: 10,000 per hour) without headers.
func TestDiscoverHTTPShortProfiles(t *testing.T) {
	t.Parallel()
	workato := parseProfile(t, "workato-small.yaml", `extends: workato
limits:
  events: {quota: 5, burst: 100}
  bytes: {quota: 30KB, burst: 30KB, per: 1h}
`)
	autotask := parseProfile(t, "autotask-small.yaml", `extends: autotask
limits:
  per_hour: {quota: 50, per: 10s}
`)
	tests := []struct {
		name    string
		p       *limitsim.Profile
		o       DiscoverOptions
		burst   int64
		windows [][2]int64 // window, limit
		finding string
	}{
		{"salesbuildr", builtin(t, "salesbuildr"), DiscoverOptions{MaxRequests: 1500, MaxDuration: 20 * time.Second}, 500, [][2]int64{{600, 500}}, ""},
		{"perwebhook", builtin(t, "perwebhook"), DiscoverOptions{MaxRequests: 500, MaxDuration: 8 * time.Second}, 60, [][2]int64{{60, 60}}, Code429NoRetryAfter},
		{"workato-small", workato, DiscoverOptions{MaxRequests: 1500, MaxDuration: 45 * time.Second, ByteSize: 4000}, 105, [][2]int64{{1, 5}}, ""},
		{"autotask-small", autotask, DiscoverOptions{MaxRequests: 1500, MaxDuration: 30 * time.Second}, 50, [][2]int64{{10, 50}}, Code429NoRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				if tt.name == "perwebhook" {
					// Fixed calendar minutes: start away from a boundary, so
					// that the probe sees one minute.
					for s := time.Now().Second(); s < 2 || s > 45; s = time.Now().Second() {
						time.Sleep(200 * time.Millisecond)
					}
				}
				d := discoverHTTP(t, memURL, profileHandler(t, tt.p), tt.o)
				if !within(d.Burst.Admitted, tt.burst, 0.1) {
					t.Errorf("burst %d, want %d within 10%%", d.Burst.Admitted, tt.burst)
				}
				for _, w := range tt.windows {
					wantInferred(t, d, w[0], w[1], 0.1)
				}
				if tt.finding != "" && !hasFinding(d, tt.finding) {
					t.Errorf("no finding %s: %+v", tt.finding, d.Findings)
				}
				for _, f := range d.Findings {
					if f.Code != tt.finding {
						t.Errorf("unexpected finding %+v", f)
					}
				}
				if tt.o.ByteSize > 0 {
					if d.Bytes == nil || !d.Bytes.Limited || !within(d.Bytes.AdmittedBytes, 60000, 0.1) {
						t.Errorf("bytes: %+v, want about 60,000 admitted (30 KB fresh + 30 KB burst)", d.Bytes)
					}
				}
			})
		})
	}
}

// TestDiscoverHTTPUnreachable: a closed port is exit 3 after one request.
func TestDiscoverHTTPUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	s, err := probe.NewHTTPSender(url, "", nil, time.Second, 1)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Discover(context.Background(), DiscoverOptions{Sender: s, MaxDuration: 5 * time.Second})
	if err == nil || d.Requests != 1 {
		t.Fatalf("Discover = %d requests, %v; want one request and an error", d.Requests, err)
	}
}
