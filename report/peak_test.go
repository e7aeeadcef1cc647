package report

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// rejects replays arrivals through a limiter of l and reports whether it
// rejects any.
func rejects(l limitsim.Limit, arrivals []scenarios.Record) bool {
	lim := limitsim.NewLimiter(l, false)
	for _, a := range arrivals {
		if !lim.Allow(a.Time, l.CostOf(a.Size)) {
			return true
		}
	}
	return false
}

// withAllowed returns l allowing n: the quota of a window, the capacity of
// a bucket, the store of a credit model.
func withAllowed(l limitsim.Limit, n int64) limitsim.Limit {
	switch l.Kind {
	case limitsim.Bucket, limitsim.Credits:
		l.Burst = n
	default:
		l.Quota = n
	}
	return l
}

// TestPeakIsExact checks every tracker against limitsim on random traces:
// the peak is exactly the smallest allowance that admits the trace. A limit
// allowing the peak rejects nothing, and one allowing one less rejects
// something.
func TestPeakIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []limitsim.Kind{limitsim.Window, limitsim.Fixed, limitsim.Bucket, limitsim.Credits}
	for i := range 400 {
		l := limitsim.Limit{
			Name:  "l",
			Kind:  kinds[i%len(kinds)],
			Quota: 1 + rng.Int64N(7),
			Per:   time.Duration(1+rng.Int64N(30)) * 100 * time.Millisecond,
		}
		if rng.IntN(3) == 0 {
			l.Unit = limitsim.Bytes
		}
		arrivals := randomTrace(rng, 1+rng.IntN(150))
		tr := newTracker(withAllowed(l, 1))
		var ring arrivalRing
		for _, a := range arrivals {
			ring.push(a.Time, a.Size)
			tr.add(a.Time, l.CostOf(a.Size), &ring)
			ring.trim(a.Time - int64(l.Per))
		}
		peak := tr.result()
		name := fmt.Sprintf("%d %s %d/%s %s", i, l.Kind, l.Quota, l.Per, l.Unit)
		if min := minAllowed(l); peak >= min && rejects(withAllowed(l, peak), arrivals) {
			t.Errorf("%s: allowing the peak %d still rejects", name, peak)
		}
		if peak-1 >= minAllowed(l) && !rejects(withAllowed(l, peak-1), arrivals) {
			t.Errorf("%s: allowing %d, one less than the peak, rejects nothing", name, peak-1)
		}
	}
}

// minAllowed is the smallest valid allowance of l's kind.
func minAllowed(l limitsim.Limit) int64 {
	if l.Kind == limitsim.Credits {
		return 0
	}
	return 1
}

// randomTrace returns n sorted arrivals with bursts, repeats and gaps, on
// a 10 ms grid so that window edges and tick boundaries meet arrivals.
func randomTrace(rng *rand.Rand, n int) []scenarios.Record {
	out := make([]scenarios.Record, n)
	now := t0 + rng.Int64N(10)*int64(100*time.Millisecond)
	for i := range out {
		switch rng.IntN(4) {
		case 0: // same instant
		case 1:
			now += rng.Int64N(3) * int64(10*time.Millisecond)
		case 2:
			now += rng.Int64N(20) * int64(100*time.Millisecond)
		default:
			now += rng.Int64N(500) * int64(10*time.Millisecond)
		}
		out[i] = scenarios.Record{Time: now, Key: "k", Size: rng.Int64N(5), HasSize: true}
	}
	return out
}

func TestSaturatingArithmetic(t *testing.T) {
	const big = int64(1) << 62
	if got := satAdd(big, big); got != 1<<63-1 {
		t.Errorf("satAdd overflow = %d", got)
	}
	if got := satMul(big, 4); got != 1<<63-1 {
		t.Errorf("satMul overflow = %d", got)
	}
	// A huge gap refills any bucket without overflowing.
	tr := newTracker(limitsim.Limit{Kind: limitsim.Bucket, Quota: 1 << 40, Per: 1, Burst: 1})
	tr.add(0, 5, nil)
	tr.add(1<<62, 1, nil)
	if got := tr.result(); got != 5 {
		t.Errorf("bucket peak = %d, want 5", got)
	}
}

// TestAnalyzerRejectedWithSharedInstants checks the rejected counts of
// sliding-window rows on random traces with many arrivals at the same
// instant, which share one ring entry: they must equal a limiter of the
// limit replaying the trace one arrival at a time.
func TestAnalyzerRejectedWithSharedInstants(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		l := limitsim.Limit{
			Name:  "l",
			Kind:  limitsim.Window,
			Quota: 1 + rng.Int64N(7),
			Per:   time.Duration(1+rng.Int64N(30)) * 100 * time.Millisecond,
		}
		if i%2 == 1 {
			l.Unit, l.Quota = limitsim.Bytes, 1+rng.Int64N(20)
		}
		p := &limitsim.Profile{Name: "p", Dialect: "none", Limits: []limitsim.Limit{l}}
		arrivals := randomTrace(rng, 1+rng.IntN(200))
		a := NewAnalyzer([]*limitsim.Profile{p}, AnalyzerOptions{})
		lim := limitsim.NewLimiter(l, p.CountRejected)
		var want int64
		for _, x := range arrivals {
			a.Add(x)
			if !lim.Allow(x.Time, l.CostOf(x.Size)) {
				want++
			}
		}
		res := a.Result()
		if len(res.Limits) == 0 || res.Limits[0].Interpretation != "sliding window" {
			t.Fatalf("%d: rows %+v, want the sliding window first", i, res.Limits)
		}
		if got := res.Limits[0].Rejected; got != want {
			t.Errorf("%d %d/%s %s: rejected %d, a limiter rejects %d", i, l.Quota, l.Per, l.Unit, got, want)
		}
	}
}

// TestArrivalRingSharesInstants checks that a burst in one instant takes
// one ring entry, however many arrivals it holds.
func TestArrivalRingSharesInstants(t *testing.T) {
	var r arrivalRing
	for range 100_000 {
		r.push(t0, 3)
	}
	r.push(t0+1, 5)
	if n := r.end - r.start; n != 2 || len(r.times) != 8 {
		t.Fatalf("%d entries in a ring of %d, want 2 in 8", n, len(r.times))
	}
	if c, b := r.cost(r.start, false), r.cost(r.start, true); c != 100_000 || b != 300_000 {
		t.Fatalf("first entry counts %d arrivals of %d bytes, want 100000 of 300000", c, b)
	}
	if c := r.cost(r.start+1, false); c != 1 {
		t.Fatalf("second entry counts %d arrivals, want 1", c)
	}
}
