package report

import (
	"math"
	"math/bits"

	"github.com/hooklimit/hooklimit/internal/intmath"

	"github.com/hooklimit/hooklimit/limitsim"
)

// arrivalRing holds one key's recent arrivals, the longest sliding window's
// worth, for every sliding-window tracker of that key to share. Arrivals at
// the same time share one entry, which counts them and sums their sizes,
// so that a burst of a million arrivals in one instant takes one entry.
// Entries are addressed by absolute index: the i-th entry ever added is at
// i, and the ring keeps [start, end). Its length is a power of two and
// grows by doubling, so steady state allocates nothing.
type arrivalRing struct {
	times, sizes []int64
	// counts holds each entry's number of arrivals; it is nil, and every
	// entry holds one arrival, until two arrivals share a time.
	counts     []int64
	start, end int64
}

func (r *arrivalRing) push(t, size int64) {
	if r.end > r.start {
		if i := (r.end - 1) & int64(len(r.times)-1); r.times[i] == t {
			if r.counts == nil {
				r.counts = make([]int64, len(r.times))
				for j := range r.counts {
					r.counts[j] = 1
				}
			}
			r.counts[i]++
			r.sizes[i] = satAdd(r.sizes[i], size)
			return
		}
	}
	if int(r.end-r.start) == len(r.times) {
		r.grow()
	}
	i := r.end & int64(len(r.times)-1)
	r.times[i], r.sizes[i] = t, size
	if r.counts != nil {
		r.counts[i] = 1
	}
	r.end++
}

// cost returns what the entry at absolute index j weighs against a
// limit: its number of arrivals, or their total size when bytes is set.
func (r *arrivalRing) cost(j int64, bytes bool) int64 {
	j &= int64(len(r.times) - 1)
	switch {
	case bytes:
		return r.sizes[j]
	case r.counts != nil:
		return r.counts[j]
	}
	return 1
}

func (r *arrivalRing) grow() {
	n := 2 * len(r.times)
	if n == 0 {
		n = 8
	}
	times, sizes := make([]int64, n), make([]int64, n)
	var counts []int64
	if r.counts != nil {
		counts = make([]int64, n)
	}
	for i := r.start; i < r.end; i++ {
		j := i & int64(len(r.times)-1)
		k := i & int64(n-1)
		times[k], sizes[k] = r.times[j], r.sizes[j]
		if counts != nil {
			counts[k] = r.counts[j]
		}
	}
	r.times, r.sizes, r.counts = times, sizes, counts
}

// trim forgets the arrivals at or before edge.
func (r *arrivalRing) trim(edge int64) {
	mask := int64(len(r.times) - 1)
	for r.start < r.end && r.times[r.start&mask] <= edge {
		r.start++
	}
}

// tracker computes the peak of one limit under one interpretation for one
// key, incrementally and exactly, in the limit's own units:
//
//   - sliding window of W: the largest total cost in any interval (t-W, t];
//   - fixed window of W: the largest total cost in any window [kW, (k+1)W);
//   - bucket of rate n/d (reduced): the smallest capacity that admits the
//     trace, ceil(max x_j) with x_j = max(0, x_{j-1} - rate·Δt) + cost_j,
//     kept scaled by d so that it stays an integer;
//   - credits of R per tick P: the smallest store that admits the trace,
//     max y_k with y_k = max(0, y_{k-1} + d_k - R), d_k the cost in tick k.
//
// Arithmetic saturates instead of overflowing.
type tracker struct {
	kind  limitsim.Kind
	bytes bool  // cost is the size, not 1
	per   int64 // window or tick in ns
	quota int64
	n, d  int64 // bucket rate: n tokens per d ns, reduced

	started bool
	head    int64 // sliding: absolute ring index of the oldest arrival in the window
	sum     int64 // window total, tick demand, or scaled bucket level
	cur     int64 // fixed window index, credit tick, or bucket's last time
	carry   int64 // credits: y at the end of the previous tick
	peak    int64 // scaled by d for buckets
	// from and to are the times of window or tick cur, [from, to), when
	// they fit in int64 (else from == to): an arrival within them needs
	// no division.
	from, to int64
}

