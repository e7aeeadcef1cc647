package discover

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/probe"
)

// TestDiscoverKindServeProfiles probes the simulator serve stands up with
// a profile of each kind, in virtual time, within 1,500 requests and 40 s
// (the budget for 25/s-class limits is 4,000 and 3 minutes): the
// shortest limit's kind, its alignment and whether rejected requests
// count are what the profile says, and the observations that decided them
// are given.
func TestDiscoverKindServeProfiles(t *testing.T) {
	t.Parallel() // on virtual time: it works while the real servers' tests wait
	yes, no := true, false
	tests := []struct {
		name, limits  string
		countRejected bool
		kinds         string
		alignment     string
		counts        *bool
		limit         int64
		evidence      string
	}{
		{"sliding", "s: {kind: window, quota: 25, per: 1s}", false, "window", "", &no, 25, "one window after its first request"},
		{"fixed", "s: {kind: fixed, quota: 25, per: 1s}", false, "fixed", "second", nil, 25, "so the window is fixed and aligned to the second"},
		{"bucket", "s: {kind: bucket, quota: 25, per: 1s, burst: 25}", false, "bucket", "", &no, 25, "one at a time every 40ms"},
		{"bucket-burst", "s: {kind: bucket, quota: 20, per: 1s, burst: 100}", false, "bucket", "", &no, 20, "one at a time every 50ms"},
		{"credits", "s: {kind: credits, quota: 20, per: 1s, burst: 200}", false, "credits", "second", nil, 20, "credits refilled in whole ticks of 1s"},
		{"sliding-counts-rejected", "s: {kind: window, quota: 25, per: 1s}", true, "window", "", &yes, 25, "a sliding window, which still holds the whole burst"},
		{"bucket-counts-rejected", "s: {kind: bucket, quota: 25, per: 1s, burst: 25}", true, "bucket", "", &yes, 25, "a token bucket, refilled in part by then"},
		{"rewst", "s: {kind: window, quota: 25, per: 1s}\n  m: {kind: window, quota: 1000, per: 1m}", false, "window", "", &no, 25, "a sliding window of 1s"},
		{"rewst-2026-02-18", "s: {kind: fixed, quota: 50, per: 1s}\n  m: {kind: fixed, quota: 1000, per: 1m}", false, "fixed", "second", nil, 50, "aligned to the second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := "name: " + tt.name + "\nheaders: rewst\ncount_rejected: " + strconv.FormatBool(tt.countRejected) + "\nlimits:\n  " + tt.limits + "\n"
			p := parseProfile(t, tt.name, y)
			o := DiscoverOptions{MaxRequests: 1500, MaxDuration: 40 * time.Second}
			d := discoverSim(t, newSimSender(t, p, memhttp.NewJumpClock(midMinute)), o)
			if len(d.Inferred) == 0 {
				t.Fatalf("nothing inferred; steps %+v", d.Steps)
			}
			l := d.Inferred[0]
			if got := strings.Join(l.Kinds, ","); got != tt.kinds || l.Alignment != tt.alignment || l.Limit != tt.limit {
				t.Errorf("kinds %s aligned to %q, %d per %ds; want %s aligned to %q, %d\n%s", got, l.Alignment, l.Limit, l.WindowSeconds, tt.kinds, tt.alignment, tt.limit, l.KindNote)
			}
			if (l.CountsRejected == nil) != (tt.counts == nil) || l.CountsRejected != nil && *l.CountsRejected != *tt.counts {
				t.Errorf("counts rejected %v, want %v: %s", ptrBool(l.CountsRejected), ptrBool(tt.counts), l.CountsNote)
			}
			if !strings.Contains(l.KindNote+" "+l.CountsNote, tt.evidence) {
				t.Errorf("the observations do not say %q:\n%s\n%s", tt.evidence, l.KindNote, l.CountsNote)
			}
			if d.Requests > o.MaxRequests || time.Duration(d.End-d.Start) > o.MaxDuration+time.Second {
				t.Errorf("caps broken: %d requests in %s", d.Requests, time.Duration(d.End-d.Start))
			}
		})
	}
}

