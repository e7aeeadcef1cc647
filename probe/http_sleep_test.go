package probe

import (
	"bytes"
	"slices"
	"testing"
	"time"
)

// TestHTTPSleepYieldsOnce checks the last stretch before a send: the
// sender yields its processor once for each planned send, then sleeps
// precisely for exactly what is left; it never polls.
func TestHTTPSleepYieldsOnce(t *testing.T) {
	var naps []time.Duration
	l := &httpLink{spin: spinWindow, nap: func(d time.Duration) { naps = append(naps, d) }}
	const planned = int64(10 * time.Millisecond)
	steps := []struct {
		now, planned int64
		naps         []time.Duration
	}{
		{planned - int64(time.Millisecond), planned, nil},                                                      // yields first
		{planned - int64(900*time.Microsecond), planned, []time.Duration{900 * time.Microsecond}},              // then sleeps what is left
		{planned - int64(time.Nanosecond), planned, []time.Duration{900 * time.Microsecond, 1}},                // and again, never yielding twice
		{planned + 1 - int64(spinWindow), planned + 1, []time.Duration{900 * time.Microsecond, 1}},             // the next send yields again
		{planned + 1 - int64(spinWindow), planned + 1, []time.Duration{900 * time.Microsecond, 1, spinWindow}}, // then sleeps
	}
	for i, st := range steps {
		if l.sleep(st.now, st.planned) {
			t.Fatalf("step %d: sleep reported the send may leave; the scheduler must look at the clock again", i)
		}
		if !slices.Equal(naps, st.naps) {
			t.Fatalf("step %d: precise sleeps %v, want %v", i, naps, st.naps)
		}
	}
}

// countWrites counts the writes made to it.
type countWrites struct{ n int }

func (c *countWrites) Write(p []byte) (int, error) { c.n++; return len(p), nil }

// TestHTTPRequestOneWrite checks that a request's header and body are
// written together: net/http flushes the header on its own, a second
// write per request, unless the body is a reader it knows is in memory.
func TestHTTPRequestOneWrite(t *testing.T) {
	body, err := ParseBody("default body", DefaultBodyTemplate, 0)
	if err != nil {
		t.Fatal(err)
	}
	l := &httpLink{body: body, idHeader: DefaultEventIDHeader, runID: "r1"}
	if l.req, err = NewRequester(RequestOptions{URL: "http://127.0.0.1:1/hooks/{key}", Keyed: true}); err != nil {
		t.Fatal(err)
	}
	s := &sendSlot{p: pending{event: 7, size: 512}, att: Attempt{Key: "t1", N: 1}}
	req, n, err := l.request(s)
	if err != nil || n != 512 {
		t.Fatalf("request: %d bytes, %v; want 512", n, err)
	}
	var w countWrites
	if err := req.Write(&w); err != nil {
		t.Fatal(err)
	}
	if w.n != 1 {
		t.Errorf("the request took %d writes, want 1 (header and body together)", w.n)
	}
	// Each body is the request's own: rendering the next one (into the
	// pooled buffer) leaves the first as it was.
	first, _, _ := l.request(s)
	next, _, _ := l.request(&sendSlot{p: pending{event: 8, size: 512}, att: Attempt{Key: "t1", N: 1}})
	var b1, b2 bytes.Buffer
	_, _ = b1.ReadFrom(first.Body)
	_, _ = b2.ReadFrom(next.Body)
	if !bytes.Contains(b1.Bytes(), []byte(`"r1-evt-7"`)) || !bytes.Contains(b2.Bytes(), []byte(`"r1-evt-8"`)) {
		t.Errorf("bodies %q and %q, want events 7 and 8", b1.Bytes(), b2.Bytes())
	}
}
