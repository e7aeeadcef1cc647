package retry

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

var (
	retry429     = Response{Status: 429}
	retryRefused = Response{Err: errors.New("connection refused")}
)

// schedule runs p over failures that all get r, with no latency, and
// returns the delays it chose until it gave up (at most 2,000).
func delaysOf(p Policy, rng *rand.Rand, r Response) []time.Duration {
	var out []time.Duration
	var elapsed, prev time.Duration
	for n := 1; n <= 2000; n++ {
		d, ok := p.Next(Failure{N: n, Elapsed: elapsed, Prev: prev, Response: r}, rng)
		if !ok {
			break
		}
		out = append(out, d)
		prev, elapsed = d, elapsed+d
	}
	return out
}

func pcg(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

func durs(ds ...time.Duration) []time.Duration { return ds }

func TestRetryable(t *testing.T) {
	tests := []struct {
		r    Response
		want bool
	}{
		{Response{Status: 429}, true},
		{Response{Status: 408}, true},
		{Response{Status: 500}, true},
		{Response{Status: 502}, true},
		{Response{Status: 503, HasRetryAfter: true, RetryAfter: time.Second}, true},
		{Response{Status: 599}, true},
		{retryRefused, true},
		{Response{Status: 200}, false},
		{Response{Status: 200, HasRetryAfter: true}, false}, // Workato's Retry-After: 0 on an admitted event
		{Response{Status: 200, HasRetryAfter: true, RetryAfter: time.Second}, false},
		{Response{Status: 204}, false},
		{Response{Status: 302}, false},
		{Response{Status: 400}, false},
		{Response{Status: 401}, false},
		{Response{Status: 404}, false},
		{Response{Status: 410}, false},
		{Response{Status: 413}, false},
		{Response{Status: 600}, false},
		{Response{}, false},
	}
	for _, tt := range tests {
		if got := Retryable(tt.r); got != tt.want {
			t.Errorf("Retryable(%+v) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

func TestSchedules(t *testing.T) {
	const s, m, h = time.Second, time.Minute, time.Hour
	fixed2 := Fixed{Delay: 2 * s, Max: 5}
	tests := []struct {
		name string
		p    Policy
		r    Response
		want []time.Duration
	}{
		{"none", None{}, retry429, nil},
		{"immediate", Immediate{Max: 5}, retry429, durs(0, 0, 0, 0, 0)},
		{"immediate max 0", Immediate{}, retry429, nil},
		{"salesbuildr", fixed2, retry429, durs(2*s, 2*s, 2*s, 2*s, 2*s)},
		{"autotask", Fixed{Delay: 30 * s, Max: 4}, retryRefused, durs(30*s, 30*s, 30*s, 30*s)},
		{"exponential", Exponential{Base: s, Cap: 5 * m, Max: 10, Jitter: JitterNone},
			retry429, durs(s, 2*s, 4*s, 8*s, 16*s, 32*s, 64*s, 128*s, 256*s, 5*m)},
		{"exponential zero jitter is none", Exponential{Base: 100 * time.Millisecond, Cap: s, Max: 5},
			retry429, durs(100*time.Millisecond, 200*time.Millisecond, 400*time.Millisecond, 800*time.Millisecond, s)},
		{"outboundsync without rng", OutboundSync{}, retry429, durs(m, 2*m, 4*m, 8*m, 16*m, 32*m, 64*m)},
		{"svix", Svix{}, Response{Status: 503}, durs(5*s, 5*m, 30*m, 2*h, 5*h, 10*h, 10*h)},
		{"retry-after honoured", RetryAfter{Max: 3, Fallback: fixed2},
			Response{Status: 429, HasRetryAfter: true, RetryAfter: 90 * s}, durs(90*s, 90*s, 90*s)},
		{"retry-after beyond fallback cap", RetryAfter{Max: 2},
			Response{Status: 429, HasRetryAfter: true, RetryAfter: h}, durs(h, h)},
		{"retry-after of 0", RetryAfter{Max: 2},
			Response{Status: 429, HasRetryAfter: true}, durs(0, 0)},
		{"retry-after falls back", RetryAfter{Max: 10, Fallback: fixed2}, retry429, durs(2*s, 2*s, 2*s, 2*s, 2*s)},
		{"retry-after max bounds fallback", RetryAfter{Max: 2, Fallback: fixed2}, retry429, durs(2*s, 2*s)},
		{"retry-after default fallback", RetryAfter{Max: 3}, retry429, durs(0, 0, 0)}, // full jitter, nil rng
		{"retry-after within max-wait", RetryAfter{Max: 1, MaxWait: m},
			Response{Status: 429, HasRetryAfter: true, RetryAfter: m}, durs(m)},
		{"retry-after beyond max-wait gives up", RetryAfter{Max: 5, MaxWait: m},
			Response{Status: 429, HasRetryAfter: true, RetryAfter: m + time.Nanosecond}, nil},
		{"giveup", GiveUp{Policy: Exponential{Base: s, Cap: h, Max: 20}, After: m},
			retry429, durs(s, 2*s, 4*s, 8*s, 16*s)},
		{"giveup at the horizon", GiveUp{Policy: Exponential{Base: s, Cap: h, Max: 20}, After: 31 * s},
			retry429, durs(s, 2*s, 4*s, 8*s, 16*s)},
		{"giveup before the first retry", GiveUp{Policy: Fixed{Delay: 2 * s, Max: 5}, After: s}, retry429, nil},
		{"giveup of svix", GiveUp{Policy: Svix{}, After: 24 * h},
			retry429, durs(5*s, 5*m, 30*m, 2*h, 5*h, 10*h)},
		{"giveup of nil", GiveUp{After: h}, retry429, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := delaysOf(tt.p, nil, tt.r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: delays %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

// TestFinalResponses checks that no policy retries a response Retryable
// rejects, whatever it carries.
func TestFinalResponses(t *testing.T) {
	const s, m, h = time.Second, time.Minute, time.Hour
	policies := []Policy{None{}, Immediate{Max: 5}, Fixed{Delay: s, Max: 5},
		Exponential{Base: s, Cap: m, Max: 5, Jitter: JitterFull}, RetryAfter{Max: 5},
		OutboundSync{}, Svix{}, GiveUp{Policy: Svix{}, After: h}}
	for _, status := range []int{200, 201, 302, 400, 404, 410, 413} {
		r := Response{Status: status, HasRetryAfter: true, RetryAfter: s}
		for _, p := range policies {
			if d, ok := p.Next(Failure{N: 1, Response: r}, pcg(1)); ok {
				t.Errorf("%s retries a %d after %v", p, status, d)
			}
		}
	}
}

// TestJitterBounds checks that every jittered delay lies within its
// documented range, that a seed gives the same schedule every time, and
// that the draws do vary.
func TestJitterBounds(t *testing.T) {
	const s, m, h = time.Second, time.Minute, time.Hour
	const base, limit = 100 * time.Millisecond, 30 * s
	untouched := func(n int) time.Duration { return doubled(base, n, limit) }
	tests := []struct {
		jitter Jitter
		bounds func(n int, prev time.Duration) (lo, hi time.Duration)
	}{
		{JitterFull, func(n int, _ time.Duration) (time.Duration, time.Duration) { return 0, untouched(n) }},
		{JitterEqual, func(n int, _ time.Duration) (time.Duration, time.Duration) {
			return untouched(n) / 2, untouched(n)
		}},
		{JitterDecorrelated, func(_ int, prev time.Duration) (time.Duration, time.Duration) {
			return base, min(limit, 3*max(prev, base))
		}},
	}
	for _, tt := range tests {
		p := Exponential{Base: base, Cap: limit, Max: 50, Jitter: tt.jitter}
		for seed := uint64(1); seed <= 20; seed++ {
			got := delaysOf(p, pcg(seed), retry429)
			if again := delaysOf(p, pcg(seed), retry429); !reflect.DeepEqual(got, again) {
				t.Fatalf("%s seed %d: %v, then %v", p, seed, got, again)
			}
			if len(got) != 50 {
				t.Fatalf("%s: %d retries, want 50", p, len(got))
			}
			var prev time.Duration
			distinct := map[time.Duration]bool{}
			for i, d := range got {
				lo, hi := tt.bounds(i+1, prev)
				if d < lo || d > hi {
					t.Errorf("%s seed %d: delay %d = %v, want within [%v, %v]", p, seed, i+1, d, lo, hi)
				}
				prev = d
				distinct[d] = true
			}
			if len(distinct) < 10 {
				t.Errorf("%s seed %d: only %d distinct delays in 50", p, seed, len(distinct))
			}
		}
	}
}

func TestOutboundSyncJitter(t *testing.T) {
	const s, m, h = time.Second, time.Minute, time.Hour
	for seed := uint64(1); seed <= 20; seed++ {
		got := delaysOf(OutboundSync{}, pcg(seed), retry429)
		if again := delaysOf(OutboundSync{}, pcg(seed), retry429); !reflect.DeepEqual(got, again) {
			t.Fatalf("seed %d: %v, then %v", seed, got, again)
		}
		if len(got) != 7 {
			t.Fatalf("seed %d: %d retries, want 7", seed, len(got))
		}
		for i, d := range got {
			lo := time.Duration(1<<i) * m
			if d < lo || d > lo+300*s {
				t.Errorf("seed %d: retry %d waits %v, want within [%v, %v]", seed, i+1, d, lo, lo+300*s)
			}
		}
	}
}

func TestRetryAfterJitter(t *testing.T) {
	const s, m, h = time.Second, time.Minute, time.Hour
	p := RetryAfter{Max: 100, Jitter: 500 * time.Millisecond}
	r := Response{Status: 429, HasRetryAfter: true, RetryAfter: 2 * s}
	got := delaysOf(p, pcg(7), r)
	if !reflect.DeepEqual(got, delaysOf(p, pcg(7), r)) {
		t.Fatal("same seed, different schedules")
	}
	for _, d := range got {
		if d < 2*s || d > 2500*time.Millisecond {
			t.Errorf("delay %v, want within [2s, 2.5s]", d)
		}
	}
}

// TestNoOverflow checks that extreme values give non-negative delays.
func TestNoOverflow(t *testing.T) {
	const s, m, h = time.Second, time.Minute, time.Hour
	policies := []Policy{
		Exponential{Base: 365 * 24 * h, Max: MaxRetries, Jitter: JitterNone},
		Exponential{Base: 365 * 24 * h, Cap: 1 << 62, Max: MaxRetries, Jitter: JitterDecorrelated},
		Exponential{Base: time.Nanosecond, Max: MaxRetries, Jitter: JitterEqual},
		RetryAfter{Max: 3, Jitter: h},
	}
	r := Response{Status: 429, HasRetryAfter: true, RetryAfter: 1<<63 - 1}
	for _, p := range policies {
		for _, d := range delaysOf(p, pcg(3), r) {
			if d < 0 {
				t.Fatalf("%s: negative delay %v", p, d)
			}
		}
		if _, ok := p.Next(Failure{N: 1 << 40, Prev: 1<<63 - 1, Response: retry429}, pcg(1)); ok {
			t.Errorf("%s retries attempt 2^40", p)
		}
	}
}

func TestGiveUpName(t *testing.T) {
	const s, m, h = time.Second, time.Minute, time.Hour
	g := GiveUp{Policy: Svix{}, After: 24 * h}
	if g.Name() != "svix" || g.String() != "svix,giveup=1d" {
		t.Errorf("Name, String = %q, %q", g.Name(), g.String())
	}
}

func BenchmarkExponentialNext(b *testing.B) {
	p, _ := ParsePolicy("retry-after,fallback=(exponential,jitter=decorrelated),giveup=1h")
	rng := pcg(1)
	f := Failure{N: 3, Elapsed: time.Minute, Prev: 2 * time.Second, Response: retry429}
	b.ReportAllocs()
	for b.Loop() {
		p.Next(f, rng)
	}
}

// TestExportedSchedules checks that the schedules report matches observed
// retries against are the ones the policies follow, to the retry.
func TestExportedSchedules(t *testing.T) {
	waits := SvixWaits()
	if len(waits) != 7 {
		t.Fatalf("SvixWaits() has %d waits, want 7", len(waits))
	}
	for n := 1; n <= 8; n++ {
		d, ok := Svix{}.Next(Failure{N: n, Response: retry429}, nil)
		if n <= 7 && (!ok || d != waits[n-1]) || n == 8 && ok {
			t.Errorf("Svix after attempt %d = %v, %v; SvixWaits() has %v", n, d, ok, waits)
		}
	}
	waits[0] = 0
	if SvixWaits()[0] != 5*time.Second {
		t.Error("SvixWaits() shares its slice with the policy")
	}
	for _, tt := range []struct {
		n      int
		lo, hi time.Duration
		ok     bool
	}{
		{0, 0, 0, false}, {1, time.Minute, 6 * time.Minute, true}, {2, 2 * time.Minute, 7 * time.Minute, true},
		{7, 64 * time.Minute, 69 * time.Minute, true}, {8, 0, 0, false},
	} {
		lo, hi, ok := OutboundSyncWait(tt.n)
		if lo != tt.lo || hi != tt.hi || ok != tt.ok {
			t.Errorf("OutboundSyncWait(%d) = %v, %v, %v; want %v, %v, %v", tt.n, lo, hi, ok, tt.lo, tt.hi, tt.ok)
		}
		if tt.n < 1 {
			continue
		}
		d, ok := OutboundSync{}.Next(Failure{N: tt.n, Response: retry429}, nil)
		if ok != tt.ok || ok && d != lo {
			t.Errorf("OutboundSync after attempt %d without rng = %v, %v; want %v, %v", tt.n, d, ok, lo, tt.ok)
		}
	}
}

// TestSchedule checks the waits of a schedule at its ends: the listed
// waits, then Then, and no retry beyond Max or, without Then, beyond the
// list.
func TestSchedule(t *testing.T) {
	const s = time.Second
	r := Response{Status: 500}
	for _, tt := range []struct {
		p    Schedule
		n    int
		want time.Duration
		ok   bool
	}{
		{Schedule{Waits: []time.Duration{10 * s, 20 * s}, Then: 60 * s, Max: 4}, 1, 10 * s, true},
		{Schedule{Waits: []time.Duration{10 * s, 20 * s}, Then: 60 * s, Max: 4}, 2, 20 * s, true},
		{Schedule{Waits: []time.Duration{10 * s, 20 * s}, Then: 60 * s, Max: 4}, 3, 60 * s, true},
		{Schedule{Waits: []time.Duration{10 * s, 20 * s}, Then: 60 * s, Max: 4}, 4, 60 * s, true},
		{Schedule{Waits: []time.Duration{10 * s, 20 * s}, Then: 60 * s, Max: 4}, 5, 0, false},
		{Schedule{Waits: []time.Duration{10 * s, 20 * s}, Max: 4}, 3, 0, false},
	} {
		d, ok := tt.p.Next(Failure{N: tt.n, Response: r}, nil)
		if d != tt.want || ok != tt.ok {
			t.Errorf("%s after attempt %d: %v, %v; want %v, %v", tt.p, tt.n, d, ok, tt.want, tt.ok)
		}
	}
	if _, ok := (Schedule{Waits: []time.Duration{s}, Max: 3}).Next(Failure{N: 1, Response: Response{Status: 400}}, nil); ok {
		t.Error("a 400 was retried")
	}
}
