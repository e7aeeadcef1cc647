package report

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// TestEncodeHistogramIsTheLibrarys: EncodeHistogram writes, byte for
// byte, what hdrhistogram-go's Encode writes, and decodes back to the
// histogram: empty, at 0 and at HistogramMax (the first and last counts),
// a run of one zero between counts, counts past one LEB128 byte, and
// random spreads.
func TestEncodeHistogramIsTheLibrarys(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	cases := map[string]func(h *hdrhistogram.Histogram){
		"empty":        func(*hdrhistogram.Histogram) {},
		"zero":         func(h *hdrhistogram.Histogram) { RecordNS(h, -5) },
		"max":          func(h *hdrhistogram.Histogram) { RecordNS(h, int64(HistogramMax)*1000) },
		"zero and max": func(h *hdrhistogram.Histogram) { RecordNS(h, 0); RecordNS(h, int64(HistogramMax)*1000) },
		"one zero between": func(h *hdrhistogram.Histogram) {
			_ = h.RecordValue(1)
			_ = h.RecordValue(3)
		},
		"big counts": func(h *hdrhistogram.Histogram) {
			_ = h.RecordValues(7, 1<<40)
			_ = h.RecordValues(9, 200)
			_ = h.RecordValues(1<<20, 1<<62)
		},
		"spread": func(h *hdrhistogram.Histogram) {
			for range 5000 {
				RecordNS(h, rng.Int64N(int64(time.Hour)))
			}
		},
		"dense": func(h *hdrhistogram.Histogram) {
			for v := range int64(3000) {
				_ = h.RecordValues(v, v%3)
			}
		},
	}
	for name, fill := range cases {
		for range 2 { // twice: the second time with a compressor from the pool
			h := NewHistogram()
			fill(h)
			want, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
			if err != nil {
				t.Fatal(err)
			}
			got := EncodeHistogram(h)
			if got != string(want) {
				t.Fatalf("%s: encoded\n%s\nwant\n%s", name, got, want)
			}
			back, err := decodeHist("h", got)
			if err != nil || !back.Equals(h) {
				t.Fatalf("%s: decodes to another histogram (%v)", name, err)
			}
		}
	}
}
