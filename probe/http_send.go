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

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/redact"
	"github.com/hooklimit/hooklimit/probe/retry"
)

// maxResponseBody is how much of a response body is read (and dropped) so
// that its connection can be reused; a longer body closes the connection.
const maxResponseBody = 64 << 10

// bodyBufPool holds the buffers bodies are rendered into.
var bodyBufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// defaultHTTPClient is the client a Requester uses when it is given none.
func defaultHTTPClient(maxIdle int) *http.Client {
	t := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: maxIdle,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// RequestOptions configure a Requester.
type RequestOptions struct {
	URL string // http or https; required
	// Keyed says "{key}" in URL is replaced by each request's key,
	// path-escaped.
	Keyed  bool
	Method string // default POST
	// Header is sent with every request. Its values may be secrets: they
	// never appear in errors.
	Header  http.Header
	Timeout time.Duration // per request, connecting included; default 10s
	// Client sends the requests. The default keeps up to MaxIdle
	// connections alive, does not follow redirects and honours HTTPS_PROXY
	// and HTTP_PROXY except for loopback targets.
	Client    *http.Client
	MaxIdle   int
	UserAgent string // sent unless Header has one; default "hooklimit"
}

// Requester builds and sends the webhook requests of one target: the run
// engine's attempts and limit discovery's probes. Every request carries
// Header, then Content-Type application/json and User-Agent unless Header
// sets them; a Host field in Header names the host the request is sent
// for. Redirects are not followed. The response body is read (up to 64
// KiB) and dropped. A transport error becomes a short message that holds
// no URL, no query and no header value. It is safe for concurrent use.
type Requester struct {
	rawURL    string
	u         *url.URL // the target, when it has no {key}
	keyed     bool
	host      string // host:port, for messages
	method    string
	header    http.Header
	timeout   time.Duration
	userAgent string
	client    *http.Client
	ownClient bool
}

// NewRequester checks o and returns its requester. A URL that is not
// http or https, or a method that is not a token, is a usage error whose
// message holds no query or credentials.
func NewRequester(o RequestOptions) (*Requester, error) {
	q := &Requester{rawURL: o.URL, keyed: o.Keyed && strings.Contains(o.URL, "{key}"), method: o.Method,
		header: o.Header.Clone(), timeout: o.Timeout, userAgent: o.UserAgent, client: o.Client}
	raw := o.URL
	if q.keyed {
		raw = strings.ReplaceAll(raw, "{key}", "k")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, exitcode.Usagef("target %q is not an http:// or https:// URL", redact.URL(o.URL))
	}
	q.host = u.Host
	if !q.keyed {
		q.u = u
	}
	if q.method == "" {
		q.method = DefaultHTTPMethod
	}
	if !validMethod(q.method) {
		return nil, exitcode.Usagef("HTTP method %q is not a valid token", q.method)
	}
	if q.timeout == 0 {
		q.timeout = DefaultHTTPTimeout
	}
	if q.userAgent == "" {
		q.userAgent = "hooklimit"
	}
	if q.client == nil {
		q.client, q.ownClient = defaultHTTPClient(max(o.MaxIdle, 1)), true
	}
	return q, nil
}

// Host returns the target's host:port, for messages.
func (q *Requester) Host() string { return q.host }

// SetTransport makes q send its requests through rt (tests serve a
// handler in memory with it). Redirects are still not followed.
func (q *Requester) SetTransport(rt http.RoundTripper) { q.client.Transport = rt }

// Close releases the idle connections of the requester's own client.
func (q *Requester) Close() {
	if q.ownClient {
		q.client.CloseIdleConnections()
	}
}

// NewRequest returns the request of key carrying body, n bytes long,
// which the transport closes. The caller may set more header fields
// before Do. On error body is closed.
func (q *Requester) NewRequest(key string, body io.ReadCloser, n int64) (*http.Request, error) {
	u := q.u
	if q.keyed {
		var err error
		if u, err = url.Parse(strings.ReplaceAll(q.rawURL, "{key}", url.PathEscape(key))); err != nil {
			_ = body.Close()
			return nil, errors.New("invalid target URL for key " + strconv.Quote(key))
		}
	}
	h := make(http.Header, len(q.header)+6)
	for k, v := range q.header {
		h[k] = v
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = []string{"application/json"}
	}
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = []string{q.userAgent}
	}
	host := u.Host
	if v := h.Get("Host"); v != "" { // the transport ignores a Host header
		host = v
		h.Del("Host")
	}
	return &http.Request{
		Method:        q.method,
		URL:           u,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          body,
		ContentLength: n,
		Host:          host,
	}, nil
}

