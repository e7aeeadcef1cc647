package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/golden"
	"github.com/hooklimit/hooklimit/internal/memhttp"
)

// TestProbeGolden pins what probe prints, probing Rewst's simulator
// served in memory, in virtual time. One request in flight makes it
// deterministic: with more, how many requests of the burst are already
// sent when the first 429 comes back depends on the scheduler.
// go test -run TestProbeGolden -update rewrites testdata/golden/probe.*.
func TestProbeGolden(t *testing.T) {
	for _, format := range []string{"table", "markdown", "json", "junit"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				code, out, errOut := runProbeCmd(t, builtinTransport(t, "rewst"), "probe", memProbeURL, "--profile", "rewst",
					"--max-requests", "800", "--max-duration", "30s", "--concurrency", "1", "--format", format)
				if code != 0 {
					t.Fatalf("exit %d\n%s", code, errOut)
				}
				golden.Assert(t, "testdata/golden/probe."+format+".golden", []byte(out))
				if format == "table" {
					golden.Assert(t, "testdata/golden/probe.plan.golden", []byte(errOut))
				}
			})
		})
	}
}

// TestServeGolden pins what serve prints of a session in which hooklimit
// run sends 40/s for 2 s to it, retrying after Retry-After, both in this
// process, in memory and in virtual time, and what run prints of it. The
// sender keeps one request in flight, so the order serve sees them in is
// the same every time.
// go test -run TestServeGolden -update rewrites testdata/golden/serve.*.
func TestServeGolden(t *testing.T) {
	for _, format := range []string{"table", "markdown", "json", "junit"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				s, tr := startServeMem(t, "--profile", "rewst", "--key-from", "/hooks/{key}", "--giveup-after", "100ms", "--format", format)
				d, sent, errOut := newTestDeps()
				d.Now = time.Now
				d.Transport, d.Clock = tr, memhttp.Clock{}
				code := execute(context.Background(), newRootCmd(d), errOut, []string{"run", "steady", "--rate", "40", "--duration", "2s",
					"--target", s.URL + "/hooks/t1", "--retry", "retry-after", "--drain", "10s", "--max-in-flight", "1", "--quiet", "--format", "json"})
				if code != 1 {
					t.Fatalf("run exited %d, want 1 (a compliance failure)\n%s", code, errOut)
				}
				tr.CloseIdleConnections()
				time.Sleep(time.Second)
				close(s.stop)
				if err := <-s.done; err == nil {
					t.Error("serve passed a session over the limit")
				}
				golden.Assert(t, "testdata/golden/serve."+format+".golden", []byte(s.out.String()))
				if format == "json" {
					golden.Assert(t, "testdata/golden/serve.sender.json.golden", []byte(maskRunID(t, sent.String())))
				}
			})
		})
	}
}

// maskRunID replaces the run id in run's JSON output with RUNID: it is
// random by design (serve tells two runs with one seed apart by it), and
// the only part of the output that varies.
func maskRunID(t *testing.T, out string) string {
	t.Helper()
	var r struct {
		RunID string `json:"run_id"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.RunID) < 8 {
		t.Fatalf("run's output has no run id (%v):\n%s", err, out)
	}
	return strings.ReplaceAll(out, r.RunID, "RUNID")
}
