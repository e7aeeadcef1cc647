package report

import (
	"math/bits"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/probe"
)

// TestDeliveryLatencyRunsRecordedAlike feeds a DeliveryCollector attempts
// whose latencies come in runs of equal ones (as in virtual time, where
// every one is 0) and alone, and asks for the Delivery midway too: its
// latency percentiles and encoded histograms must be those of histograms
// that recorded every latency one by one, whether they stayed sparse or
// turned dense.
func TestDeliveryLatencyRunsRecordedAlike(t *testing.T) {
	runs := func(n int, values []int64, maxRun int, seed uint64) []int64 {
		rng := rand.New(rand.NewPCG(seed, 3))
		var out []int64
		for len(out) < n {
			v := values[rng.IntN(len(values))]
			for range 1 + rng.IntN(maxRun) {
				out = append(out, v)
			}
		}
		return out[:n]
	}
	var spread []int64 // each in a bucket of its own, enough to turn dense
	for v := int64(0); len(spread) < 2*denseAt; v += 1 << max(0, bits.Len64(uint64(v))-11) {
		spread = append(spread, v*1000)
	}
	for _, tc := range []struct {
		name string
		lat  []int64 // ns
	}{
		{"all zero", runs(500, []int64{0}, 1, 1)},
		{"one each", runs(500, []int64{0, 1500, 999, 1000, 7e9}, 1, 2)},
		{"runs", runs(3000, []int64{0, 1500, 999, 1000, -4, 7e9}, 40, 3)},
		{"runs, turns dense", runs(30000, spread, 4, 4)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewDeliveryCollector()
			var lat, fromInt Histogram
			for i, v := range tc.lat {
				sent := int64(i) * int64(time.Millisecond)
				late := tc.lat[len(tc.lat)-1-i] / 3
				c.Attempt(&probe.Attempt{Event: uint64(i + 1), Key: "k", N: 1, Intended: sent - late, Sent: sent, Done: sent + v, Status: 200})
				lat.RecordNS(v)
				fromInt.RecordNS(v + late)
				if i == len(tc.lat)/2 || i == len(tc.lat)-1 {
					d := c.Delivery()
					if d.Latency != lat.Percentiles() || d.LatencyFromIntended != fromInt.Percentiles() {
						t.Fatalf("attempt %d: latency %+v from intended %+v; recorded one by one %+v, %+v", i, d.Latency, d.LatencyFromIntended, lat.Percentiles(), fromInt.Percentiles())
					}
					if d.Histograms.Latency != lat.Encode() || d.Histograms.LatencyFromIntended != fromInt.Encode() {
						t.Fatalf("attempt %d: the encoded histograms differ from those recorded one by one", i)
					}
				}
			}
			if tc.name == "runs, turns dense" && (c.latency.dense == nil || lat.dense == nil) {
				t.Fatal("the histograms should have turned dense")
			}
		})
	}
}
