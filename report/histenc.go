package report

import (
	"github.com/HdrHistogram/hdrhistogram-go"
)

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

// encodeHist returns h's encoding, or "" when it cannot be encoded (it
// always can: the histograms are ours).
func encodeHist(h *hdrhistogram.Histogram) string {
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
		return nil, fieldError(field, "is longer than %d bytes", maxEncodedHist)
	}
	h, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return nil, fieldError(field, "not an encoded HDR histogram: %v", err)
	}
	if h.LowestTrackableValue() != 1 || h.HighestTrackableValue() != histMax || h.SignificantFigures() != 3 {
		return nil, fieldError(field, "a histogram of 1..%d at 3 significant figures is expected", histMax)
	}
	return h, nil
}

// histograms returns the encodings of the collector's histograms.
func (c *DeliveryCollector) histograms() *DeliveryHistograms {
	return &DeliveryHistograms{
		DeliveryDelay:       encodeHist(c.delay),
		Latency:             encodeHist(c.latency),
		LatencyFromIntended: encodeHist(c.fromIntended),
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
