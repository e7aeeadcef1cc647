package limitsim

import (
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/dunglas/httpsfv"
)

func TestIETFPolicyParameters(t *testing.T) {
	for _, c := range []struct {
		name  string
		l     Limit
		q, w  int64
		bytes bool
	}{
		{"sliding", Limit{Kind: Window, Quota: 25, Per: time.Second}, 25, 1, false},
		{"fixed", Limit{Kind: Fixed, Quota: 60, Per: time.Minute}, 60, 60, false},
		// A sub-second window is rounded up to 1 s: 10 per 1 s understates
		// 10 per 0.5 s.
		{"sub-second", Limit{Kind: Window, Quota: 10, Per: 500 * time.Millisecond}, 10, 1, false},
		// A bucket: q is its capacity, w the time it takes to refill from
		// empty: 50 tokens at 10/s is 5 s; 2 at 1 per 3 s is 6 s; 7 at 2/s
		// is 3.5 s, rounded up to 4.
		{"bucket", Limit{Kind: Bucket, Quota: 10, Per: time.Second, Burst: 50}, 50, 5, false},
		{"slow bucket", Limit{Kind: Bucket, Quota: 1, Per: 3 * time.Second, Burst: 2}, 2, 6, false},
		{"odd bucket", Limit{Kind: Bucket, Quota: 2, Per: time.Second, Burst: 7}, 7, 4, false},
		// Credits: their continuous counterpart, capacity Burst+Quota at
		// Quota per Per: Workato's events 18,020 over 18,020/20 = 901 s,
		// bytes 60 MB over 60/30 minutes = 120 s.
		{"workato events", Limit{Kind: Credits, Quota: 20, Per: time.Second, Burst: 18000}, 18020, 901, false},
		{"workato bytes", Limit{Kind: Credits, Quota: 30_000_000, Per: time.Minute, Burst: 30_000_000, Unit: Bytes}, 60_000_000, 120, true},
		{"credits without store", Limit{Kind: Credits, Quota: 5, Per: time.Second}, 5, 1, false},
		// Too large for a Structured Fields Integer: capped.
		{"huge", Limit{Kind: Bucket, Quota: 1, Per: time.Duration(math.MaxInt64 / 8), Burst: 1 << 20}, 1 << 20, sfMaxInt, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.l.Name = c.name
			q, w := ietfPolicy(&c.l)
			if q != c.q || w != c.w {
				t.Errorf("q=%d w=%d, want q=%d w=%d", q, w, c.q, c.w)
			}
			d := Decision{Admitted: true, Limits: []LimitStatus{{Limit: &c.l, OK: true, Remaining: q}}}
			h := http.Header{}
			ietfDialect{}.WriteHeaders(h, nil, &d)
			list, err := httpsfv.UnmarshalList(h.Values("RateLimit-Policy"))
			if err != nil {
				t.Fatalf("RateLimit-Policy %q: %v", h.Get("RateLimit-Policy"), err)
			}
			it := list[0].(httpsfv.Item)
			qu, hasQu := it.Params.Get("qu")
			if it.Value != c.name || param(it, "q") != min(c.q, sfMaxInt) || param(it, "w") != c.w || hasQu != c.bytes || (c.bytes && qu != "content-bytes") {
				t.Errorf("RateLimit-Policy %q", h.Get("RateLimit-Policy"))
			}
		})
	}
}

func param(it httpsfv.Item, k string) any {
	v, _ := it.Params.Get(k)
	return v
}

// TestIETFRetryAfterNotBeforeWindow checks the draft's section 6: on a 429,
// Retry-After does not point before the end of the effective window (t) of
// the policies that rejected the request.
func TestIETFRetryAfterNotBeforeWindow(t *testing.T) {
	for _, name := range BuiltinNames() {
		p := mustBuiltin(t, name)
		pt := p.NewPartition()
		rejections := 0
		for i := int64(0); i < 30000 && rejections < 50; i++ {
			d := pt.Decide(at0+i*oneSec/100, 100)
			if d.Admitted {
				continue
			}
			rejections++
			h := http.Header{}
			ietfDialect{}.WriteHeaders(h, p, &d)
			list, err := httpsfv.UnmarshalList(h.Values("RateLimit"))
			if err != nil {
				t.Fatalf("%s: RateLimit %q: %v", name, h.Get("RateLimit"), err)
			}
			ra := d.RetryAfter()
			if h.Get("Retry-After") == "" || ra < 1 {
				t.Fatalf("%s: rejected without a Retry-After", name)
			}
			for k, s := range d.Limits {
				tt := param(list[k].(httpsfv.Item), "t").(int64)
				if !s.OK && tt > ra {
					t.Errorf("%s: %s rejected with t=%d after Retry-After %d", name, s.Limit.Name, tt, ra)
				}
				if r := param(list[k].(httpsfv.Item), "r").(int64); r != s.Remaining {
					t.Errorf("%s: %s r=%d, want %d", name, s.Limit.Name, r, s.Remaining)
				}
			}
		}
		if rejections == 0 {
			t.Errorf("%s: no rejection to check", name)
		}
	}
}

func TestIETFNames(t *testing.T) {
	l := Limit{Name: "per \"minute\" é", Kind: Window, Quota: 1, Per: time.Minute}
	d := Decision{Now: at0, RetryAt: Never, Limits: []LimitStatus{{Limit: &l, Remaining: 1, ResetAt: at0, RetryAt: Never}}}
	h := http.Header{}
	ietfDialect{}.WriteHeaders(h, nil, &d)
	if got, want := h.Get("RateLimit-Policy"), `"per \"minute\" __";q=1;w=60`; got != want {
		t.Errorf("RateLimit-Policy %s, want %s", got, want)
	}
	// Waiting cannot help: no Retry-After, and t counts to the reset.
	if got, want := h.Get("RateLimit"), `"per \"minute\" __";r=1;t=0`; got != want || h.Get("Retry-After") != "" {
		t.Errorf("RateLimit %s, Retry-After %q; want %s and none", got, h.Get("Retry-After"), want)
	}
	ct, body := ietfDialect{}.RejectBody(nil, &d)
	want := `{"type":"https://iana.org/assignments/http-problem-types#quota-exceeded","title":"Request cannot be satisfied as assigned quota has been exceeded","violated-policies":["per \"minute\" __"]}`
	if ct != "application/problem+json" || string(body) != want {
		t.Errorf("body %s %s, want %s", ct, body, want)
	}
}
