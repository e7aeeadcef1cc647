package report

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"math"
	"sync"
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
func HistogramPercentiles(h *hdrhistogram.Histogram) Percentiles { return percentilesOf(h) }

// percentiler is what percentilesOf reads: a dense histogram, or a
// sparse one (whose answers are the dense one's, bit for bit).
type percentiler interface {
	TotalCount() int64
	ValueAtPercentile(float64) int64
	Max() int64
}

// percentilesOf returns the count, median, p90, p99 and maximum of h, in
// milliseconds.
func percentilesOf(h percentiler) Percentiles {
	if h.TotalCount() == 0 {
		return Percentiles{}
	}
	return Percentiles{
		Count: h.TotalCount(),
		P50:   usToMS(h.ValueAtPercentile(50)),
		P90:   usToMS(h.ValueAtPercentile(90)),
		P99:   usToMS(h.ValueAtPercentile(99)),
		Max:   usToMS(h.Max()),
	}
}

// usToMS converts a histogram's microseconds to milliseconds.
func usToMS(us int64) float64 { return math.Round(float64(us)) / 1000 }

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
// always can: the histograms are ours). The bytes are those of
// hdrhistogram-go's Encode(V2CompressedEncodingCookieBase), written here
// with a compressor taken from a pool: Encode allocates a new zlib writer
// (most of a megabyte) for each histogram, and every result line carries
// three.
func EncodeHistogram(h *hdrhistogram.Histogram) string {
	s := h.Export()
	var buckets []bucketCount
	for i, c := range s.Counts {
		if c != 0 {
			buckets = append(buckets, bucketCount{int32(i), c})
		}
	}
	ratio := s.IntegerToDoubleConversionRatio
	if ratio == 0 {
		ratio = 1
	}
	return encodeBuckets(buckets, geometry{s.SignificantFigures, s.LowestTrackableValue, s.HighestTrackableValue, ratio})
}

// bucketCount is a bucket in use: its index in a dense histogram's
// counts, and its count.
type bucketCount struct {
	index int32
	count int64
}

// geometry is what an encoding's header says of its histogram.
type geometry struct {
	sigFigs, lowest, highest int64
	ratio                    float64
}

// histGeometry is NewHistogram's.
var histGeometry = geometry{3, 1, HistogramMax, 1}

// encodeBuckets returns the encoding of the histogram whose buckets in
// use are buckets, in ascending order of index.
func encodeBuckets(buckets []bucketCount, g geometry) string {
	// The payload: a 40-byte header, then the counts up to that of the
	// largest value recorded (at least one), in ZigZag LEB128-64b9B, a run
	// of zeros longer than one as its negated length.
	payload := make([]byte, histHeaderLen, histHeaderLen+2*len(buckets)+10)
	next := int32(0) // the index the payload has reached
	for _, b := range buckets {
		if zeros := b.index - next; zeros == 1 {
			payload = appendZigZag(payload, 0)
		} else if zeros > 1 {
			payload = appendZigZag(payload, -int64(zeros))
		}
		payload = appendZigZag(payload, b.count)
		next = b.index + 1
	}
	if next == 0 {
		payload = appendZigZag(payload, 0) // an empty histogram: one count of 0
	}
	be := binary.BigEndian
	be.PutUint32(payload[0:], uint32(hdrhistogram.V2EncodingCookieBase|0x10))
	be.PutUint32(payload[4:], uint32(len(payload)-histHeaderLen))
	be.PutUint32(payload[8:], 0) // the normalizing index offset
	be.PutUint32(payload[12:], uint32(g.sigFigs))
	be.PutUint64(payload[16:], uint64(g.lowest))
	be.PutUint64(payload[24:], uint64(g.highest))
	be.PutUint64(payload[32:], math.Float64bits(g.ratio))

	var out bytes.Buffer
	out.Write([]byte{0, 0, 0, 0, 0, 0, 0, 0})
	zw := zlibWriters.get()
	defer zlibWriters.put(zw)
	zw.Reset(&out)
	if _, err := zw.Write(payload); err != nil {
		return ""
	}
	if err := zw.Close(); err != nil {
		return ""
	}
	b := out.Bytes()
	be.PutUint32(b[0:], uint32(hdrhistogram.V2CompressedEncodingCookieBase|0x10))
	be.PutUint32(b[4:], uint32(len(b)-8))
	return base64.StdEncoding.EncodeToString(b)
}

// histHeaderLen is the length of the V2 encoding's header.
const histHeaderLen = 40

// zlibWriters are the compressors EncodeHistogram reuses, at
// hdrhistogram-go's level.
var zlibWriters writerCache

// writerCache keeps up to writerCacheSize idle zlib writers. Unlike a
// sync.Pool it keeps them across garbage collections: a writer at
// BestCompression is most of a megabyte, the collections that its
// allocation brings are what empties a pool, and a pool under the race
// detector also drops a quarter of what it is given back.
type writerCache struct {
	mu   sync.Mutex
	idle []*zlib.Writer
}

// writerCacheSize bounds the idle writers kept: one per encoding at the
// same time, and the encodings of a process are few.
const writerCacheSize = 4

// get returns an idle writer, or a new one.
func (c *writerCache) get() *zlib.Writer {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.idle); n > 0 {
		w := c.idle[n-1]
		c.idle = c.idle[:n-1]
		return w
	}
	w, _ := zlib.NewWriterLevel(nil, zlib.BestCompression)
	return w
}

// put keeps w for reuse, unless enough writers are idle.
func (c *writerCache) put(w *zlib.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.idle) < writerCacheSize {
		c.idle = append(c.idle, w)
	}
}

// appendZigZag appends v in the V2 encoding's ZigZag LEB128-64b9B: seven
// bits a byte, low bits first, the ninth byte holding the last eight.
func appendZigZag(b []byte, v int64) []byte {
	u := uint64((v << 1) ^ (v >> 63))
	for range 8 {
		if u>>7 == 0 {
			return append(b, byte(u))
		}
		b = append(b, byte(u&0x7f|0x80))
		u >>= 7
	}
	return append(b, byte(u))
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
		DeliveryDelay:       c.delay.Encode(),
		Latency:             c.latency.Encode(),
		LatencyFromIntended: c.fromIntended.Encode(),
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
