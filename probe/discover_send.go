package probe

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"
)

// Sender makes one probe request with a body of size bytes and returns
// what came back. It must be safe for concurrent use. Discover times the
// call itself.
type Sender interface {
	Send(ctx context.Context, size int64) SendResult
}

// SendResult is the answer to one probe request.
type SendResult struct {
	Status int         // 0 for a transport error
	Header http.Header // the response's header fields (only rate-limit ones need be kept)
	Err    string      // a short transport error, holding no URL and no header value
	Dial   bool        // the error was a failure to connect
}

// ProbeRequest is one request Discover made. Times are Unix nanoseconds.
type ProbeRequest struct {
	Seq      int    // from 1, in the order sent
	Step     string // the step that sent it
	Size     int64  // body bytes
	Intended int64  // when it was due
	Sent     int64
	Done     int64
	Status   int // 0 for a transport error
	// RetryAfter is the parsed Retry-After, when HasRetryAfter; the raw
	// value is in RateLimit["Retry-After"].
	RetryAfter    time.Duration
	HasRetryAfter bool
	// RateLimit holds the rate-limit header fields as sent (see
	// HTTPTarget), nil when there are none.
	RateLimit map[string]string
	Err       string
	// limit503 says a 503 behaves like rate limiting (see classify503);
	// any other 503 is an application error.
	limit503 bool
}

// Admitted reports whether the request got a 2xx.
func (p *ProbeRequest) Admitted() bool { return p.Status >= 200 && p.Status <= 299 }

// Limited reports whether the request was rejected for its rate: a 429,
// or a 503 that behaves like rate limiting (some limiters, nginx's among
// them, send 503 by default; see classify503).
func (p *ProbeRequest) Limited() bool {
	return p.Status == http.StatusTooManyRequests || (p.Status == http.StatusServiceUnavailable && p.limit503)
}

// Passed reports whether the request got past the limiter: admitted, or
// failed by the application behind it (AppError), which the limiter
// counted as it counts what it admits.
func (p *ProbeRequest) Passed() bool { return p.Admitted() || p.AppError() }

// AppError reports whether the request got a 5xx that is not rate
// limiting: the application behind the limiter failed.
func (p *ProbeRequest) AppError() bool { return p.Status >= 500 && p.Status <= 599 && !p.Limited() }

// HTTPSender sends probe requests to one URL, with a Requester.
type HTTPSender struct{ q *Requester }

// NewHTTPSender returns a sender of method requests to rawURL with header
// (whose values may be secrets: they never appear in errors), each allowed
// timeout. Its client keeps up to inFlight connections alive, does not
// follow redirects and ignores proxies for loopback targets.
func NewHTTPSender(rawURL, method string, header http.Header, timeout time.Duration, inFlight int) (*HTTPSender, error) {
	if timeout <= 0 {
		timeout = DefaultHTTPTimeout
	}
	q, err := NewRequester(RequestOptions{URL: rawURL, Method: method, Header: header, Timeout: timeout, MaxIdle: inFlight, UserAgent: "hooklimit-probe"})
	if err != nil {
		return nil, err
	}
	return &HTTPSender{q: q}, nil
}

// SetTransport makes s send its requests through rt instead of its own
// connections (tests serve a handler in memory with it). Redirects are
// still not followed.
func (s *HTTPSender) SetTransport(rt http.RoundTripper) { s.q.SetTransport(rt) }

// Host returns the target's host:port, for messages.
func (s *HTTPSender) Host() string { return s.q.Host() }

// Close releases the sender's idle connections.
func (s *HTTPSender) Close() { s.q.Close() }

// Send makes one request with a body of size bytes: DefaultProbeBody
// padded with spaces (a JSON document still), or that body when size is
// smaller.
func (s *HTTPSender) Send(ctx context.Context, size int64) SendResult {
	body := probeBody(size)
	req, err := s.q.NewRequest("", io.NopCloser(bytes.NewReader(body)), int64(len(body)))
	if err != nil {
		return SendResult{Err: err.Error()}
	}
	rep := s.q.Do(ctx, req)
	return SendResult{Status: rep.Status, Header: rep.Header, Err: rep.Err, Dial: rep.Dial}
}

// probeBody returns DefaultProbeBody padded with spaces to size bytes.
func probeBody(size int64) []byte {
	b := []byte(DefaultProbeBody)
	if size <= int64(len(b)) {
		return b
	}
	size = min(size, MaxBodySize)
	out := make([]byte, size)
	copy(out, b)
	for i := len(b); i < len(out); i++ {
		out[i] = ' '
	}
	return out
}
