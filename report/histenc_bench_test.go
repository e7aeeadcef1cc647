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
