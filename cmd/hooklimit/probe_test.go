package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report"
)

// memProbeURL is the target of the probe tests: a loopback URL, which
// the requests never reach, since builtinTransport serves them in memory.
const memProbeURL = "http://127.0.0.1:8080/hooks/t1"

// builtinTransport serves requests in memory with the simulator handler
// of a built-in profile, as `hooklimit serve` does, on the clock time.Now
// reads: virtual inside a synctest bubble.
func builtinTransport(t *testing.T, name string) http.RoundTripper {
	t.Helper()
	p, _ := limitsim.Builtin(name)
	h, err := limitsim.NewHandler(limitsim.HandlerOptions{Profile: p, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	return memhttp.Transport{Handler: h}
}

// runProbeCmd runs hooklimit with args, its requests carried by rt, and
// returns the exit code, stdout and stderr.
func runProbeCmd(t *testing.T, rt http.RoundTripper, args ...string) (int, string, string) {
	t.Helper()
	d, out, errOut := newTestDeps()
	d.Transport, d.Clock = rt, memhttp.Clock{}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	code := execute(ctx, newRootCmd(d), d.IO.ErrOut, args)
	return code, out.String(), errOut.String()
}

// TestProbeIssueCommand runs the command of issue #6 as written (against
// Rewst's simulator served in memory rather than port 8080): JSON with the
// burst, the per-second and per-minute limits, no findings, exit 0. The
// per-minute limit takes about a minute to reach, of virtual time.
func TestProbeIssueCommand(t *testing.T) {
	t.Parallel()
	synctest.Test(t, testProbeIssueCommand)
}

func testProbeIssueCommand(t *testing.T) {
	url := memProbeURL
	code, out, errOut := runProbeCmd(t, builtinTransport(t, "rewst"), "probe", url, "--profile", "rewst", "--max-requests", "3000", "--max-duration", "90s", "--format", "json")
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

// TestProbeMismatchAndSecrets probes Rewst (served in memory, in virtual
// time) against a profile that says 50 per second: exit 1, the table says
// MISMATCH, and neither the output nor the results file holds the header's
// secret.
func TestProbeMismatchAndSecrets(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "probe.jsonl")
	synctest.Test(t, func(t *testing.T) { testProbeMismatchAndSecrets(t, out) })
}

func testProbeMismatchAndSecrets(t *testing.T, out string) {
	url := memProbeURL
	code, stdout, stderr := runProbeCmd(t, builtinTransport(t, "rewst"), "probe", url, "--profile", "../../limitsim/testdata/profiles/rewst-50.yaml",
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
