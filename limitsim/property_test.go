package limitsim

import (
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/intmath"
)

// arrivals returns n random arrival times from t0 with gaps of up to maxGap
// nanoseconds, many of them 0 (bursts), in order.
func arrivals(r *rand.Rand, n int, maxGap int64) []int64 {
	out := make([]int64, n)
	t := t0
	for i := range out {
		if r.IntN(3) > 0 {
			t += r.Int64N(maxGap)
		}
		out[i] = t
	}
	return out
}

func admittedTimes(l Limit, times []int64) []int64 {
	lim := NewLimiter(l, false)
	var got []int64
	for _, t := range times {
		if lim.Allow(t, 1) {
			got = append(got, t)
		}
	}
	return got
}

func TestPropertySlidingNeverExceedsQuotaInAnyWindow(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		l := Limit{Name: "w", Kind: Window, Quota: 1 + r.Int64N(30), Per: time.Duration(1+r.Int64N(5)) * time.Second}
		got := admittedTimes(l, arrivals(r, 3000, 200*ms))
		// Two pointers: for each admitted j, count admitted in (t_j - W, t_j].
		i := 0
		for j := range got {
			for got[i] <= got[j]-int64(l.Per) {
				i++
			}
			if int64(j-i+1) > l.Quota {
				t.Fatalf("%v admitted %d in the window ending at %d", l, j-i+1, got[j])
			}
		}
		if len(got) == 0 {
			t.Fatal("nothing admitted")
		}
	}
}

func TestPropertyBucketNeverExceedsBurstPlusRate(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 100; trial++ {
		l := Limit{Name: "b", Kind: Bucket, Quota: 1 + r.Int64N(20), Per: time.Duration(1+r.Int64N(3)) * time.Second, Burst: 1 + r.Int64N(40)}
		got := admittedTimes(l, arrivals(r, 1500, 300*ms))
		n, d := l.rate()
		// For every interval [t_i, t_j]: j-i+1 <= b + rate·(t_j - t_i),
		// exactly: (j-i+1)·d <= b·d + n·(t_j - t_i).
		for i := range got {
			for j := i; j < len(got); j++ {
				if int64(j-i+1)*d > l.Burst*d+n*(got[j]-got[i]) {
					t.Fatalf("%v admitted %d in %v", l, j-i+1, time.Duration(got[j]-got[i]))
				}
			}
		}
	}
}

// The reference models below are slow and obviously right: they keep every
// counted request, or use exact rationals, and answer "would cost c fit at
// time t" without changing state.

type reference interface {
	fits(t, c int64) bool
	take(t, c int64)
}

type refWindow struct {
	l     Limit
	fixed bool
	times []int64
	costs []int64
}

func (r *refWindow) fits(t, c int64) bool {
	var sum int64
	for i, ti := range r.times {
		in := ti > t-int64(r.l.Per) && ti <= t
		if r.fixed {
			in = intmath.FloorDiv(ti, int64(r.l.Per)) == intmath.FloorDiv(t, int64(r.l.Per))
		}
		if in {
			sum += r.costs[i]
		}
	}
	return sum+c <= r.l.Quota
}

func (r *refWindow) take(t, c int64) { r.times = append(r.times, t); r.costs = append(r.costs, c) }

type refBucket struct {
	l     Limit
	level *big.Rat
	last  int64
}

func (r *refBucket) at(t int64) *big.Rat {
	if r.level == nil {
		return new(big.Rat).SetInt64(r.l.Burst)
	}
	add := new(big.Rat).SetFrac64(r.l.Quota, int64(r.l.Per))
	add.Mul(add, new(big.Rat).SetInt64(t-r.last))
	lv := new(big.Rat).Add(r.level, add)
	if capacity := new(big.Rat).SetInt64(r.l.Burst); lv.Cmp(capacity) > 0 {
		lv = capacity
	}
	return lv
}

func (r *refBucket) fits(t, c int64) bool { return r.at(t).Cmp(new(big.Rat).SetInt64(c)) >= 0 }

func (r *refBucket) take(t, c int64) {
	r.level = new(big.Rat).Sub(r.at(t), new(big.Rat).SetInt64(c))
	r.last = t
}

type refCredits struct {
	l                  Limit
	tick, fresh, store int64
	started            bool
}

// to returns the state at time t, stepping tick by tick.
func (r refCredits) to(t int64) refCredits {
	k := intmath.FloorDiv(t, int64(r.l.Per))
	if !r.started {
		return refCredits{l: r.l, tick: k, fresh: r.l.Quota, store: r.l.Burst, started: true}
	}
	for r.tick < k {
		r.store = min(r.l.Burst, r.store+r.fresh)
		r.fresh = r.l.Quota
		r.tick++
	}
	return r
}

func (r *refCredits) fits(t, c int64) bool { s := r.to(t); return s.fresh+s.store >= c }

func (r *refCredits) take(t, c int64) {
	*r = r.to(t)
	use := min(c, r.fresh)
	r.fresh -= use
	r.store -= c - use
}

func newReference(l Limit) reference {
	switch l.Kind {
	case Window:
		return &refWindow{l: l}
	case Fixed:
		return &refWindow{l: l, fixed: true}
	case Bucket:
		return &refBucket{l: l}
	}
	return &refCredits{l: l}
}

// FuzzLimitersMatchReference drives every kind with the same requests as a
// reference model and checks each answer, and that RetryAt is exactly the
// first time the reference would admit the request.
func FuzzLimitersMatchReference(f *testing.F) {
	f.Add(uint8(3), uint8(2), uint8(5), []byte{0, 1, 0, 1, 0, 1, 200, 1, 3, 2, 0, 1})
	f.Add(uint8(20), uint8(1), uint8(40), []byte{0, 5, 0, 5, 0, 5, 0, 5, 0, 5, 255, 1})
	f.Add(uint8(1), uint8(3), uint8(0), []byte{1, 1, 1, 1, 90, 1})
	f.Fuzz(func(t *testing.T, quota, per, burst uint8, ops []byte) {
		if len(ops) > 400 {
			ops = ops[:400]
		}
		for _, kind := range Kinds {
			l := Limit{Name: "f", Kind: kind, Quota: 1 + int64(quota%25), Per: time.Duration(1+per%4) * time.Second, Unit: Bytes}
			if kind == Bucket || kind == Credits {
				l.Burst = int64(burst % 50)
				if kind == Bucket {
					l.Burst++
				}
			}
			lim, ref := NewLimiter(l, false), newReference(l)
			now := t0
			for i := 0; i+1 < len(ops); i += 2 {
				now += int64(ops[i]) * 37 * ms
				cost := int64(ops[i+1] % 8)
				ok, retryAt := lim.Check(now, cost)
				if want := ref.fits(now, cost); ok != want {
					t.Fatalf("%v: op %d at +%dms cost %d: ok = %v, reference %v", l, i/2, (now-t0)/ms, cost, ok, want)
				}
				if !ok && retryAt == Never && ref.fits(now+1000*int64(l.Per), cost) {
					t.Fatalf("%v: op %d: RetryAt is Never but the reference admits cost %d later", l, i/2, cost)
				}
				if !ok && retryAt != Never {
					if retryAt <= now || !ref.fits(retryAt, cost) || ref.fits(retryAt-1, cost) {
						t.Fatalf("%v: op %d: RetryAt +%dns is not the first time the reference admits cost %d", l, i/2, retryAt-now, cost)
					}
				}
				if ok {
					lim.Take(now, cost, true)
					ref.take(now, cost)
				}
			}
		}
	})
}
