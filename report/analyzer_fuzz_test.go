package report

import (
	"bytes"
	"errors"
	"io"
	"math"
	"testing"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// FuzzAnalyzeRecords: whatever a traffic file holds, the records its
// reader accepts go through the analyser with every built-in profile, and
// the result renders, without a panic or a hang. Times at the edges of the
// accepted range are among the seeds: a window or tick reaching past an
// int64 there used to spin forever.
func FuzzAnalyzeRecords(f *testing.F) {
	for _, s := range []string{
		`{"time":"1677-09-21T00:12:43.145224192Z","key":"a"}`,
		`{"time":-9223372036854775808}` + "\n" + `{"time":-9223370000000000000}`,
		`{"time":"1900-01-01T00:00:00Z","key":"a"}` + "\n" + `{"time":"1900-01-01T00:00:00.5Z","key":"a","size":9}`,
		`{"time":"2189-12-31T23:59:59.999999999Z","key":"b","size":30000001}` + "\n" + `{"time":"2189-12-31T23:59:59.999999999Z","key":"b"}`,
		`{"time":"1900-01-01T00:00:00Z"}` + "\n" + `{"time":"2189-12-31T23:59:59.999999999Z"}`,
		"time,key,size\n1700000000,a,5\n1700000000.5,a,7\n",
		`127.0.0.1 - - [14/Nov/2023:22:13:20 +0000] "POST /hooks/a HTTP/1.1" 200 5`,
	} {
		f.Add([]byte(s))
	}
	profiles := limitsim.Builtins()
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := scenarios.NewReader(bytes.NewReader(data), "f", scenarios.ReadOptions{SkipInvalid: true, MaxDisorder: -1})
		if err != nil {
			return
		}
		an := NewAnalyzer(profiles, AnalyzerOptions{Timeline: true})
		for n := 0; n < 1000; n++ {
			rec, err := in.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return
			}
			if !limitsim.InTimeRange(rec.Time) {
				t.Fatalf("record at %d, outside the range the readers accept", rec.Time)
			}
			an.Add(scenarios.Record{Time: rec.Time, Key: rec.Key, Size: rec.Size, HasSize: rec.HasSize})
		}
		res := an.Result()
		if err := res.Write(io.Discard, JSON); err != nil {
			t.Fatal(err)
		}
	})
}

// TestAnalyzerEdgeOfInt64 feeds times the readers reject straight to the
// analyser: a window reaching before the earliest int64 time must not spin
// (it did, in every sliding-window peak tracker).
func TestAnalyzerEdgeOfInt64(t *testing.T) {
	an := NewAnalyzer(limitsim.Builtins(), AnalyzerOptions{})
	for _, at := range []int64{math.MinInt64, math.MinInt64 + 1, -9223370000000000000} {
		an.Add(scenarios.Record{Time: at, Key: "k", Size: 1, HasSize: true})
	}
	if got := an.Result().Input.Records; got != 3 {
		t.Fatalf("records = %d, want 3", got)
	}
}
