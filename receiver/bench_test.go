package receiver

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// discardWriter is a ResponseWriter that keeps nothing but its header map
// and the status written, and flushes as net/http's does.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
func (w *discardWriter) FlushError() error           { return nil }

// request returns a POST of body to path, cheaper than httptest's.
func request(path, body string) *http.Request {
	r, _ := http.NewRequest("POST", "http://127.0.0.1"+path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

const benchBody = `{"id":"evt-1","type":"ticket.updated","data":{"ticket":42,"status":"closed"}}`

// BenchmarkBareHandler is the floor: a handler that reads the body and
// answers 200, as bench/serve.sh's bare server does.
func BenchmarkBareHandler(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		io.WriteString(w, `{"status":"accepted"}`)
	})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: http.Header{}}
		q := newReusedRequest("/hooks/t1", benchBody)
		for pb.Next() {
			q.serve(h, w)
		}
	})
}

// BenchmarkReceiver is the whole receiver per request, recorder included
// (on its own goroutine), with the real clock: on one key (nearly every
// request a 429 with Retry-After) and spread over 1,000 keys (nearly all
// admitted). Requests are made once and served again and again, as in
// BenchmarkBareHandler: allocs/op is the receiver's and its recorder's.
func BenchmarkReceiver(b *testing.B) {
	for _, keys := range []int{1, 1000} {
		b.Run(fmt.Sprintf("keys=%d", keys), func(b *testing.B) {
			serveParallel(b, keys, benchBody, nil)
		})
	}
}

// BenchmarkReceiverDistinctEvents is bench/serve.sh's realistic case in
// process: 10,000 keys, each request an event of its own (a 10-digit id
// written into the body in place), every key under rewst's limits, so
// nearly all are admitted and each new event is tracked.
func BenchmarkReceiverDistinctEvents(b *testing.B) {
	serveParallel(b, 10_000, `{"id":"evt-0000000000","type":"ticket.updated","data":{"ticket":42}}`,
		func(q *reusedRequest, n int64) {
			for i, v := 20, n; i >= 11; i, v = i-1, v/10 { // the id's digits
				q.body[i] = byte('0' + v%10)
			}
		})
}

// serveParallel serves the nth request of the run, from every P, to a
// receiver with the real clock: the request of key t(n mod keys), made
// once with body and then served again and again, which each, when set,
// changes in place first. It reports the records the recorder dropped.
func serveParallel(b *testing.B, keys int, body string, each func(q *reusedRequest, n int64)) {
	rv, _, _ := newReceiver(b, Options{Now: time.Now})
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: http.Header{}}
		qs := make([]*reusedRequest, keys)
		for i := range qs {
			qs[i] = newReusedRequest("/hooks/t"+strconv.Itoa(i), body)
		}
		for pb.Next() {
			id := n.Add(1)
			q := qs[id%int64(keys)]
			if each != nil {
				each(q, id)
			}
			q.serve(rv, w)
		}
	})
	b.StopTimer()
	if res := rv.Result(false); res.Requests.Dropped > 0 {
		b.ReportMetric(float64(res.Requests.Dropped), "dropped")
	}
}

// BenchmarkDistinctKeys1e6 drives the receiver with 1,000,000 requests,
// each to a key of its own, one every millisecond of a virtual clock (so a
// thousand new partitions a second for 1,000 s), and reports the heap: in
// use at the end after a GC (heap-MB), and the largest heap seen after a
// GC every 100,000 requests (peak-heap-MB), beside the partitions held.
// Idle partitions, analysed keys and events expire, so it stays near what
// the profile's 61 s idle horizon holds, however many keys there are.
func BenchmarkDistinctKeys1e6(b *testing.B) {
	const n = 1_000_000
	for b.Loop() {
		rv, c, _ := newReceiver(b, Options{})
		w := &discardWriter{h: http.Header{}}
		var peak uint64
		var ms runtime.MemStats
		start := time.Now()
		for i := range n {
			c.Add(time.Millisecond)
			clear(w.h)
			rv.ServeHTTP(w, request("/hooks/k"+strconv.Itoa(i), benchBody))
			// One goroutine sending as fast as it can outruns the recorder,
			// a new key and event each time, on a machine busy with other
			// work: wait for it rather than have records dropped, as a
			// server's clients wait for their answers.
			for len(rv.pipe.ch) > cap(rv.pipe.ch)/2 {
				time.Sleep(time.Millisecond)
			}
			if i%100_000 == 99_999 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		elapsed := time.Since(start)
		res := rv.Result(false)
		runtime.GC()
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapAlloc)/1e6, "heap-MB")
		b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
		b.ReportMetric(float64(rv.sim.Keys()), "partitions")
		b.ReportMetric(float64(res.Input.Keys), "keys-reported")
		b.ReportMetric(float64(elapsed.Nanoseconds())/n, "ns/request")
		if res.Requests.Total != n || res.Requests.Dropped != 0 {
			b.Fatalf("recorded %d, dropped %d", res.Requests.Total, res.Requests.Dropped)
		}
		rv.Close()
	}
}
