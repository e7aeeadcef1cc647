package probe

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hooklimit/hooklimit/probe/retry"
)

// maxResponseBody is how much of a response body is read (and dropped) so
// that its connection can be reused; a longer body closes the connection.
const maxResponseBody = 64 << 10

// bodyBufPool holds the buffers bodies are rendered into.
var bodyBufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// defaultHTTPClient is the client an HTTPEngine uses when it is given none.
func defaultHTTPClient(maxInFlight int) *http.Client {
	t := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: maxInFlight,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// send makes the attempt in s and hands s back on r.done. It runs on its
// own goroutine and touches nothing but s.
func (r *httpRun) send(s *sendSlot) {
	defer func() { r.done <- s }()
	a := &s.att
	req, n, err := r.request(s)
	a.Size = n
	if err != nil {
		a.Done, a.Err = r.now(), err.Error()
		return
	}
	ctx, cancel := context.WithTimeout(r.reqCtx, r.timeout)
	defer cancel()
	resp, err := r.client.Do(req.WithContext(ctx))
	if err != nil {
		a.Done = r.now()
		a.Err, s.dial = r.describe(err)
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, maxResponseBody)
	_ = resp.Body.Close()
	a.Done = r.now()
	a.Status = resp.StatusCode
	a.RateLimit = RateLimitFields(resp.Header)
	if v := resp.Header.Get("Retry-After"); v != "" {
		if d, err := retry.ParseRetryAfter(v, time.Unix(0, a.Done)); err == nil {
			a.RetryAfter, a.HasRetryAfter = d, true
		}
	}
}

// request builds the request of the attempt in s and returns it with its
// body's length.
func (r *httpRun) request(s *sendSlot) (*http.Request, int64, error) {
	p := &s.p
	u := r.u
	if r.keyed {
		var err error
		u, err = url.Parse(strings.ReplaceAll(r.rawURL, "{key}", url.PathEscape(s.att.Key)))
		if err != nil {
			return nil, 0, errors.New("invalid target URL for key " + strconv.Quote(s.att.Key))
		}
	}
	id := eventID(r.runID, p.event)
	buf := bodyBufPool.Get().(*bytes.Buffer)
	if err := r.body.Render(buf, NewBodyData(id, int64(p.event)-1, s.att.Key, time.Unix(0, p.emitted), s.att.N)); err != nil {
		bodyBufPool.Put(buf)
		return nil, 0, err
	}
	if size := int(min(p.size, MaxBodySize)); size > buf.Len() {
		pad(buf, size)
	}
	body := buf.Bytes()
	h := make(http.Header, len(r.header)+6)
	for k, v := range r.header {
		h[k] = v
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = []string{"application/json"}
	}
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = []string{"hooklimit"}
	}
	host := u.Host
	if v := h.Get("Host"); v != "" { // the transport ignores a Host header
		host = v
		h.Del("Host")
	}
	h.Set(r.idHeader, id)
	h.Set(RunIDHeader, r.runID)
	if r.e.Signer != nil {
		r.e.Signer.SetHeaders(h, id, time.Unix(0, s.att.Sent), body)
	}
	req := &http.Request{
		Method:        r.method,
		URL:           u,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          &pooledBody{Reader: bytes.NewReader(body), buf: buf},
		ContentLength: int64(len(body)),
		Host:          host,
	}
	return req, int64(len(body)), nil
}

// pooledBody is a request body that goes back to bodyBufPool when the
// transport closes it, which it does once it no longer reads it (possibly
// after Do has returned).
type pooledBody struct {
	*bytes.Reader
	buf  *bytes.Buffer
	once sync.Once
}

func (b *pooledBody) Close() error {
	b.once.Do(func() { bodyBufPool.Put(b.buf) })
	return nil
}

// describe turns a transport error into a short message that holds no URL
// and no header value, and reports whether it is a failure to connect.
func (r *httpRun) describe(err error) (msg string, dial bool) {
	var op *net.OpError
	dial = errors.As(err, &op) && op.Op == "dial"
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "interrupted", dial
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		if dial {
			return "timeout: not connected within " + r.timeout.String(), true
		}
		return "timeout: no response within " + r.timeout.String(), false
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.As(err, &dns):
		return "no such host", true
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable", true
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable", true
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset", dial
	case errors.Is(err, syscall.EPIPE):
		return "connection closed while sending", dial
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed before a response", dial
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return r.redact(err.Error()), dial
}

// redact removes the target URL, its query and every header value from
// msg, and shortens it.
func (r *httpRun) redact(msg string) string {
	secrets := []string{r.rawURL}
	if _, q, ok := strings.Cut(r.rawURL, "?"); ok {
		secrets = append(secrets, q)
	}
	for _, vs := range r.header {
		secrets = append(secrets, vs...)
	}
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
		}
	}
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return msg
}

// RateLimitFields returns the rate-limit header fields of a response, by
// their canonical names, with the values of a repeated field joined by
// ", "; nil when there are none.
func RateLimitFields(h http.Header) map[string]string {
	var m map[string]string
	for k, vs := range h {
		if !isRateLimitField(k) {
			continue
		}
		if m == nil {
			m = make(map[string]string, 4)
		}
		m[http.CanonicalHeaderKey(k)] = strings.Join(vs, ", ")
	}
	return m
}

// isRateLimitField reports whether the header field name is one of those
// HTTPEngine records: RateLimit, RateLimit-Policy, Retry-After, and the
// X-RateLimit-*, X-Rate-Limit-* and X-Byte-Limit-* families.
func isRateLimitField(name string) bool {
	switch {
	case strings.EqualFold(name, "RateLimit"), strings.EqualFold(name, "RateLimit-Policy"), strings.EqualFold(name, "Retry-After"):
		return true
	}
	for _, prefix := range [...]string{"X-RateLimit-", "X-Rate-Limit-", "X-Byte-Limit-"} {
		if len(name) > len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
			return true
		}
	}
	return false
}
