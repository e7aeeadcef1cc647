package limitsim

import (
	"testing"
	"time"
)

const (
	ms     = int64(time.Millisecond)
	sec    = int64(time.Second)
	minute = int64(time.Minute)
)

// t0 is an instant at the start of a clock minute, far from the epoch, so
// that fixed windows and credit ticks start there.
var t0 = time.Date(2026, 2, 17, 9, 0, 0, 0, time.UTC).UnixNano()

func builtin(t *testing.T, name string) *Profile {
	t.Helper()
	p, ok := Builtin(name)
	if !ok {
		t.Fatalf("no built-in profile %q", name)
	}
	return p
}

// burst sends n requests of size bytes at one instant and returns how many
// were admitted and the last decision.
func burst(pt *Partition, at int64, n int, size int64) (admitted int, last Decision) {
	for i := 0; i < n; i++ {
		last = pt.Decide(at, size)
		if last.Admitted {
			admitted++
		}
	}
	return admitted, last
}

func TestWorkatoFirstSecondAdmits18020(t *testing.T) {
	pt := builtin(t, "workato").NewPartition()
	got, _ := burst(pt, t0+500*ms, 18020, 100)
	if got != 18020 {
		t.Fatalf("admitted %d of the first 18,020 events in one second, want all", got)
	}
	d := pt.Decide(t0+500*ms, 100)
	if d.Admitted {
		t.Fatal("the 18,021st event in the first second was admitted")
	}
	if v := d.Violated(); v == nil || v.Limit.Name != "events" {
		t.Fatalf("violated limit = %+v, want events", v)
	}
	// The next tick starts at t0+1s: 0.5 s away, so Retry-After is 1.
	if d.RetryAt != t0+sec || d.RetryAfter() != 1 {
		t.Fatalf("RetryAt = %d ns after t0, RetryAfter = %d; want 1 s, 1", d.RetryAt-t0, d.RetryAfter())
	}
	// The next second brings 20 fresh credits, and no more.
	if got, _ := burst(pt, t0+sec, 21, 100); got != 20 {
		t.Fatalf("second 1 admitted %d, want 20", got)
	}
}

func TestWorkatoStoreRefillsIn900Seconds(t *testing.T) {
	for _, tt := range []struct {
		name  string
		after int64 // seconds from t0 at which to burst again
		want  int
	}{
		{"one tick early", 900, 18000},
		{"after exactly 900 s of silence", 901, 18020},
		{"later", 5000, 18020},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pt := builtin(t, "workato").NewPartition()
			if got, _ := burst(pt, t0, 18020, 1); got != 18020 {
				t.Fatalf("first second admitted %d", got)
			}
			// The store is empty when second 0 ends, at t0+1s.
			got, _ := burst(pt, t0+tt.after*sec, 18100, 1)
			if got != tt.want {
				t.Fatalf("burst at t0+%ds admitted %d, want %d", tt.after, got, tt.want)
			}
		})
	}
}

func TestWorkatoResetCountsDownToFullStore(t *testing.T) {
	pt := builtin(t, "workato").NewPartition()
	_, d := burst(pt, t0, 18020, 1)
	ev := d.Limits[0]
	if ev.Remaining != 0 || ev.ResetAt != t0+901*sec {
		t.Fatalf("after the burst: remaining %d, reset at t0+%ds; want 0, t0+901s", ev.Remaining, (ev.ResetAt-t0)/sec)
	}
}

func TestWorkatoSteady20PerSecondNeverRefills(t *testing.T) {
	pt := builtin(t, "workato").NewPartition()
	burst(pt, t0, 18020, 1)
	for s := int64(1); s <= 2000; s++ {
		if got, _ := burst(pt, t0+s*sec, 20, 1); got != 20 {
			t.Fatalf("second %d admitted %d of 20", s, got)
		}
	}
	if got, _ := burst(pt, t0+2001*sec, 21, 1); got != 20 {
		t.Fatalf("after 2,000 s at 20/s a second admitted %d of 21: the store refilled", got)
	}
}

