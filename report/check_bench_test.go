package report

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// BenchmarkCheckTraffic measures check's whole path on JSON lines:
// 200,000 requests over 200 keys, read, parsed, put in time order and
// analysed against Rewst's limits, at 250 requests a second and at 2,000
// (as bench/check.sh writes them: 10,000 records within the 5 s the reader
// holds back to put them in order). Reading and analysing run on two
// goroutines; compare -cpu 1 and -cpu 2.
func BenchmarkCheckTraffic(b *testing.B) {
	for _, rate := range []int64{250, 2000} {
		b.Run(fmt.Sprintf("%d/s", rate), func(b *testing.B) { benchCheckTraffic(b, rate) })
	}
}

// benchCheckTraffic runs BenchmarkCheckTraffic at rate requests a second.
func benchCheckTraffic(b *testing.B, rate int64) {
	const n = 200_000
	var buf bytes.Buffer
	t0 := time.Date(2026, 2, 17, 9, 0, 0, 0, time.UTC).UnixNano()
	for i := range n {
		fmt.Fprintf(&buf, `{"time":%.3f,"key":"k%d","size":512}`+"\n", float64(t0+int64(i)*int64(time.Second)/rate)/1e9, i%200)
	}
	data := buf.Bytes()
	prof, _ := limitsim.Builtin("rewst")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		in, err := scenarios.NewReader(bytes.NewReader(data), "bench.jsonl", scenarios.ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		res, err := CheckTraffic(context.Background(), in, []*limitsim.Profile{prof}, CheckOptions{Files: []string{"bench.jsonl"}})
		if err != nil || res.Input.Records != n {
			b.Fatalf("%v, %+v", err, res.Input)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
