package discover

import (
	"context"
	"net/http"
	"time"

	"github.com/hooklimit/hooklimit/probe"
)

// Sender makes one probe request with a body of size bytes and returns
// what came back. It must be safe for concurrent use. Discover times the
// call itself.
type Sender interface {
	Send(ctx context.Context, size int64) probe.SendResult
}

// ProbeRequest is one request Discover made. Times are Unix nanoseconds.
type ProbeRequest struct {
	Seq      int    // from 1, in the order sent
	Step     string // the step that sent it
	Key      string // "" for the probed URL, AlsoKey for DiscoverOptions.Also
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
	// probe.HTTPTarget), nil when there are none.
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
