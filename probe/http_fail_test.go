package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/probe/retry"
)

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestHTTPTimeout sends to a target that accepts and never answers,
// served in memory: the attempt times out in virtual time.
func TestHTTPTimeout(t *testing.T) {
	synctest.Test(t, testHTTPTimeout)
}

func testHTTPTimeout(t *testing.T) {
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	rec, st, err := runEngine(t, memEngine(&Engine{Source: evenly(1, 0), Policy: retry.None{}, Target: &HTTPTarget{Timeout: 100 * time.Millisecond}}, h))
	if err != nil {
		t.Fatalf("Run: %v (a target that accepts and stalls is reachable)", err)
	}
	if len(rec.attempts) != 1 {
		t.Fatalf("%d attempts", len(rec.attempts))
	}
	a := rec.attempts[0]
	if a.Status != 0 || !strings.Contains(a.Err, "timeout") || a.Done-a.Sent < int64(100*time.Millisecond) {
		t.Errorf("attempt: status %d, err %q, took %v; want 0, a timeout, ≥ 100ms", a.Status, a.Err, time.Duration(a.Done-a.Sent))
	}
	if f := rec.fates(); f[GaveUp] != 1 {
		t.Errorf("fates %v, want 1 gave up", f)
	}
	checkOneOutcomeEach(t, rec, st)
}

// TestHTTPConnectionDropped hijacks every connection and closes it, with
// and without a reset, and retries once.
func TestHTTPConnectionDropped(t *testing.T) {
	for _, reset := range []bool{true, false} {
		srv := server(t, func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			if tc, ok := conn.(*net.TCPConn); ok && reset {
				_ = tc.SetLinger(0) // close with RST
			}
			conn.Close()
		})
		rec, st, err := runEngine(t, &Engine{Source: evenly(2, 0), Policy: retry.Immediate{Max: 1}, Target: &HTTPTarget{URL: srv.URL, Drain: time.Second}})
		if err != nil {
			t.Fatalf("reset %v: Run: %v (a target that accepts is reachable)", reset, err)
		}
		if len(rec.attempts) != 4 {
			t.Errorf("reset %v: %d attempts, want 4 (2 events, 1 retry each)", reset, len(rec.attempts))
		}
		for _, a := range rec.attempts {
			if a.Status != 0 || !strings.Contains(a.Err, "connection") {
				t.Errorf("reset %v: attempt status %d, err %q; want 0 and a connection error", reset, a.Status, a.Err)
			}
		}
		if f := rec.fates(); f[GaveUp] != 2 {
			t.Errorf("reset %v: fates %v, want 2 gave up", reset, f)
		}
		checkOneOutcomeEach(t, rec, st)
	}
}

// TestHTTPUnreachable points the engine at a port nothing listens on.
func TestHTTPUnreachable(t *testing.T) {
	addr := closedAddr(t)
	rec, st, err := runEngine(t, &Engine{Source: evenly(3, 0), Policy: retry.Immediate{Max: 2}, Target: &HTTPTarget{URL: "http://" + addr + "/hooks/t1?token=abc", Drain: time.Second}})
	if code := exitcode.Of(err); code != exitcode.Runtime {
		t.Fatalf("Run: %v (exit %d), want exit 3", err, code)
	}
	want := "target " + addr + " is unreachable: connection refused"
	if !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "token") {
		t.Errorf("error %q, want it to start %q and hold no query", err, want)
	}
	if st.Attempts != 9 || len(rec.attempts) != 9 {
		t.Errorf("%d attempts (observer %d), want 9", st.Attempts, len(rec.attempts))
	}
	for _, a := range rec.attempts {
		if a.Status != 0 || a.Err != "connection refused" {
			t.Errorf("attempt: status %d, err %q", a.Status, a.Err)
		}
	}
	checkOneOutcomeEach(t, rec, st)
}

// TestHTTPUnreachableStops checks that a long run against a down target
// stops after the first second instead of playing its schedule.
func TestHTTPUnreachableStops(t *testing.T) {
	t.Parallel()
	rec, st, err := runEngine(t, &Engine{Source: evenly(100, 50*time.Millisecond), Policy: retry.None{}, Target: &HTTPTarget{URL: "http://" + closedAddr(t)}})
	if exitcode.Of(err) != exitcode.Runtime || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("Run: %v, want an exit-3 unreachable error", err)
	}
	if st.Emissions >= 100 {
		t.Errorf("all %d emissions sent: the run did not stop", st.Emissions)
	}
	if f := rec.fates(); f[GaveUp] != int(st.Emissions) {
		t.Errorf("fates %v for %d emissions", f, st.Emissions)
	}
	if last := rec.attempts[len(rec.attempts)-1]; last.Sent-st.Start < int64(UnreachableWindow)-int64(100*time.Millisecond) {
		t.Errorf("stopped %v after the first attempt, before the window", time.Duration(last.Sent-st.Start))
	}
}