func ptrBool(b *bool) string {
	if b == nil {
		return "unknown"
	}
	return strconv.FormatBool(*b)
}

// fixedWindowHandler is a fixed-window limiter no profile describes: at
// most n requests in each second of the clock, and a 429 whose
// Retry-After runs to the end of the second, rounded up to whole seconds.
func fixedWindowHandler(n int) http.Handler {
	var mu sync.Mutex
	var window int64
	count := 0
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now().UnixNano()
		if k := now / int64(time.Second); k != window {
			window, count = k, 0
		}
		if count >= n {
			left := time.Duration((window+1)*int64(time.Second) - now)
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(left.Seconds()))))
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		count++
		w.WriteHeader(http.StatusOK)
	})
}

// TestDiscoverKindRealLimiters probes limiters no one here wrote, or that
// no profile describes, through probe's HTTP sender, served in memory in
// virtual time: golang.org/x/time/rate with a burst of its rate and with
// a burst of twice its rate (a token bucket), and a fixed window of the
// clock's seconds whose Retry-After runs to the window's end. Each is one
// limiter for every request, so another path (--also) shares it.
func TestDiscoverKindRealLimiters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		h         func() http.Handler
		kinds     string
		alignment string
	}{
		{"x-time-rate", func() http.Handler { return xTimeRateLimiter(20, 20) }, "bucket", ""},
		{"x-time-rate-burst", xTimeRateHandler, "bucket", ""},
		{"fixed-window", func() http.Handler { return fixedWindowHandler(20) }, "fixed", "second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// Start mid-second, away from the fixed window's boundary.
				time.Sleep(time.Duration(time.Second.Nanoseconds()-time.Now().UnixNano()%time.Second.Nanoseconds()) + 300*time.Millisecond)
				h := tt.h()
				// One limiter for every request: another path shares it.
				also, err := probe.NewHTTPSender("http://probe.test/hooks/t2", "", nil, 5*time.Second, DefaultProbeInFlight)
				if err != nil {
					t.Fatal(err)
				}
				also.SetTransport(memhttp.Transport{Handler: h})
				t.Cleanup(also.Close)
				d := discoverHTTP(t, memURL, h, DiscoverOptions{MaxRequests: 1500, MaxDuration: 40 * time.Second, Also: also})
				if len(d.Inferred) == 0 {
					t.Fatalf("nothing inferred: %+v", d.Steps)
				}
				l := d.Inferred[0]
				if got := strings.Join(l.Kinds, ","); got != tt.kinds || l.Alignment != tt.alignment || l.Scope != ScopeShared {
					t.Errorf("kinds %s aligned to %q, scope %q; want %s aligned to %q, shared: %s\nsteps %+v", got, l.Alignment, l.Scope, tt.kinds, tt.alignment, l.KindNote, d.Steps)
				}
			})
		})
	}
}

