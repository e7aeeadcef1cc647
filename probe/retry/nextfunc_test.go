package retry

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

// TestNextFuncIsNext: for every kind of policy (those NextFunc takes by
// reference with each jitter and fallback, and others it asks through
// Next) and random failures (retryable or not, with or without a
// Retry-After, a transport error, attempts up to past the policy's Max),
// NextFunc's function gives what Next gives, and draws the same from the rng.
func TestNextFuncIsNext(t *testing.T) {
	t.Parallel()
	specs := []string{
		"retry-after", "retry-after,max=3", "retry-after,max=5,jitter=2s,max-wait=30s",
		"retry-after,max=4,fallback=(exponential,base=1s,cap=20s,max=4,jitter=full)",
		"exponential", "exponential,base=1s,cap=1m,max=6,jitter=full", "exponential,base=500ms,cap=10s,max=5,jitter=equal",
		"exponential,base=1s,cap=30s,max=5,jitter=decorrelated", "fixed,delay=2s,max=3", "immediate,max=2", "none", "svix",
	}
	statuses := []int{429, 429, 500, 503, 408, 400, 200}
	rng := rand.New(rand.NewPCG(5, 8))
	for _, spec := range specs {
		p, err := ParsePolicy(spec)
		if err != nil {
			t.Fatal(err)
		}
		next := NextFunc(p)
		for i := range 200 {
			f := Failure{N: rng.IntN(8) - 1, Elapsed: time.Duration(rng.Int64N(int64(time.Minute))), Prev: time.Duration(rng.Int64N(int64(20 * time.Second)))}
			f.Response.Status = statuses[rng.IntN(len(statuses))]
			if rng.IntN(2) == 0 {
				f.Response.RetryAfter, f.Response.HasRetryAfter = time.Duration(rng.Int64N(int64(time.Minute)))-time.Second, true
			}
			if rng.IntN(8) == 0 {
				f.Response.Status, f.Response.Err = 0, errors.New("connection reset")
			}
			seed := rng.Uint64()
			r1, r2 := rand.New(rand.NewPCG(seed, 1)), rand.New(rand.NewPCG(seed, 1))
			d1, ok1 := p.Next(f, r1)
			d2, ok2 := next(&f, r2)
			if d1 != d2 || ok1 != ok2 || r1.Uint64() != r2.Uint64() {
				t.Fatalf("%s, failure %d %+v: Next %v %v, NextFunc %v %v (or the rng drew otherwise)", spec, i, f, d1, ok1, d2, ok2)
			}
		}
	}
}

// BenchmarkNextFunc asks RetryAfter, as the engine does, for the delay
// after a 429 with a Retry-After.
func BenchmarkNextFunc(b *testing.B) {
	next := NextFunc(RetryAfter{Max: 100})
	rng := rand.New(rand.NewPCG(1, 2))
	f := &Failure{N: 3, Elapsed: time.Minute, Response: Response{Status: 429, RetryAfter: time.Second, HasRetryAfter: true}}
	b.ReportAllocs()
	var sum time.Duration
	for b.Loop() {
		d, _ := next(f, rng)
		sum += d
	}
	if sum == 0 {
		b.Fatal("no delay")
	}
}