// TestHTTPSecrets checks that header values and the URL's query reach the
// server but no Attempt and no error.
func TestHTTPSecrets(t *testing.T) {
	const secret, query = "Bearer s3cr3t-t0ken-xyz", "sig=qu3ry-s3cr3t"
	var mu sync.Mutex
	var got string
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Get("Authorization") + " " + r.URL.RawQuery
		mu.Unlock()
		conn, _, _ := http.NewResponseController(w).Hijack()
		conn.Close()
	})
	check := func(what, s string) {
		if strings.Contains(s, "s3cr3t") {
			t.Errorf("%s holds a secret: %s", what, s)
		}
	}
	for _, target := range []string{srv.URL + "/h?" + query, "http://" + closedAddr(t) + "/h?" + query} {
		rec, _, err := runEngine(t, &Engine{Source: evenly(1, 0), Policy: retry.None{}, Target: &HTTPTarget{URL: target, Header: http.Header{"Authorization": {secret}}}})
		if err != nil {
			check("error", err.Error())
		}
		for _, a := range rec.attempts {
			check("attempt", fmt.Sprintf("%+v", a))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if got != secret+" "+query {
		t.Errorf("server got %q, want the header and the query", got)
	}
	// A message from the transport that quotes the URL or a header.
	r := &Requester{rawURL: "http://h/x?" + query, header: http.Header{"Authorization": {secret}}, timeout: time.Second}
	for _, err := range []error{
		&url.Error{Op: "Post", URL: "http://h/x?" + query, Err: errors.New("weird: " + secret)},
		errors.New(`malformed "http://h/x?` + query + `"`),
	} {
		msg, _ := r.describe(err)
		check("describe", msg)
	}
}

func TestHTTPDescribe(t *testing.T) {
	r := &Requester{timeout: 10 * time.Second}
	dial := func(e error) error {
		return &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: e}}}
	}
	read := func(e error) error {
		return &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "read", Net: "tcp", Err: &os.SyscallError{Syscall: "read", Err: e}}}
	}
	tests := []struct {
		err  error
		msg  string
		dial bool
	}{
		{dial(syscall.ECONNREFUSED), "connection refused", true},
		{dial(syscall.EHOSTUNREACH), "host unreachable", true},
		{dial(syscall.ENETUNREACH), "network unreachable", true},
		{&url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}}, "no such host", true},
		{&url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "dial", Err: context.DeadlineExceeded}}, "timeout: not connected within 10s", true},
		{read(syscall.ECONNRESET), "connection reset", false},
		{&url.Error{Op: "Post", URL: "http://x", Err: io.EOF}, "connection closed before a response", false},
		{&url.Error{Op: "Post", URL: "http://x", Err: context.DeadlineExceeded}, "timeout: no response within 10s", false},
		{&url.Error{Op: "Post", URL: "http://x", Err: context.Canceled}, "interrupted", false},
		{&url.Error{Op: "Post", URL: "http://x", Err: errors.New("tls: bad certificate")}, "tls: bad certificate", false},
	}
	for _, tt := range tests {
		msg, dial := r.describe(tt.err)
		if msg != tt.msg || dial != tt.dial {
			t.Errorf("describe(%v) = %q, %v; want %q, %v", tt.err, msg, dial, tt.msg, tt.dial)
		}
	}
}

func TestHTTPBadSetup(t *testing.T) {
	for _, tg := range []*HTTPTarget{
		{URL: "ftp://x/y?secret=1"},
		{URL: "127.0.0.1:8080/hooks"},
		{URL: "http://127.0.0.1:1/", Method: "PO ST"},
	} {
		_, err := (&Engine{Source: evenly(1, 0), Policy: retry.None{}, Target: tg}).Run(context.Background())
		if exitcode.Of(err) != exitcode.Usage || strings.Contains(err.Error(), "secret") {
			t.Errorf("%q %q: %v, want a usage error without the query", tg.Method, tg.URL, err)
		}
	}
	if _, err := (&Engine{Target: &HTTPTarget{URL: "http://127.0.0.1:1/"}}).Run(context.Background()); err == nil {
		t.Error("no Source or Policy: no error")
	}
}