func TestWorkatoBytes60MBInFirstMinute(t *testing.T) {
	pt := builtin(t, "workato").NewPartition()
	// 60 events of 1 MB spread over the first minute: 60 MB in all.
	for i := int64(0); i < 60; i++ {
		if d := pt.Decide(t0+i*sec, 1_000_000); !d.Admitted {
			t.Fatalf("event %d (MB %d of 60) rejected", i+1, i+1)
		}
	}
	d := pt.Decide(t0+59*sec+999*ms, 1)
	if d.Admitted {
		t.Fatal("one more byte in the first minute was admitted")
	}
	if v := d.Violated(); v.Limit.Name != "bytes" || d.RetryAt != t0+minute || d.RetryAfter() != 1 {
		t.Fatalf("violated %s, retry at t0+%dms, Retry-After %d; want bytes, t0+60000ms, 1", v.Limit.Name, (d.RetryAt-t0)/ms, d.RetryAfter())
	}
	// Minute 1 brings 30 MB of fresh credits only; after a silent minute
	// 1, minute 2 holds 60 MB again.
	if d := pt.Decide(t0+minute, 30_000_000); !d.Admitted {
		t.Fatal("30 MB at the start of minute 1 rejected")
	}
	if d := pt.Decide(t0+minute, 1); d.Admitted {
		t.Fatal("minute 1 admitted more than 30 MB")
	}
	pt2 := builtin(t, "workato").NewPartition()
	pt2.Decide(t0, 60_000_000)
	if d := pt2.Decide(t0+2*minute, 60_000_000); !d.Admitted {
		t.Fatal("60 MB after one silent minute rejected: the allowance did not refill in 1 minute")
	}
}

func TestRewstSecondAndMinute(t *testing.T) {
	pt := builtin(t, "rewst").NewPartition()
	for i := int64(0); i < 25; i++ {
		if d := pt.Decide(t0+i*10*ms, 0); !d.Admitted {
			t.Fatalf("request %d of 25 in one second rejected", i+1)
		}
	}
	d := pt.Decide(t0+500*ms, 0)
	if d.Admitted {
		t.Fatal("the 26th request in one second was admitted")
	}
	// The first request (t0) leaves the window (t-1s, t] at t0+1s.
	if d.Violated().Limit.Name != "per_second" || d.RetryAt != t0+sec || d.RetryAfter() != 1 {
		t.Fatalf("violated %s, RetryAt t0+%dms, Retry-After %d", d.Violated().Limit.Name, (d.RetryAt-t0)/ms, d.RetryAfter())
	}
	if d := pt.Decide(t0+sec-1, 0); d.Admitted {
		t.Fatal("admitted 1 ns before the first request left the window")
	}
	if d := pt.Decide(t0+sec, 0); !d.Admitted {
		t.Fatal("rejected when the first request left the window")
	}
}

func TestRewst1000PerMinute(t *testing.T) {
	pt := builtin(t, "rewst").NewPartition()
	// 20 per second (under 25/s) for 50 s: 1,000 requests.
	for i := int64(0); i < 1000; i++ {
		if d := pt.Decide(t0+i*50*ms, 0); !d.Admitted {
			t.Fatalf("request %d of 1,000 rejected", i+1)
		}
	}
	d := pt.Decide(t0+50*sec, 0)
	if d.Admitted {
		t.Fatal("the 1,001st request in a minute was admitted")
	}
	if d.Violated().Limit.Name != "per_minute" || d.RetryAt != t0+minute || d.RetryAfter() != 10 {
		t.Fatalf("violated %s, Retry-After %d; want per_minute, 10", d.Violated().Limit.Name, d.RetryAfter())
	}
	if d.Limits[0].OK != true {
		t.Fatal("per_second should have admitted it")
	}
}

func TestFixedAdmits50AcrossBoundarySlidingAdmits25(t *testing.T) {
	sliding := builtin(t, "rewst")
	fixed := sliding.Clone()
	for i := range fixed.Limits {
		fixed.Limits[i], _ = fixed.Limits[i].Alternative()
	}
	for _, tt := range []struct {
		p    *Profile
		want int
	}{{sliding, 25}, {fixed, 50}} {
		pt := tt.p.NewPartition()
		a, _ := burst(pt, t0+900*ms, 25, 0)
		b, _ := burst(pt, t0+sec, 25, 0)
		if a+b != tt.want {
			t.Errorf("%s: admitted %d across the second boundary, want %d", tt.p.Limits[0].Kind, a+b, tt.want)
		}
	}
}

func TestRetryAfterIsTheMaximumAcrossLimits(t *testing.T) {
	p := &Profile{Name: "two", Dialect: "none", Limits: []Limit{
		{Name: "a", Kind: Window, Quota: 1, Per: time.Second},
		{Name: "b", Kind: Window, Quota: 1, Per: 10 * time.Second},
	}}
	pt := p.NewPartition()
	pt.Decide(t0, 0)
	d := pt.Decide(t0+100*ms, 0)
	if d.Admitted || d.RetryAfter() != 10 {
		t.Fatalf("Retry-After %d, want 10 (the larger of 1 and 10, rounded up)", d.RetryAfter())
	}
	if d.Limits[0].OK || d.Limits[1].OK {
		t.Fatal("both limits should reject")
	}
}

