package report

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// benchHistogram is a histogram of n delays spread from 1 ms to an hour.
func benchHistogram(n int) *hdrhistogram.Histogram {
	rng := rand.New(rand.NewPCG(3, 5))
	h := NewHistogram()
	for range n {
		RecordNS(h, int64(time.Millisecond)+rng.Int64N(int64(time.Hour)))
	}
	return h
}

// BenchmarkEncodeHistogram measures what a result line spends on each of
// its three histograms.
func BenchmarkEncodeHistogram(b *testing.B) {
	h := benchHistogram(5000)
	b.ReportAllocs()
	for b.Loop() {
		if EncodeHistogram(h) == "" {
			b.Fatal("not encoded")
		}
	}
}

// BenchmarkEncodeHistogramLibrary is hdrhistogram-go's own Encode, for
// comparison.
func BenchmarkEncodeHistogramLibrary(b *testing.B) {
	h := benchHistogram(5000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewHistogram measures an empty histogram of our geometry.
func BenchmarkNewHistogram(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = NewHistogram()
	}
}

// BenchmarkCollectorHistograms measures what a collector spends on its
// three histograms for a short run (100 values each): made, filled, read
// and encoded, dense as before and as Histograms are now.
func BenchmarkCollectorHistograms(b *testing.B) {
	vals := make([]int64, 100)
	rng := rand.New(rand.NewPCG(3, 5))
	for i := range vals {
		vals[i] = int64(time.Millisecond) + rng.Int64N(int64(time.Second))
	}
	b.Run("dense", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for range 3 {
				h := NewHistogram()
				for _, v := range vals {
					RecordNS(h, v)
				}
				_ = HistogramPercentiles(h)
				_ = EncodeHistogram(h)
			}
		}
	})
	b.Run("histogram", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for range 3 {
				var h Histogram
				for _, v := range vals {
					h.RecordNS(v)
				}
				_ = h.Percentiles()
				_ = h.Encode()
			}
		}
	})
}
