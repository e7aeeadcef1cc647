package receiver

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// Defaults of ServerOptions: generous enough for any webhook sender, short
// enough that slow or stalled clients cannot hold connections for long.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultShutdownGrace     = 10 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
)

// ServerOptions are the HTTP server's limits. The zero value of a field
// is its default; WriteTimeout is extended by the longest added latency.
type ServerOptions struct {
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// ShutdownGrace is how long requests in flight get to finish when the
	// server stops, on top of the longest added latency (so that a request
	// waiting out its latency is answered); after it their connections are
	// closed, and the requests not yet answered are recorded unanswered.
	ShutdownGrace  time.Duration
	MaxHeaderBytes int
	// ErrorLog receives the server's own errors (bad TLS, accept
	// failures); default discarded.
	ErrorLog io.Writer
}

func orDur(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// ShutdownGrace returns how long Serve with so lets the requests in
// flight finish when it stops: so.ShutdownGrace (default
// DefaultShutdownGrace) plus the longest added latency.
func (rv *Receiver) ShutdownGrace(so ServerOptions) time.Duration {
	return orDur(so.ShutdownGrace, DefaultShutdownGrace) + rv.opt.LatencyMax
}

// Serve answers requests on ln until ctx is done, then shuts down
// gracefully: it stops accepting, lets the requests in flight finish
// (ShutdownGrace at most, then closes their connections), and hands every
// record to the Recorder before it returns. No request that was answered
// is lost to the report. It returns the server's error if it failed for
// another reason than shutting down.
func (rv *Receiver) Serve(ctx context.Context, ln net.Listener, so ServerOptions) error {
	logw := so.ErrorLog
	if logw == nil {
		logw = io.Discard
	}
	srv := &http.Server{
		Handler:           rv,
		ReadHeaderTimeout: orDur(so.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:       orDur(so.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:      orDur(so.WriteTimeout, DefaultWriteTimeout) + rv.opt.LatencyMax,
		IdleTimeout:       orDur(so.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:    so.MaxHeaderBytes,
		ErrorLog:          log.New(logw, "hooklimit serve: ", 0),
	}
	if srv.MaxHeaderBytes <= 0 {
		srv.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	rv.Start()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rv.ShutdownGrace(so))
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
		cancel()
		err = <-errc
	}
	rv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