func TestRetryAfterNeverZero(t *testing.T) {
	d := Decision{Now: t0, RetryAt: t0 + 1}
	if d.RetryAfter() != 1 {
		t.Fatalf("1 ns wait: Retry-After %d, want 1", d.RetryAfter())
	}
	d = Decision{Now: t0, RetryAt: t0}
	if d.RetryAfter() != 1 {
		t.Fatalf("0 wait: Retry-After %d, want 1", d.RetryAfter())
	}
	d = Decision{Now: t0, RetryAt: t0 + 2*sec + 1}
	if d.RetryAfter() != 3 {
		t.Fatalf("2 s + 1 ns: Retry-After %d, want 3", d.RetryAfter())
	}
}

func TestCountRejected(t *testing.T) {
	for _, tt := range []struct {
		count bool
		want  bool // admitted at t0+1s+1
	}{{false, true}, {true, false}} {
		p := &Profile{Name: "x", Dialect: "none", CountRejected: tt.count,
			Limits: []Limit{{Name: "w", Kind: Window, Quota: 2, Per: time.Second}}}
		pt := p.NewPartition()
		burst(pt, t0, 2, 0)
		burst(pt, t0+500*ms, 2, 0) // rejected; counted only when CountRejected
		if got := pt.Decide(t0+sec+1, 0).Admitted; got != tt.want {
			t.Errorf("count_rejected=%v: admitted = %v, want %v", tt.count, got, tt.want)
		}
	}
}

func TestOversizedRequestIsNeverAdmitted(t *testing.T) {
	pt := builtin(t, "workato").NewPartition()
	d := pt.Decide(t0, 60_000_001)
	if d.Admitted || d.RetryAt != Never || d.RetryAfter() != -1 {
		t.Fatalf("a request larger than 60 MB: admitted %v, RetryAfter %d; want rejected, -1", d.Admitted, d.RetryAfter())
	}
}

func TestBucketExact(t *testing.T) {
	// 1 token per 3 s: not a whole number of nanoseconds per token.
	l := Limit{Name: "b", Kind: Bucket, Quota: 1, Per: 3 * time.Second, Burst: 2}
	b := NewLimiter(l, false)
	first, second, third := b.Allow(t0, 1), b.Allow(t0, 1), b.Allow(t0, 1)
	if !first || !second || third {
		t.Fatal("a full bucket of 2 should admit exactly 2")
	}
	ok, at := b.Check(t0, 1)
	if ok || at != t0+3*sec {
		t.Fatalf("retry at t0+%dns, want 3 s", at-t0)
	}
	if b.Allow(t0+3*sec-1, 1) {
		t.Fatal("admitted 1 ns before a token was due")
	}
	if !b.Allow(t0+3*sec, 1) {
		t.Fatal("rejected when a token was due")
	}
}

func TestAlternative(t *testing.T) {
	l := Limit{Kind: Credits, Quota: 20, Per: time.Second, Burst: 18000}
	alt, ok := l.Alternative()
	if !ok || alt.Kind != Bucket || alt.Burst != 18020 || alt.Quota != 20 {
		t.Fatalf("credits alternative = %+v", alt)
	}
	if _, ok := (Limit{Kind: Bucket}).Alternative(); ok {
		t.Fatal("a bucket has no alternative")
	}
}

func TestLimitValidate(t *testing.T) {
	for _, tt := range []struct {
		l     Limit
		field string
	}{
		{Limit{Kind: "cone", Quota: 1, Per: time.Second}, "kind"},
		{Limit{Kind: Window, Quota: 0, Per: time.Second}, "quota"},
		{Limit{Kind: Window, Quota: 1}, "per"},
		{Limit{Kind: Window, Quota: 1, Per: time.Second, Burst: 3}, "burst"},
		{Limit{Kind: Bucket, Quota: 1, Per: time.Second}, "burst"},
		{Limit{Kind: Bucket, Quota: 1, Per: 7919 * time.Hour, Burst: 1 << 50}, "burst"},
		{Limit{Kind: Window, Quota: 1, Per: time.Second, Unit: "kg"}, "unit"},
		{Limit{Kind: Fixed, Quota: 1, Per: MaxPer + 1}, "per"},
	} {
		err := tt.l.Validate()
		fe, ok := err.(*FieldError)
		if !ok || fe.Field != tt.field {
			t.Errorf("Validate(%+v) = %v, want a problem with %s", tt.l, err, tt.field)
		}
	}
	if err := (Limit{Kind: Fixed, Quota: 1, Per: MaxPer}).Validate(); err != nil {
		t.Errorf("a period of exactly MaxPer: %v", err)
	}
}

func TestBuiltinsAreValid(t *testing.T) {
	for _, p := range Builtins() {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		if p.Source == "" || p.Interpretation == "" || p.Alternatives == "" {
			t.Errorf("%s: source, interpretation and alternatives must be recorded", p.Name)
		}
	}
}
