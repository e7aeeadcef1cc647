package report

import (
	"math/bits"
	"math/rand/v2"
	"testing"
	"time"
)

// TestHistogramIsDense: a Histogram gives the percentiles and the
// encoding of the dense histogram of the same durations, at every size:
// empty, one value at each end of the range (0, below the first and
// past HistogramMax), the edges of the first buckets (2,047 and 2,048
// µs, where sub-buckets start to span two values), a run of one empty
// bucket, counts in the same bucket, and spreads that stay sparse, that
// turn it dense at denseAt buckets in use, and that go on dense after.
func TestHistogramIsDense(t *testing.T) {
	t.Parallel()
	us := func(v int64) int64 { return v * 1000 }
	spread := func(n int, span time.Duration, seed uint64) []int64 {
		rng := rand.New(rand.NewPCG(seed, 7))
		out := make([]int64, n)
		for i := range out {
			out[i] = rng.Int64N(int64(span))
		}
		return out
	}
	// denseAt values in as many buckets, then one in a bucket more: a
	// bucket holds 1 µs up to 2,047 µs, 2 µs up to 4,095, and so on.
	denseEdge := make([]int64, 0, denseAt+1)
	for v := int64(0); len(denseEdge) <= denseAt; v += 1 << max(0, bits.Len64(uint64(v))-11) {
		denseEdge = append(denseEdge, us(v))
	}
	type histCase struct {
		vals  []int64
		dense bool // whether it must have turned dense
	}
	cases := map[string]histCase{
		"empty":             {nil, false},
		"zero":              {[]int64{-5}, false},
		"past the max":      {[]int64{us(HistogramMax) + 1e9}, false},
		"zero and max":      {[]int64{0, us(HistogramMax)}, false},
		"bucket edges":      {[]int64{us(2047), us(2048), us(2049), us(4095), us(4096), us(4098)}, false},
		"one zero between":  {[]int64{us(1), us(3)}, false},
		"same bucket":       {[]int64{us(5000), us(5001), us(5000), us(5001)}, false},
		"sparse spread":     {spread(3000, time.Hour, 1), false},
		"denseAt exactly":   {denseEdge[:denseAt], false},
		"denseAt plus one":  {denseEdge, true},
		"dense, then more":  {spread(40000, 10*time.Second, 2), true},
		"wide, turns dense": {spread(20000, 24*time.Hour, 3), true},
	}
	for name, c := range cases {
		vals := c.vals
		t.Run(name, func(t *testing.T) {
			var h Histogram
			dense := NewHistogram()
			for _, v := range vals {
				h.RecordNS(v)
				RecordNS(dense, v)
			}
			if h.TotalCount() != dense.TotalCount() {
				t.Fatalf("count %d, want %d", h.TotalCount(), dense.TotalCount())
			}
			if got, want := h.Percentiles(), HistogramPercentiles(dense); got != want {
				t.Errorf("percentiles %+v, want %+v", got, want)
			}
			for _, q := range []float64{0.1, 10, 50, 99.9, 100} {
				if got, want := h.Quantile(q), dense.ValueAtQuantile(q); got != want {
					t.Errorf("quantile %v: %d, want %d", q, got, want)
				}
			}
			if got, want := h.Max(), dense.Max(); got != want {
				t.Errorf("max %d, want %d", got, want)
			}
			// Merged into an empty histogram, into a sparse one and into
			// a dense one, as the dense histograms merge.
			other := spread(50, time.Minute, 4)
			for _, into := range []struct {
				name string
				vals []int64
			}{{"empty", nil}, {"sparse", other}, {"dense", denseEdge}} {
				var m Histogram
				md := NewHistogram()
				for _, v := range into.vals {
					m.RecordNS(v)
					RecordNS(md, v)
				}
				m.Merge(&h)
				md.Merge(dense)
				if got, want := m.Encode(), EncodeHistogram(md); got != want {
					t.Errorf("merged into %s: encoded %s\nwant %s", into.name, got, want)
				}
			}
			if got, want := h.Encode(), EncodeHistogram(dense); got != want {
				t.Errorf("encoded %s\nwant %s", got, want)
			}
			if (h.dense != nil) != c.dense {
				t.Errorf("dense %v, want %v", h.dense != nil, c.dense)
			}
		})
	}
}

// TestHistIndex: histIndex is where hdrhistogram-go counts a value: for
// every value up to 4,095 µs, and at random ones up to HistogramMax, a
// Histogram (sparse, so encoded by histIndex) encodes as the dense
// histogram of the same values. Each value is recorded a number of times
// of its own, so that a bucket counted at another's index shows.
func TestHistIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	low := make([]int64, 0, 4096)
	for v := range int64(4096) {
		low = append(low, v)
	}
	high := []int64{HistogramMax}
	for range 300 {
		high = append(high, rng.Int64N(HistogramMax+1))
	}
	for _, vals := range [][]int64{low, high} {
		var h Histogram
		d := NewHistogram()
		for i, v := range vals {
			for range i%5 + 1 {
				h.RecordNS(v * 1000)
				RecordNS(d, v*1000)
			}
		}
		if h.dense != nil {
			t.Fatal("turned dense: histIndex untested")
		}
		if h.Encode() != EncodeHistogram(d) {
			t.Fatalf("values %d to %d: histIndex does not place them as hdrhistogram-go does", vals[0], vals[len(vals)-1])
		}
	}
}
