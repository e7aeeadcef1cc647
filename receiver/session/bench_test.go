package session

import (
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report/render"
)

// manyKeysRecorder returns a recorder holding keys live partition keys,
// one request each, all within the idle horizon, every 20th key over the
// per-second limit.
func manyKeysRecorder(tb testing.TB, keys int) *Recorder {
	tb.Helper()
	p, err := limitsim.LoadProfile("rewst")
	if err != nil {
		tb.Fatal(err)
	}
	rec := NewRecorder(p, Options{})
	seq := uint64(0)
	add := func(t int64, key string) {
		seq++
		rec.Add(&Record{Seq: seq, Time: t, Key: key, Keyed: true, Size: 100, Status: 200, EventHash: seq, IDFrom: IDHash})
	}
	for i := range keys {
		t := st0 + int64(i)*int64(10*time.Microsecond)
		key := "key-" + strconv.Itoa(i)
		add(t, key)
		if i%20 == 0 {
			for range 30 {
				add(t, key)
			}
		}
	}
	return rec
}

// BenchmarkServeReportManyKeys is GET /_hooklimit/report?format=json on a
// serve that holds 100,000 live keys.
func BenchmarkServeReportManyKeys(b *testing.B) {
	rec := manyKeysRecorder(b, 100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := render.Write(io.Discard, rec.Result(Meta{}), render.JSON); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecorderAddDistinctEvents is the recorder's share of serve's
// realistic case: requests spread over 10,000 keys, 30,000 a second, each
// an event of its own, all admitted. A serve's recorder runs on one
// goroutine, so ns/op is the most requests a second it can follow.
func BenchmarkRecorderAddDistinctEvents(b *testing.B) {
	p, err := limitsim.LoadProfile("rewst")
	if err != nil {
		b.Fatal(err)
	}
	rec := NewRecorder(p, Options{})
	keys := make([]string, 10_000)
	for i := range keys {
		keys[i] = "/hooks/t" + strconv.Itoa(i)
	}
	var r Record
	n := uint64(0)
	add := func() {
		n++
		r = Record{Seq: n, Time: st0 + int64(n)*int64(time.Second)/30_000, Key: keys[n%uint64(len(keys))], Keyed: true,
			Size: 80, Status: 200, Decided: true, Admitted: true, EventHash: n * 0x9e3779b97f4a7c15, IDFrom: IDBody}
		rec.Add(&r)
	}
	// Past two rotations of the event tracker's generations first, so
	// that its maps have grown to what a long session holds.
	for range DefaultMaxEvents + DefaultMaxEvents/10 {
		add()
	}
	b.ReportAllocs()
	for b.Loop() {
		add()
	}
}
