package report

import (
	"math/bits"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram records durations in NewHistogram's geometry (microseconds
// from 1 to a week, 3 significant digits) and answers the percentiles and
// the encoding a dense hdrhistogram.Histogram of that geometry would
// give, bit for bit, without its cost: the dense one allocates and clears
// 240 KB of counts when it is made, and a run makes three per collector
// (the advisor, dozens of collectors a run). A Histogram starts sparse
// (hdrhistogram-go's PackedHistogram: a few bytes per bucket in use) and
// turns dense only when denseAt buckets are in use, where a sparse
// histogram's insertions would start to cost more than the dense counts.
//
// The zero value is an empty histogram, ready to use.
type Histogram struct {
	sparse *hdrhistogram.PackedHistogram
	dense  *hdrhistogram.Histogram
}

// denseAt is how many buckets in use turn a Histogram dense. A new bucket
// of a sparse histogram shifts those above it: at 4,096 buckets that is
// a few kilobytes moved, against the dense counts' 240 KB once.
const denseAt = 4096

// RecordNS records a duration of ns nanoseconds, in microseconds,
// negative ones as 0 and ones past HistogramMax as HistogramMax.
func (h *Histogram) RecordNS(ns int64) { h.RecordNSN(ns, 1) }

// RecordNSN records n durations of ns nanoseconds each, as n calls of
// RecordNS would, at the cost of one; n must not be negative.
func (h *Histogram) RecordNSN(ns, n int64) {
	us := min(max(ns/1000, 0), HistogramMax)
	if h.dense != nil {
		_ = h.dense.RecordValues(us, n)
		return
	}
	if h.sparse == nil {
		h.sparse = newSparse()
	}
	_ = h.sparse.RecordValues(us, n)
	if h.sparse.Populated() > denseAt {
		h.toDense()
	}
}

// TotalCount returns how many durations were recorded.
func (h *Histogram) TotalCount() int64 {
	switch {
	case h.dense != nil:
		return h.dense.TotalCount()
	case h.sparse != nil:
		return h.sparse.TotalCount()
	}
	return 0
}

// Quantile returns the dense histogram's ValueAtQuantile(q), in
// microseconds: the highest value equivalent to the q-th percentile's,
// for q in (0, 100]; 0 when empty.
func (h *Histogram) Quantile(q float64) int64 {
	switch {
	case h.dense != nil:
		return h.dense.ValueAtQuantile(q)
	case h.sparse != nil:
		return h.sparse.ValueAtPercentile(q)
	}
	return 0
}

// Max returns the dense histogram's Max, in microseconds: the highest
// value equivalent to the largest recorded; 0 when empty.
func (h *Histogram) Max() int64 {
	switch {
	case h.dense != nil:
		return h.dense.Max()
	case h.sparse != nil:
		return h.sparse.Max()
	}
	return 0
}

// Merge adds o's durations to h's.
func (h *Histogram) Merge(o *Histogram) {
	switch {
	case o.dense != nil:
		h.toDense()
		h.dense.Merge(o.dense)
	case o.sparse == nil:
	case h.dense != nil:
		o.sparse.MergeInto(h.dense)
	default:
		if h.sparse == nil {
			h.sparse = newSparse()
		}
		h.sparse.Merge(o.sparse)
		if h.sparse.Populated() > denseAt {
			h.toDense()
		}
	}
}

// newSparse returns an empty sparse histogram of NewHistogram's geometry.
func newSparse() *hdrhistogram.PackedHistogram { return hdrhistogram.NewPacked(1, HistogramMax, 3) }

// toDense turns h dense.
func (h *Histogram) toDense() {
	if h.dense != nil {
		return
	}
	h.dense = NewHistogram()
	if h.sparse != nil {
		h.sparse.MergeInto(h.dense)
		h.sparse = nil
	}
}

// Percentiles returns what HistogramPercentiles returns for the dense
// histogram of the same durations.
func (h *Histogram) Percentiles() Percentiles {
	switch {
	case h.dense != nil:
		return HistogramPercentiles(h.dense)
	case h.sparse == nil:
		return Percentiles{}
	}
	return percentilesOf(h.sparse)
}

// Encode returns what EncodeHistogram returns for the dense histogram of
// the same durations.
func (h *Histogram) Encode() string {
	if h.dense != nil {
		return EncodeHistogram(h.dense)
	}
	var buckets []bucketCount
	if h.sparse != nil {
		buckets = make([]bucketCount, 0, h.sparse.Populated())
		for v, n := range h.sparse.ForEachBucket {
			buckets = append(buckets, bucketCount{histIndex(v), n})
		}
	}
	return encodeBuckets(buckets, histGeometry)
}

// histIndex returns the index in a dense histogram's counts of the
// bucket holding v, for NewHistogram's geometry: the lowest value 1
// (unit magnitude 0) and 3 significant digits (2,048 sub-buckets, half of
// them, 1,024, in each bucket after the first). TestHistogramIsDense
// checks it against hdrhistogram-go's own encoding.
func histIndex(v int64) int32 {
	const halfMagnitude = 10 // log2 of the 1,024 sub-buckets of a bucket's upper half
	bucket := bits.Len64(uint64(v)|(1<<(halfMagnitude+1)-1)) - (halfMagnitude + 1)
	sub := v >> bucket
	return int32(bucket+1)<<halfMagnitude + int32(sub) - 1<<halfMagnitude
}
