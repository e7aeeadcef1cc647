package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestRunNoResponseExits3: a target that accepts connections but answers
// none of the attempts within --timeout does not pass. As for a target
// that refuses every connection, the run exits 3; the report is still
// printed, with a FAIL verdict and the reason.
func TestRunNoResponseExits3(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	d, out, errOut := newTestDeps()
	d.Now = time.Now
	code := execute(context.Background(), newRootCmd(d), errOut, []string{"run", "steady", "--rate", "10/s", "--duration", "300ms",
		"--target", srv.URL + "/hooks/t1?token=s3cret", "--retry", "none", "--timeout", "20ms", "--drain", "0s", "--quiet"})
	if code != 3 {
		t.Errorf("exit %d, want 3\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.HasPrefix(out.String(), "hooklimit run: FAIL") || !strings.Contains(out.String(), "note: no attempt got a response: all 3 attempts failed (the first: timeout: no response within 20ms)") {
		t.Errorf("stdout:\n%s", out)
	}
	if want := "run: sending steady (rate 10/s, duration 300ms) to " + srv.URL + "/hooks/t1?redacted; it stops at 50 attempts per event once past 10,000 attempts; --max-requests N sets a hard cap\n" +
		"hooklimit: target " + srv.URL + "/hooks/t1?redacted answered none of 3 attempts: every one failed before a response came\n"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
}