// Reply is what came back for a request.
type Reply struct {
	Status int         // 0 for a transport error
	Header http.Header // the response's header; nil for a transport error
	Err    string      // the transport error: short, holding no URL and no header value
	Dial   bool        // the error was a failure to connect
}

// Do sends req within the requester's timeout and ctx, and returns the
// reply.
func (q *Requester) Do(ctx context.Context, req *http.Request) Reply {
	ctx, cancel := context.WithTimeout(ctx, q.timeout)
	defer cancel()
	resp, err := q.client.Do(req.WithContext(ctx))
	if err != nil {
		msg, dial := q.describe(err)
		return Reply{Err: msg, Dial: dial}
	}
	_, _ = io.CopyN(io.Discard, resp.Body, maxResponseBody)
	_ = resp.Body.Close()
	return Reply{Status: resp.StatusCode, Header: resp.Header}
}

// RateLimit returns the rate-limit fields of the reply (see
// isRateLimitField) and its Retry-After, parsed as of done, when it has
// one that parses.
func (r *Reply) RateLimit(done time.Time) (fields map[string]string, retryAfter time.Duration, ok bool) {
	if r.Header == nil {
		return nil, 0, false
	}
	fields = rateLimitFields(r.Header)
	if v := r.Header.Get("Retry-After"); v != "" {
		if d, err := retry.ParseRetryAfter(v, done); err == nil {
			return fields, d, true
		}
	}
	return fields, 0, false
}

// post makes the attempt in s and hands s back on l.done. It runs on its
// own goroutine and touches nothing but s.
func (l *httpLink) post(s *sendSlot) {
	defer func() { l.done <- s }()
	a := &s.att
	req, n, err := l.request(s)
	a.Size = n
	if err != nil {
		a.Done, a.Err = l.now(), err.Error()
		return
	}
	rep := l.req.Do(l.reqCtx, req)
	a.Done = l.now()
	a.Status, a.Err, s.dial = rep.Status, rep.Err, rep.Dial
	a.RateLimit, a.RetryAfter, a.HasRetryAfter = rep.RateLimit(time.Unix(0, a.Done))
}

// send sends the attempt in s on its own goroutine.
func (l *httpLink) send(s *sendSlot) {
	if l.firstSent == 0 {
		l.firstSent = s.att.Sent
	}
	go l.post(s)
}

// request builds the request of the attempt in s and returns it with its
// body's length.
func (l *httpLink) request(s *sendSlot) (*http.Request, int64, error) {
	p := &s.p
	id := eventID(l.runID, p.event)
	buf := bodyBufPool.Get().(*bytes.Buffer)
	if err := l.body.Render(buf, NewBodyData(id, int64(p.event)-1, s.att.Key, time.Unix(0, p.emitted), s.att.N)); err != nil {
		bodyBufPool.Put(buf)
		return nil, 0, err
	}
	if size := int(min(p.size, MaxBodySize)); size > buf.Len() {
		pad(buf, size)
	}
	// The body is a copy in a reader net/http knows to be in memory, so
	// that it writes the header and the body in one write; with a reader
	// of its own (which could give the buffer back to the pool when the
	// transport closed it) net/http flushes the header first: two system
	// calls per request. The transport may still read the body after Do
	// returns, so the pooled buffer itself cannot be handed over.
	body := bytes.Clone(buf.Bytes())
	bodyBufPool.Put(buf)
	req, err := l.req.NewRequest(s.att.Key, io.NopCloser(bytes.NewReader(body)), int64(len(body)))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set(l.idHeader, id)
	req.Header.Set(RunIDHeader, l.runID)
	if l.signer != nil {
		l.signer.SetHeaders(req.Header, id, time.Unix(0, s.att.Sent), body)
	}
	return req, int64(len(body)), nil
}

// describe turns a transport error into a short message that holds no URL
// and no header value, and reports whether it is a failure to connect.
func (q *Requester) describe(err error) (msg string, dial bool) {
	var op *net.OpError
	dial = errors.As(err, &op) && op.Op == "dial"
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "interrupted", dial
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		if dial {
			return "timeout: not connected within " + q.timeout.String(), true
		}
		return "timeout: no response within " + q.timeout.String(), false
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
	return q.redact(err.Error()), dial
}

// redact removes the target URL, its query and every header value from
// msg, and shortens it.
func (q *Requester) redact(msg string) string {
	secrets := []string{q.rawURL}
	if _, query, ok := strings.Cut(q.rawURL, "?"); ok {
		secrets = append(secrets, query)
	}
	for _, vs := range q.header {
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

// rateLimitFields returns the rate-limit header fields of a response, by
// their canonical names, with the values of a repeated field joined by
// ", "; nil when there are none.
func rateLimitFields(h http.Header) map[string]string {
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
// a run records: RateLimit, RateLimit-Policy, Retry-After, and the
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
