package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report"
)

// serveBuiltin starts the simulator handler of a built-in profile on
// loopback with the real clock, as `hooklimit serve` does.
func serveBuiltin(t *testing.T, name string) string {
	t.Helper()
	p, _ := limitsim.Builtin(name)
	h, err := limitsim.NewHandler(limitsim.HandlerOptions{Profile: p, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/hooks/t1"
}

// runProbeCmd runs hooklimit with args and returns the exit code, stdout
// and stderr.
func runProbeCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	d, out, errOut := newTestDeps()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	code := execute(ctx, newRootCmd(d), d.IO.ErrOut, args)
	return code, out.String(), errOut.String()
}

// TestProbeIssueCommand runs the command of issue #6 as written (against a
// loopback simulator of Rewst rather than port 8080): JSON with the
// burst, the per-second and per-minute limits, no findings, exit 0. The
// per-minute limit takes about a minute to reach.
func TestProbeIssueCommand(t *testing.T) {
	t.Parallel()
	url := serveBuiltin(t, "rewst")
	code, out, errOut := runProbeCmd(t, "probe", url, "--profile", "rewst", "--max-requests", "3000", "--max-duration", "90s", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.HasPrefix(errOut, "probe plan for "+url) {
		t.Errorf("the plan did not go first to stderr: %q", errOut)
	}
	var res report.ProbeResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	want := map[int64]int64{1: 25, 60: 1000}
	for _, l := range res.Inferred {
		if w, ok := want[l.WindowSeconds]; ok && (l.Limit < w*9/10 || l.Limit > w*11/10) {
			t.Errorf("inferred %d per %ds, want %d", l.Limit, l.WindowSeconds, w)
		}
		delete(want, l.WindowSeconds)
	}
	if len(want) > 0 || res.Burst.Admitted != 25 || len(res.Findings) != 0 || res.Verdict != report.VerdictPass {
		t.Errorf("inferred %+v (missing %v), burst %d, findings %+v, verdict %s", res.Inferred, want, res.Burst.Admitted, res.Findings, res.Verdict)
	}
	if res.Sustained == nil || res.Sustained.RatePerSecond < 15 || res.Sustained.RatePerSecond > 18.4 {
		t.Errorf("sustained %+v, want about 16.7/s (1,000 per minute)", res.Sustained)
	}
}

// TestProbeMismatchAndSecrets probes Rewst against a profile that says 50
// per second: exit 1, the table says MISMATCH, and neither the output nor
// the results file holds the header's secret.
func TestProbeMismatchAndSecrets(t *testing.T) {
	t.Parallel()
	url := serveBuiltin(t, "rewst")
	out := filepath.Join(t.TempDir(), "probe.jsonl")
	code, stdout, stderr := runProbeCmd(t, "probe", url, "--profile", "../../limitsim/testdata/profiles/rewst-50.yaml",
		"--max-requests", "400", "--max-duration", "20s", "-H", "Authorization: Bearer s3cret", "--out", out)
	if code != exitcode.Fail {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "MISMATCH") || !strings.Contains(stdout, "hooklimit probe: FAIL") {
		t.Errorf("no mismatch in the table:\n%s", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{stdout, stderr, string(data)} {
		if strings.Contains(s, "s3cret") {
			t.Errorf("the secret was printed or recorded")
		}
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(nil, 1<<20)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) < 2 || !strings.HasPrefix(lines[0], `{"type":"probe_request","seq":1,"step":"advertised"`) ||
		!strings.HasPrefix(lines[len(lines)-1], `{"type":"result","result":{"verdict":"fail","kind":"probe"`) {
		t.Errorf("results file: first %q, last %.80q", lines[0], lines[len(lines)-1])
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.9.9.9": true, "::1": true, "localhost": true, "LOCALHOST": true,
		"10.0.0.1": false, "example.test": false, "": false, "192.168.1.1": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestDocumentsRetryAfter(t *testing.T) {
	for name, want := range map[string]bool{"rewst": true, "workato": true, "salesbuildr": true, "autotask": false, "perwebhook": false} {
		p, _ := limitsim.Builtin(name)
		if got := documentsRetryAfter(p); got != want {
			t.Errorf("documentsRetryAfter(%s) = %v, want %v", name, got, want)
		}
	}
}
