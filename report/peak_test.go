package report

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
)

// rejects replays arrivals through a limiter of l and reports whether it
// rejects any.
func rejects(l limitsim.Limit, arrivals []Arrival) bool {
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
func randomTrace(rng *rand.Rand, n int) []Arrival {
	out := make([]Arrival, n)
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
		out[i] = Arrival{Time: now, Key: "k", Size: rng.Int64N(5), HasSize: true}
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
