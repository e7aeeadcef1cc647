package probe

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/redact"
)

// SendResult is the answer to one probe request.
type SendResult struct {
	Status int         // 0 for a transport error
	Header http.Header // the response's header fields (only rate-limit ones need be kept)
	Err    string      // a short transport error, holding no URL and no header value
	Dial   bool        // the error was a failure to connect
}

// HTTPSender sends probe requests to one URL.
type HTTPSender struct {
	url     *url.URL
	raw     string
	method  string
	header  http.Header
	timeout time.Duration
	client  *http.Client
}

// NewHTTPSender returns a sender of method requests to rawURL with header
// (whose values may be secrets: they never appear in errors), each allowed
// timeout. Its client keeps up to inFlight connections alive, does not
// follow redirects and ignores proxies for loopback targets.
func NewHTTPSender(rawURL, method string, header http.Header, timeout time.Duration, inFlight int) (*HTTPSender, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, exitcode.Usagef("target %q is not an http:// or https:// URL", redact.URL(rawURL))
	}
	if method == "" {
		method = http.MethodPost
	}
	if !validMethod(method) {
		return nil, exitcode.Usagef("HTTP method %q is not a valid token", method)
	}
	if timeout <= 0 {
		timeout = DefaultHTTPTimeout
	}
	return &HTTPSender{url: u, raw: rawURL, method: method, header: header.Clone(), timeout: timeout,
		client: defaultHTTPClient(max(inFlight, 1))}, nil
}

// SetTransport makes s send its requests through rt instead of its own
// connections (tests serve a handler in memory with it). Redirects are
// still not followed.
func (s *HTTPSender) SetTransport(rt http.RoundTripper) { s.client.Transport = rt }

// Host returns the target's host:port, for messages.
func (s *HTTPSender) Host() string { return s.url.Host }

// Close releases the sender's idle connections.
func (s *HTTPSender) Close() { s.client.CloseIdleConnections() }

// Send makes one request with a body of size bytes: DefaultProbeBody
// padded with spaces (a JSON document still), or that body when size is
// smaller.
func (s *HTTPSender) Send(ctx context.Context, size int64) SendResult {
	body := probeBody(size)
	h := s.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	if h.Get("User-Agent") == "" {
		h.Set("User-Agent", "hooklimit-probe")
	}
	host := s.url.Host
	if v := h.Get("Host"); v != "" {
		host = v
		h.Del("Host")
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req := (&http.Request{Method: s.method, URL: s.url, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Host: host}).WithContext(ctx)
	resp, err := s.client.Do(req)
	if err != nil {
		r := &httpRun{timeout: s.timeout, rawURL: s.raw, header: s.header}
		msg, dial := r.describe(err)
		return SendResult{Err: msg, Dial: dial}
	}
	_, _ = io.CopyN(io.Discard, resp.Body, maxResponseBody)
	_ = resp.Body.Close()
	return SendResult{Status: resp.StatusCode, Header: resp.Header}
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
