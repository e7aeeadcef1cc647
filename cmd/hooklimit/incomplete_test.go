package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/report"
)

// TestRunTargetInterruptedIsIncomplete interrupts `run --target` (its
// context is cancelled, as Ctrl-C does) after the fifth request: it exits
// 130, its results file says incomplete, and `report` on that file exits 1
// with an error in its JUnit.
func TestRunTargetInterruptedIsIncomplete(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if n++; n == 5 {
			cancel()
		}
		mu.Unlock()
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "r.jsonl")
	d, stdout, stderr := newTestDeps()
	code := execute(ctx, newRootCmd(d), stderr, []string{"run", "steady", "--rate", "50", "--duration", "20s", "--target", srv.URL,
		"--retry", "none", "--out", out, "--quiet", "--format", "json"})
	if code != exitcode.Interrupted {
		t.Fatalf("run exited %d, want 130: %s", code, stderr)
	}
	var res report.RunResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Verdict != report.VerdictIncomplete || res.Incomplete == nil || res.Incomplete.Reason != report.CutInterrupted ||
		res.Incomplete.At != report.Timestamp(testNow.UnixNano()) {
		t.Fatalf("verdict %s, incomplete %+v", res.Verdict, res.Incomplete)
	}
	if res.Delivery.Attempts < 5 || res.Delivery.Attempts > 100 {
		t.Errorf("%d attempts: want those sent before the interrupt", res.Delivery.Attempts)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(data), `"verdict":"incomplete"`) {
		t.Fatalf("results file: %v\n%.300s", err, data)
	}
	for _, tt := range []struct{ format, want string }{
		{"junit", `<error message="interrupted at 2026-`},
		{"markdown", "INCOMPLETE, not a pass: interrupted at"},
		{"table", "hooklimit run: INCOMPLETE"},
	} {
		d, stdout, stderr := newTestDeps()
		if code := execute(context.Background(), newRootCmd(d), stderr, []string{"report", out, "--format", tt.format}); code != exitcode.Fail {
			t.Errorf("report --format %s exited %d, want 1: %s", tt.format, code, stderr)
		}
		if !strings.Contains(stdout.String(), tt.want) {
			t.Errorf("report --format %s has no %q:\n%s", tt.format, tt.want, stdout)
		}
	}
}

// TestCheckInterruptedIsIncomplete: a check interrupted before it read its
// input exits 130 and says incomplete.
func TestCheckInterruptedIsIncomplete(t *testing.T) {
	file := filepath.Join(t.TempDir(), "t.jsonl")
	if err := os.WriteFile(file, []byte(`{"time":1771318800.5,"key":"t1"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d, stdout, stderr := newTestDeps()
	if code := execute(ctx, newRootCmd(d), stderr, []string{"check", file, "--format", "json"}); code != exitcode.Interrupted {
		t.Fatalf("check exited %d, want 130: %s", code, stderr)
	}
	var res report.CheckResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Verdict != report.VerdictIncomplete || res.Incomplete == nil {
		t.Errorf("verdict %s, incomplete %+v", res.Verdict, res.Incomplete)
	}
}

// TestServeInterruptedIsIncomplete: a serve session ended by Ctrl-C (its
// context cancelled) rather than --duration is incomplete and exits 130.
func TestServeInterruptedIsIncomplete(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := startServe(t, ctx, "--profile", "rewst")
	resp, err := http.Post(s.URL+"/hooks/t1", "application/json", strings.NewReader(`{"id":"e1"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	err = <-s.done
	if !errors.Is(err, context.Canceled) && exitcode.Of(err) != exitcode.Interrupted {
		t.Fatalf("serve ended with %v, want an interruption", err)
	}
	res := s.result(t)
	if res.Verdict != report.VerdictIncomplete || res.Compliance != report.VerdictPass || res.Incomplete == nil || res.Incomplete.Reason != report.CutInterrupted {
		t.Errorf("verdict %s, compliance %s, incomplete %+v", res.Verdict, res.Compliance, res.Incomplete)
	}
}
