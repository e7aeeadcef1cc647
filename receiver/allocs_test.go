package receiver

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/receiver/session"
)

// reusedRequest is one request served again and again, so that what a
// benchmark or an allocation count measures is the receiver's work, not
// the making of requests; net/http makes a request per request itself.
type reusedRequest struct {
	r    *http.Request
	body []byte
	rd   bytes.Reader
}

func newReusedRequest(path, body string, hdr ...string) *reusedRequest {
	q := &reusedRequest{r: request(path, body), body: []byte(body)}
	for i := 0; i+1 < len(hdr); i += 2 {
		q.r.Header.Set(hdr[i], hdr[i+1])
	}
	return q
}

// serve serves the request to h once more, through w, and returns the
// status h answered.
func (q *reusedRequest) serve(h http.Handler, w *discardWriter) int {
	q.rd.Reset(q.body)
	q.r.Body, q.r.ContentLength = noClose{&q.rd}, int64(len(q.body))
	clear(w.h)
	w.code = 0
	h.ServeHTTP(w, q.r)
	return w.code
}

type noClose struct{ *bytes.Reader }

func (noClose) Close() error { return nil }

// TestReceiverAllocations: serving a webhook allocates nothing beyond what
// net/http allocates for the request, on every path a busy sender takes:
// admitted or rejected (the limits' headers with it), its event id in the
// body, in a header, or the body's hash; but for header values past 4095,
// which are formatted afresh (Workato's bytes remaining, up to 60 MB, and
// events remaining, up to 18,020: a string and its slice each; a 429
// leaves no event credit, so only the bytes). The recorder's
// goroutine is not started, so what is counted is the request's own path,
// up to its record in the channel, which holds every record the test makes
// (Workato's limits are filled with more than 18,000 requests: past the
// default buffer, each would wait for a consumer that never comes).
func TestReceiverAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops some of what is put back")
	}
	for _, tc := range []struct {
		name, profile string
		admit         bool // the clock moves a minute per request, so that every one is admitted
		status        int
		req           *reusedRequest
		allocs        float64
	}{
		{"admitted, id in the body", "rewst", true, 200, newReusedRequest("/hooks/t1", benchBody), 0},
		{"admitted, id in a header", "rewst", true, 200, newReusedRequest("/hooks/t1", benchBody, "webhook-id", "msg_1"), 0},
		{"admitted, no id: the body's hash", "rewst", true, 200, newReusedRequest("/hooks/t1", `{"type":"x"}`), 0},
		{"admitted, headers on every answer", "workato", true, 200, newReusedRequest("/hooks/t1", benchBody), 4},
		{"rejected with Retry-After", "rewst", false, 429, newReusedRequest("/hooks/t1", benchBody), 0},
		{"rejected, headers on every answer", "workato", false, 429, newReusedRequest("/hooks/t1", benchBody), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			p := profile(t, tc.profile)
			rv, err := New(Options{Profile: p, Now: c.Now, Recorder: session.NewRecorder(p, session.Options{}), Buffer: 1 << 16})
			if err != nil {
				t.Fatal(err)
			}
			defer rv.Close()
			w := &discardWriter{h: http.Header{}}
			if !tc.admit {
				for tc.req.serve(rv, w) != 429 { // fill the limits at one instant
				}
			}
			got := 0
			allocs := testing.AllocsPerRun(200, func() {
				if tc.admit {
					c.Add(time.Minute)
				}
				got = tc.req.serve(rv, w)
			})
			if got != tc.status {
				t.Fatalf("answered %d, want %d", got, tc.status)
			}
			if allocs != tc.allocs {
				t.Errorf("%v allocations a request, want %v", allocs, tc.allocs)
			}
		})
	}
}