func newTracker(l limitsim.Limit) tracker {
	tr := tracker{kind: l.Kind, bytes: l.Unit == limitsim.Bytes, per: int64(l.Per), quota: l.Quota}
	if l.Kind == limitsim.Bucket {
		g := intmath.GCD(l.Quota, int64(l.Per))
		tr.n, tr.d = l.Quota/g, int64(l.Per)/g
	}
	return tr
}

// add counts an arrival at t (never earlier than the previous one) whose
// cost against the limit is cost. For sliding windows the arrival must
// already be the newest entry of ring.
func (tr *tracker) add(t, cost int64, ring *arrivalRing) {
	switch tr.kind {
	case limitsim.Window:
		// t - per cannot overflow for times the readers accept (see
		// limitsim.MinTime); the bound on head keeps a time outside that
		// range from running past the ring.
		edge := t - tr.per
		mask := int64(len(ring.times) - 1)
		for tr.head < ring.end && ring.times[tr.head&mask] <= edge {
			tr.sum -= ring.cost(tr.head, tr.bytes)
			tr.head++
		}
		tr.sum = satAdd(tr.sum, cost)
	case limitsim.Fixed:
		if !tr.started || t < tr.from || t >= tr.to {
			if k := intmath.FloorDiv(t, tr.per); !tr.started || k != tr.cur {
				tr.started, tr.cur, tr.sum = true, k, 0
			}
			tr.from, tr.to = intmath.Span(tr.cur, tr.per)
		}
		tr.sum = satAdd(tr.sum, cost)
	case limitsim.Bucket:
		if tr.started {
			hi, lo := bits.Mul64(uint64(t-tr.cur), uint64(tr.n))
			if hi != 0 || lo >= uint64(tr.sum) {
				tr.sum = 0
			} else {
				tr.sum -= int64(lo)
			}
		}
		tr.started, tr.cur = true, t
		tr.sum = satAdd(tr.sum, satMul(cost, tr.d))
	case limitsim.Credits:
		k := tr.cur
		if !tr.started || t < tr.from || t >= tr.to {
			k = intmath.FloorDiv(t, tr.per)
		}
		if !tr.started {
			tr.started, tr.cur = true, k
			tr.from, tr.to = intmath.Span(k, tr.per)
		} else if k != tr.cur {
			y := max(0, satAdd(tr.carry, tr.sum)-tr.quota)
			if gap := k - tr.cur - 1; gap > 0 {
				if gap >= intmath.CeilDiv(y, tr.quota) {
					y = 0
				} else {
					y -= gap * tr.quota
				}
			}
			tr.carry, tr.sum, tr.cur = y, 0, k
			tr.from, tr.to = intmath.Span(k, tr.per)
		}
		tr.sum = satAdd(tr.sum, cost)
		tr.peak = max(tr.peak, satAdd(tr.carry, tr.sum)-tr.quota)
		return
	}
	tr.peak = max(tr.peak, tr.sum)
}

// result returns the peak in the limit's units.
func (tr *tracker) result() int64 {
	if tr.kind == limitsim.Bucket {
		return intmath.CeilDiv(tr.peak, tr.d)
	}
	return tr.peak
}

// allowedOf is what a limit allows, in the units of its peak: the quota of a
// window, the capacity of a bucket, the store cap of a credit model.
func allowedOf(l limitsim.Limit) int64 {
	switch l.Kind {
	case limitsim.Bucket, limitsim.Credits:
		return l.Burst
	}
	return l.Quota
}

func satAdd(a, b int64) int64 {
	s := a + b
	if b > 0 && s < a {
		return math.MaxInt64
	}
	return s
}

// satMul multiplies non-negative a and b, saturating at math.MaxInt64.
func satMul(a, b int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(lo)
}
