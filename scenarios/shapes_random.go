package scenarios

import (
	"io"
	"math"
	"math/big"
	"math/rand/v2"
)

// This file holds the shapes whose times are computed in floating point:
// poisson and ramp. Both round each time to the nearest nanosecond, and
// both give the same times on every platform: their arithmetic is plain
// IEEE 754 double precision, with explicit conversions where a compiler
// could otherwise fuse a multiply and an add.

// pcgStream is the second PCG parameter of every seeded shape; the seed
// is the first.
const pcgStream = 0x686f6f6b6c696d74 // "hooklimt"

// poisson emits events at the arrivals of a Poisson process: the gaps
// between events are independent and exponentially distributed with mean
// per/rate, each rounded to the nearest ns. The first event comes one gap
// after the start. It runs until a given time (events strictly before
// it) or for a given number of events.
type poisson struct {
	rng        *rand.Rand
	mean       float64 // the mean gap, ns
	t          int64
	i, n       uint64 // events emitted; events in all, 0 for no limit
	until      int64  // events are before until; math.MaxInt64 for no limit
	done       bool
	keys       []string
	k          int
	size       int64
	begin, end int64
}

func newPoisson(start int64, r Rate, seed uint64, n uint64, until int64, keys []string, size int64) *poisson {
	return &poisson{
		rng:  rand.New(rand.NewPCG(seed, pcgStream)),
		mean: float64(r.Per) / float64(r.N),
		t:    start, n: n, until: until, keys: keys, size: size, begin: start, end: start,
	}
}

func (p *poisson) Next() (Emission, error) {
	if p.done || (p.n > 0 && p.i == p.n) {
		return Emission{}, io.EOF
	}
	gap := math.Round(p.rng.ExpFloat64() * p.mean)
	if gap >= float64(math.MaxInt64-p.t) || p.t+int64(gap) >= p.until {
		p.done = true
		if p.until != math.MaxInt64 {
			p.end = p.until
			return Emission{}, io.EOF
		}
		return Emission{}, errTimeRange
	}
	p.t += int64(gap)
	p.i++
	e := Emission{Time: p.t, Event: p.i, Copies: 1, Key: p.keys[p.k], Size: p.size}
	if p.k++; p.k == len(p.keys) {
		p.k = 0
	}
	p.end = p.t
	return e, nil
}

func (p *poisson) Span() (begin, end int64) { return p.begin, p.end }

// emissions returns the number of events, or with a duration the expected
// number, rounded down.
func (p *poisson) emissions() uint64 {
	if p.n > 0 {
		return p.n
	}
	return uint64(min(float64(p.until-p.begin)/p.mean, math.MaxUint64/2))
}

// ramp emits events at a rate that grows (or falls) linearly from r1 at
// the start to r2 at the end of a duration D.
//
// The number of events that have fallen due by time t after the start is
// the integral of the rate, Λ(t) = r1·t + (r2 − r1)·t²/(2D), and event i
// (from 0) is due when Λ(t) = i, at
//
//	t_i = 2i / (r1 + √(r1² + 2·(r2 − r1)·i/D))
//
// (the root of the quadratic in a form that stays exact when r1 = r2 and
// accurate when the ramp falls). So the first event is at the start, and
// there are floor(Λ(D)) = floor((r1 + r2)·D/2) events in all, counted
// exactly in integers. Each t_i is rounded to the nearest ns, and never
// earlier than the time before it.
type ramp struct {
	start      int64
	r1         float64 // events per ns at the start
	k          float64 // the rate's growth, events per ns²: (r2 − r1)/D
	i, n       uint64
	prev       int64
	keys       []string
	kk         int
	size       int64
	begin, end int64
}

// rampCount returns floor((r1 + r2)·d/2) for rates r1 and r2, exactly.
func rampCount(r1, r2 Rate, d int64) *big.Int {
	// (N1/P1 + N2/P2)·d/2 = (N1·P2 + N2·P1)·d / (2·P1·P2)
	n1, p1 := big.NewInt(r1.N), big.NewInt(int64(r1.Per))
	n2, p2 := big.NewInt(r2.N), big.NewInt(int64(r2.Per))
	num := new(big.Int).Add(new(big.Int).Mul(n1, p2), new(big.Int).Mul(n2, p1))
	num.Mul(num, big.NewInt(d))
	den := new(big.Int).Mul(p1, p2)
	den.Lsh(den, 1)
	return num.Quo(num, den)
}

func newRamp(start int64, r1, r2 Rate, d int64, n uint64, keys []string, size int64) *ramp {
	a := float64(r1.N) / float64(r1.Per)
	b := float64(r2.N) / float64(r2.Per)
	return &ramp{
		start: start, r1: a, k: (b - a) / float64(d), n: n,
		prev: start, keys: keys, size: size, begin: start, end: start + d,
	}
}

func (r *ramp) Next() (Emission, error) {
	if r.i == r.n {
		return Emission{}, io.EOF
	}
	fi := float64(r.i)
	disc := float64(r.r1*r.r1) + float64(2*r.k*fi)
	off := float64(2*fi) / float64(r.r1+math.Sqrt(max(disc, 0)))
	t := max(r.prev, r.start+int64(math.Round(off)))
	t = min(t, r.end)
	r.prev = t
	r.i++
	e := Emission{Time: t, Event: r.i, Copies: 1, Key: r.keys[r.kk], Size: r.size}
	if r.kk++; r.kk == len(r.keys) {
		r.kk = 0
	}
	return e, nil
}

func (r *ramp) Span() (begin, end int64) { return r.begin, r.end }

func (r *ramp) emissions() uint64 { return r.n }
