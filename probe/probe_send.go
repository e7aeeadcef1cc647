package probe

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"
)

// SendResult is the answer to one probe request.
type SendResult struct {
	Status int         // 0 for a transport error
	Header http.Header // the response's header fields (only rate-limit ones need be kept)
	Err    string      // a short transport error, holding no URL and no header value
	Dial   bool        // the error was a failure to connect
}

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
	return SendResult(rep)
}

// DefaultProbeBody is the body of every probe request but those of the
// bytes step: two bytes, so that the count steps barely touch a byte
// limit.
const DefaultProbeBody = "{}"

// ProbeBodySize returns the size of the body Send sends when asked for
// size bytes: size, but at least the length of DefaultProbeBody and at
// most MaxBodySize.
func ProbeBodySize(size int64) int64 { return int64(len(probeBody(size))) }

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
