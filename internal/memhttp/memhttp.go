// Package memhttp serves HTTP requests in memory, and keeps time by hand,
// for tests: a handler
// answers on the caller's goroutine, through no socket. Inside a
// testing/synctest bubble the handler's sleeps and the client's timers then
// take virtual time only, so a test of a sender against a receiver runs in
// milliseconds and does not depend on the machine's speed.
package memhttp

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Transport is an http.RoundTripper that serves each request with Handler
// after Transit, and hands its answer back after Transit again. A request
// whose context has ended, or ends while Handler serves it, fails with the
// context's error, as it would over a socket.
type Transport struct {
	Handler http.Handler
	Transit time.Duration // one way; 0 answers in the instant a request is sent
}

// RoundTrip implements http.RoundTripper.
func (t Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	if t.Transit > 0 {
		time.Sleep(t.Transit)
	}
	in := req.Clone(req.Context())
	in.RequestURI, in.RemoteAddr = req.URL.RequestURI(), "127.0.0.1:1"
	if in.Body == nil {
		in.Body = http.NoBody
	}
	if in.Host == "" {
		in.Host = req.URL.Host
	}
	body := in.Body // a handler may replace in.Body: close what was sent, as a server does
	w := httptest.NewRecorder()
	t.Handler.ServeHTTP(w, in)
	_ = body.Close()
	if t.Transit > 0 {
		time.Sleep(t.Transit)
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	res := w.Result()
	res.Request = req
	return res, nil
}

// Clock is a clock on the time package (Now and After). Inside a synctest
// bubble it is virtual time, on which a sender waits on timers instead of
// polling the clock, so that the bubble's time can move.
type Clock struct{}

// Now returns time.Now().
func (Clock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (Clock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// JumpClock is a clock that never sleeps: After moves it forward at once,
// and Advance moves it by hand (to model a round trip). It is safe for
// concurrent use. Outside a synctest bubble it makes a sender's waits take
// no real time; what takes real time (a request over a socket) leaves it
// where it is.
type JumpClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewJumpClock returns a JumpClock that reads t.
func NewJumpClock(t time.Time) *JumpClock { return &JumpClock{t: t} }

// Now returns the clock's time.
func (c *JumpClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// After moves the clock d ahead (not back, for a negative d) and returns a
// channel that already holds the new time.
func (c *JumpClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(max(d, 0))
	ch := make(chan time.Time, 1)
	ch <- c.t
	return ch
}

// Advance moves the clock d ahead.
func (c *JumpClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
