package scenarios

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"
)

// benchLines is how many lines each benchmark file holds.
const benchLines = 100_000

// benchJSONL returns benchLines JSON lines over 50 keys, about 2,000 a
// second, up to 2 s out of order; timeForm formats each time.
func benchJSONL(timeForm func(ns int64) string) []byte {
	var b bytes.Buffer
	for i := range benchLines {
		ns := t0 + int64(i)*500e3 - int64(i*7919%4000)*500e3 // jitter of up to 2 s
		fmt.Fprintf(&b, `{"time":%s,"key":"trigger-%d","size":%d,"event":"ticket.updated"}`+"\n",
			timeForm(ns), i*31%50, 500+i%1000)
	}
	return b.Bytes()
}

// Time forms for the benchmarks.
var (
	rfc3339Form = func(ns int64) string { return `"` + time.Unix(0, ns).UTC().Format(time.RFC3339Nano) + `"` }
	millisForm  = func(ns int64) string { return fmt.Sprint(ns / 1e6) }
	secondsForm = func(ns int64) string { return fmt.Sprintf("%d.%03d", ns/1e9, ns/1e6%1000) }
)

// runLines runs read over data b.N times and reports lines a second and
// allocations a line.
func runLines(b *testing.B, data []byte, read func(io.Reader) int) {
	b.SetBytes(int64(len(data)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	lines := 0
	for range b.N {
		lines += read(bytes.NewReader(data))
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(lines), "allocs/line")
}

// readAllRecords reads everything from a Reader and returns the count.
func readAllRecords(b *testing.B, r Reader) int {
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
}

// BenchmarkJSONL measures reading JSON lines: "scan" is the format reader
// alone, "open" the whole pipeline NewReader builds (buffering, format
// detection and the reorder stage).
func BenchmarkJSONL(b *testing.B) {
	forms := []struct {
		name string
		form func(int64) string
	}{{"rfc3339", rfc3339Form}, {"millis", millisForm}, {"seconds", secondsForm}}
	opt := ReadOptions{}.withDefaults()
	for _, f := range forms {
		data := benchJSONL(f.form)
		b.Run("scan/"+f.name, func(b *testing.B) {
			runLines(b, data, func(r io.Reader) int {
				return readAllRecords(b, newJSONLReader(bufio.NewReaderSize(r, bufSize), "bench", opt))
			})
		})
		b.Run("open/"+f.name, func(b *testing.B) {
			runLines(b, data, func(r io.Reader) int {
				rd, err := NewReader(r, "bench", ReadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				return readAllRecords(b, rd)
			})
		})
	}
}

// BenchmarkCSV measures reading CSV, for comparison.
func BenchmarkCSV(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("time,key,size\n")
	for i := range benchLines {
		fmt.Fprintf(&buf, "%d,trigger-%d,%d\n", (t0+int64(i)*500e3)/1e6, i*31%50, 500+i%1000)
	}
	runLines(b, buf.Bytes(), func(r io.Reader) int {
		rd, err := NewReader(r, "bench", ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		return readAllRecords(b, rd)
	})
}

// BenchmarkAccessLog measures reading an access log, for comparison.
func BenchmarkAccessLog(b *testing.B) {
	var buf bytes.Buffer
	for i := range benchLines {
		ts := time.Unix(0, t0+int64(i)*1e9).UTC().Format("02/Jan/2006:15:04:05 -0700")
		fmt.Fprintf(&buf, "10.0.0.%d - - [%s] \"POST /hooks/t%d HTTP/1.1\" 200 17 \"-\" \"curl/8\"\n", i%250, ts, i*31%50)
	}
	runLines(b, buf.Bytes(), func(r io.Reader) int {
		rd, err := NewReader(r, "bench", ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		return readAllRecords(b, rd)
	})
}

// BenchmarkParseTime measures the timestamp parser alone.
func BenchmarkParseTime(b *testing.B) {
	for _, s := range []string{"2024-05-01T12:00:00.123456789+02:00", "1714564800123", "1714564800.123"} {
		in := []byte(s)
		b.Run(s, func(b *testing.B) {
			for range b.N {
				if _, e := parseTime(in); e != timeOK {
					b.Fatal(e)
				}
			}
		})
	}
}
