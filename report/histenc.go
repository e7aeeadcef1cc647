package report

import (
	"math"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// HistogramMax is the largest value a histogram records, in
// microseconds: a week. Histograms are recorded in microseconds up to a
// week, to 3 significant digits: fine enough for loopback latency, wide
// enough for svix's 10-hour retry steps.
const HistogramMax = int64(7 * 24 * time.Hour / time.Microsecond)

// NewHistogram returns an empty histogram of that geometry.
func NewHistogram() *hdrhistogram.Histogram { return hdrhistogram.New(1, HistogramMax, 3) }

// RecordNS records a duration of ns nanoseconds in h, in microseconds,
// negative ones as 0 and ones past HistogramMax as HistogramMax.
func RecordNS(h *hdrhistogram.Histogram, ns int64) {
	us := max(ns/1000, 0)
	_ = h.RecordValue(min(us, HistogramMax))
}

// HistogramPercentiles returns the count, median, p90, p99 and maximum
// of h, in milliseconds.
func HistogramPercentiles(h *hdrhistogram.Histogram) Percentiles {
	if h.TotalCount() == 0 {
		return Percentiles{}
	}
	ms := func(us int64) float64 { return math.Round(float64(us)) / 1000 }
	return Percentiles{
		Count: h.TotalCount(),
		P50:   ms(h.ValueAtQuantile(50)),
		P90:   ms(h.ValueAtQuantile(90)),
		P99:   ms(h.ValueAtQuantile(99)),
		Max:   ms(h.Max()),
	}
}

// DeliveryHistograms are the HDR histograms behind Delivery's
// percentiles, each in HdrHistogram's V2 compressed encoding, base64 (as
// hdrhistogram-go's Encode writes it and every HdrHistogram library
// reads it): values in microseconds from 1 to a week, 3 significant
// digits. Results carry them so that results merge exactly: merged
// percentiles come from the merged histograms, not from percentiles.
type DeliveryHistograms struct {
	DeliveryDelay       string `json:"delivery_delay"`
	Latency             string `json:"latency"`
	LatencyFromIntended string `json:"latency_from_intended"`
}

// EncodeHistogram returns h's encoding, or "" when it cannot be encoded (it
// always can: the histograms are ours).
func EncodeHistogram(h *hdrhistogram.Histogram) string {
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return ""
	}
	return string(b)
}

// maxEncodedHist bounds what decodeHist accepts: ours are a few hundred
// bytes, and a histogram of another geometry could ask for a lot of
// memory.
const maxEncodedHist = 1 << 20

// decodeHist decodes an encoded histogram into one of our geometry. The
// error names the field.
func decodeHist(field, s string) (*hdrhistogram.Histogram, error) {
	if len(s) > maxEncodedHist {
		return nil, FieldErrorf(field, "is longer than %d bytes", maxEncodedHist)
	}
	h, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return nil, FieldErrorf(field, "not an encoded HDR histogram: %v", err)
	}
	if h.LowestTrackableValue() != 1 || h.HighestTrackableValue() != HistogramMax || h.SignificantFigures() != 3 {
		return nil, FieldErrorf(field, "a histogram of 1..%d at 3 significant figures is expected", HistogramMax)
	}
	return h, nil
}

// histograms returns the encodings of the collector's histograms.
func (c *DeliveryCollector) histograms() *DeliveryHistograms {
	return &DeliveryHistograms{
		DeliveryDelay:       EncodeHistogram(c.delay),
		Latency:             EncodeHistogram(c.latency),
		LatencyFromIntended: EncodeHistogram(c.fromIntended),
	}
}

// DecodeAll decodes the three histograms.
func (h *DeliveryHistograms) DecodeAll() (delay, latency, fromIntended *hdrhistogram.Histogram, err error) {
	if delay, err = decodeHist("delivery.histograms.delivery_delay", h.DeliveryDelay); err != nil {
		return
	}
	if latency, err = decodeHist("delivery.histograms.latency", h.Latency); err != nil {
		return
	}
	fromIntended, err = decodeHist("delivery.histograms.latency_from_intended", h.LatencyFromIntended)
	return
}
