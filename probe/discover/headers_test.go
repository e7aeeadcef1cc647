package discover

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/limitsim"
)

func TestParseAdvertised(t *testing.T) {
	tests := []struct {
		name   string
		fields map[string]string
		want   string // window/limit/field, space-separated
	}{
		{"ietf", map[string]string{
			"Ratelimit-Policy": `"per_second";q=25;w=1, "per_minute";q=1000;w=60, "bytes";q=60000000;qu="content-bytes";w=120`,
			"Ratelimit":        `"per_second";r=24;t=1`,
		}, "1/25/Ratelimit-Policy 60/1000/Ratelimit-Policy 120/60000000/Ratelimit-Policy(bytes)"},
		{"perwebhook", map[string]string{
			"X-Ratelimit-Limit-Minute": "60", "X-Ratelimit-Limit-Hour": "1000", "X-Ratelimit-Limit-Day": "10000",
			"X-Ratelimit-Remaining-Minute": "59",
		}, "60/60/X-Ratelimit-Limit-Minute 3600/1000/X-Ratelimit-Limit-Hour 86400/10000/X-Ratelimit-Limit-Day"},
		{"legacy with window", map[string]string{"X-Ratelimit-Limit": "100, 100;w=60"}, "60/100/X-Ratelimit-Limit"},
		{"legacy without", map[string]string{"X-Rate-Limit-Limit": "300"}, "0/300/X-Rate-Limit-Limit"},
		{"unreadable", map[string]string{"X-Ratelimit-Limit": "lots", "Ratelimit-Policy": `"x";q=`, "X-Ratelimit-Limit-Fortnight": "5"}, ""},
		{"workato: none", map[string]string{"X-Rate-Limit-Remaining": "18019", "X-Rate-Limit-Reset": "1"}, ""},
	}
	for _, tt := range tests {
		a := ParseAdvertised(tt.fields)
		var got []string
		for _, l := range a.Limits {
			s := fmt.Sprintf("%d/%d/%s", l.WindowSeconds, l.Limit, l.Field)
			if l.Bytes {
				s += "(bytes)"
			}
			got = append(got, s)
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%s: ParseAdvertised = %q, want %q", tt.name, g, tt.want)
		}
	}
}

func TestRemainingAndReset(t *testing.T) {
	fields := map[string]string{
		"Ratelimit":              `"per_second";r=3;t=1, "per_minute";r=900;t=60`,
		"X-Rate-Limit-Remaining": "17",
		"X-Rate-Limit-Reset":     "5",
		"X-Byte-Limit-Reset":     "40",
		"X-Ratelimit-Reset":      "1700000100",
	}
	rem := remainingValues(fields)
	if rem["Ratelimit per_second"] != 3 || rem["Ratelimit per_minute"] != 900 || rem["X-Rate-Limit-Remaining"] != 17 || len(rem) != 3 {
		t.Errorf("remainingValues = %v", rem)
	}
	reset := resetValues(fields, 1_700_000_000*int64(time.Second))
	if reset["X-Ratelimit-Reset"] != 100 || reset["X-Byte-Limit-Reset"] != 40 || reset["Ratelimit per_minute"] != 60 {
		t.Errorf("resetValues = %v", reset)
	}
}

func FuzzParseAdvertised(f *testing.F) {
	f.Add("RateLimit-Policy", `"a";q=10;w=1`)
	f.Add("X-RateLimit-Limit", "100, 100;w=60")
	f.Add("RateLimit", `"a";r=1;t=2`)
	f.Fuzz(func(t *testing.T, name, v string) {
		a := ParseAdvertised(map[string]string{http.CanonicalHeaderKey(name): v})
		for _, l := range a.Limits {
			if l.Limit < 0 || l.WindowSeconds < 0 {
				t.Fatalf("negative limit %+v", l)
			}
		}
		remainingValues(a.Fields)
		resetValues(a.Fields, 0)
	})
}

// TestDiscoverFindings probes a simulated endpoint that answers badly in
// each way the findings name, in virtual time.
func TestDiscoverFindings(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(status *int, h http.Header)
		codes []string
	}{
		{"no Retry-After, 503", func(s *int, h http.Header) {
			if *s == 429 {
				*s = 503
			}
			h.Del("Retry-After")
		}, []string{Code503ForRateLimit, Code429NoRetryAfter}},
		{"unparseable Retry-After", func(s *int, h http.Header) {
			if h.Get("Retry-After") != "" {
				h.Set("Retry-After", "soon")
			}
		}, []string{CodeRetryAfterBad}},
		{"Retry-After too short: half the real wait", func(s *int, h http.Header) {
			if h.Get("Retry-After") != "" {
				h.Set("Retry-After", "0.5")
			}
		}, []string{CodeRetryAfterTooShort}},
		{"remaining stuck", func(s *int, h http.Header) {
			h.Set("X-Ratelimit-Remaining", "10")
		}, []string{CodeRemainingNotFalling}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := memhttp.NewJumpClock(midMinute)
			s := newSimSender(t, builtin(t, "rewst"), clock)
			s.edit = func(status *int, h http.Header, _ *limitsim.Decision) { tt.edit(status, h) }
			d := discoverSim(t, s, DiscoverOptions{MaxRequests: 300, MaxDuration: 20 * time.Second, ExpectRetryAfter: true})
			got := map[string]Finding{}
			for _, f := range d.Findings {
				got[f.Code] = f
			}
			for _, c := range tt.codes {
				if _, ok := got[c]; !ok {
					t.Errorf("no finding %s in %+v", c, d.Findings)
				}
			}
			if len(got) != len(tt.codes) {
				t.Errorf("findings %+v, want only %v", d.Findings, tt.codes)
			}
			if f, ok := got[Code429NoRetryAfter]; ok && f.Severity != SeverityError {
				t.Errorf("with Retry-After documented, a 429 without one is an error: %+v", f)
			}
		})
	}
}

// BenchmarkRemainingValues measures reading the remaining counts of one
// response, which the findings do for every admitted request of a burst.
func BenchmarkRemainingValues(b *testing.B) {
	fields := map[string]string{
		"Ratelimit":              `"per_second";r=3;t=1, "per_minute";r=900;t=60`,
		"Ratelimit-Policy":       `"per_second";q=25;w=1, "per_minute";q=1000;w=60`,
		"X-Rate-Limit-Remaining": "17",
		"Retry-After":            "1",
	}
	b.ReportAllocs()
	for b.Loop() {
		remainingValues(fields)
	}
}