// TestDiscoverKindNginx runs the kind and scope steps alone against
// nginx's limit_req (10 per second, burst 5, with nodelay and without: a
// leaky bucket, keyed by the client's address) on a loopback socket, in
// real time, for a few seconds: it is a token bucket, and another path
// shares it.
func TestDiscoverKindNginx(t *testing.T) {
	t.Parallel() // real time, mostly waiting: beside the other nginx tests
	for name, loc := range map[string]string{"nodelay": "limit_req zone=z burst=5 nodelay; limit_req_status 429;", "delay": "limit_req zone=z burst=5; limit_req_status 429;"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			url := startNginx(t, "limit_req_zone $binary_remote_addr zone=z:1m rate=10r/s;", loc)
			s, err := probe.NewHTTPSender(url, "", nil, 5*time.Second, DefaultProbeInFlight)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			also, err := probe.NewHTTPSender(strings.Replace(url, "/hooks/t1", "/hooks/t2", 1), "", nil, 5*time.Second, DefaultProbeInFlight)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(also.Close)
			o := DiscoverOptions{Sender: s, Also: also, MaxRequests: 250, MaxDuration: 9 * time.Second}
			r := newRunner(context.Background(), &o)
			inf, why := r.examineKind(1, 10, 6)
			if why != "" || strings.Join(inf.Kinds, ",") != "bucket" {
				t.Errorf("kinds %v (%s), want bucket: %s", inf.Kinds, why, inf.Evidence)
			}
			// The zone is keyed by the client's address: another path
			// from the same client shares the limit.
			st := &discoverState{inferred: []InferredLimit{{WindowSeconds: 1, Limit: 10, Basis: "measured"}}}
			r.scopeStep(&Discovery{Burst: Burst{Admitted: 6}}, st)
			if got := st.inferred[0].Scope; got != ScopeShared {
				t.Errorf("scope %q, want shared: %s", got, st.inferred[0].ScopeNote)
			}
		})
	}
}

// TestInferKindBucketAfterAStall: a token bucket polled at four times its
// rate admits every fourth request; but the sender stalled for 120 ms
// right after the rejection, so its first three requests were admitted
// in a row. That is still a bucket, not a window.
func TestInferKindBucketAfterAStall(t *testing.T) {
	const ms = int64(time.Millisecond)
	t0 := midMinute.UnixNano()
	o := KindObservation{Window: time.Second, Quota: 25, Poll: 100, First: t0, Rejected: t0 + 26*ms, Admitted: 25}
	at := t0 + 150*ms // the stall
	for i := 0; at < t0+2000*ms; i++ {
		status := http.StatusTooManyRequests
		if i < 3 || i%4 == 3 {
			status = http.StatusOK
		}
		o.Polls = append(o.Polls, &ProbeRequest{Sent: at, Done: at + ms, Status: status})
		at += 10 * ms
	}
	o.End = at
	if inf := InferKind(o); strings.Join(inf.Kinds, ",") != "bucket" {
		t.Errorf("kinds %v: %s", inf.Kinds, inf.Evidence)
	}
}

// TestDiscoverScope probes serve's handler in virtual time with another
// URL of the same endpoint (--also): Rewst's limits are per trigger, so
// the other trigger has its own; a workspace-scoped limit is one for all
// keys, so the other key shares it.
func TestDiscoverScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, profile, want string
	}{
		{"per-key", "name: pk\nscope: trigger\nheaders: rewst\nlimits:\n  s: {kind: window, quota: 25, per: 1s}\n", ScopePerKey},
		{"shared", "name: ws\nscope: workspace\nheaders: rewst\nlimits:\n  s: {kind: window, quota: 25, per: 1s}\n", ScopeShared},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := profileHandler(t, parseProfile(t, tt.name, tt.profile))
				also, err := probe.NewHTTPSender("http://probe.test/hooks/t2", "", nil, 5*time.Second, DefaultProbeInFlight)
				if err != nil {
					t.Fatal(err)
				}
				also.SetTransport(memhttp.Transport{Handler: h})
				t.Cleanup(also.Close)
				var alsoSeen int
				d := discoverHTTP(t, memURL, h, DiscoverOptions{MaxRequests: 1500, MaxDuration: 40 * time.Second, Also: also,
					OnRequest: func(p *ProbeRequest) {
						if p.Key == AlsoKey {
							alsoSeen++
						}
					}})
				if len(d.Inferred) == 0 || d.Inferred[0].Scope != tt.want {
					t.Fatalf("scope %q, want %q; steps %+v", d.Inferred[0].Scope, tt.want, d.Steps)
				}
				if alsoSeen != 2 {
					t.Errorf("%d requests to the other URL reported, want 2", alsoSeen)
				}
			})
		})
	}
}
