package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report"
)

// TestProbeWriteProfileReproduces probes, in virtual time, serve's
// handler running a small profile of each kind, with --out and
// --write-profile; then the profile written, replayed on the probe's own
// request log, admits and rejects every request as the endpoint did,
// and `check` on that log (--time-field sent, --skip-invalid for the
// result line) with that profile counts as many rejections as the
// endpoint made. One request in flight keeps the order of the requests
// the order of their send times.
func TestProbeWriteProfileReproduces(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, yaml, kind string }{
		{"window", "limits:\n  per_second: {kind: window, quota: 10, per: 1s}\n", "window"},
		{"fixed", "limits:\n  per_second: {kind: fixed, quota: 10, per: 1s}\n", "fixed"},
		{"bucket", "limits:\n  per_second: {kind: bucket, quota: 10, per: 1s, burst: 10}\n", "bucket"},
		{"credits", "limits:\n  per_second: {kind: credits, quota: 10, per: 1s, burst: 20}\n", "credits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			served, err := limitsim.ParseProfile("served.yaml", []byte("headers: ietf\n"+tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			log, prof := filepath.Join(dir, "probe.jsonl"), filepath.Join(dir, "inferred.yaml")
			synctest.Test(t, func(t *testing.T) {
				h, err := limitsim.NewHandler(limitsim.HandlerOptions{Profile: served, Now: time.Now})
				if err != nil {
					t.Fatal(err)
				}
				code, out, errOut := runProbeCmd(t, memhttp.Transport{Handler: h}, "probe", memProbeURL,
					"--max-requests", "600", "--max-duration", "40s", "--concurrency", "1", "--out", log, "--write-profile", prof)
				if code != 0 {
					t.Fatalf("probe: exit %d\n%s\n%s", code, out, errOut)
				}
			})
			data, err := os.ReadFile(prof)
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			if !strings.HasPrefix(text, "# Inferred by hooklimit probe from "+memProbeURL+"\n") || !strings.Contains(text, "kind: "+tt.kind) {
				t.Errorf("profile written:\n%s", text)
			}
			inferred, err := limitsim.ParseProfile(prof, data)
			if err != nil {
				t.Fatalf("the profile written does not parse: %v\n%s", err, text)
			}
			sent, limited := readProbeLog(t, log)
			part := inferred.NewPartition()
			rejected := 0
			for i, at := range sent {
				d := part.Decide(at, 0)
				if d.Admitted == limited[i] {
					t.Fatalf("request %d at +%s: the endpoint said limited=%v, the profile says admitted=%v\n%s",
						i+1, time.Duration(at-sent[0]), limited[i], d.Admitted, text)
				}
				if limited[i] {
					rejected++
				}
			}
			code, out, errOut := runProbeCmd(t, nil, "check", log, "--profile", prof, "--time-field", "sent", "--format", "json", "--skip-invalid")
			var res report.CheckResult
			if err := json.Unmarshal([]byte(out), &res); err != nil || code != exitcode.Fail || len(res.PolicyRejected) != 1 {
				t.Fatalf("check: exit %d, %v\n%.300s\n%s", code, err, out, errOut)
			}
			if got := res.PolicyRejected[0].Rejected; got != int64(rejected) || rejected == 0 {
				t.Errorf("check rejects %d of the probe's requests, the endpoint rejected %d", got, rejected)
			}
		})
	}
}

// readProbeLog returns the send times (Unix ns) of the probe_request
// lines of a results file, and whether each was rejected for its rate.
func readProbeLog(t *testing.T, name string) (sent []int64, limited []bool) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var l struct {
			Type   string    `json:"type"`
			Sent   time.Time `json:"sent"`
			Status int       `json:"status"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		if l.Type == "probe_request" {
			sent = append(sent, l.Sent.UnixNano())
			limited = append(limited, l.Status == http.StatusTooManyRequests)
		}
	}
	idx := make([]int, len(sent))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return sent[idx[a]] < sent[idx[b]] })
	s2, l2 := make([]int64, len(sent)), make([]bool, len(sent))
	for i, j := range idx {
		s2[i], l2[i] = sent[j], limited[j]
	}
	return s2, l2
}

// TestProbeDrift probes, in virtual time, serve's handler running Rewst's
// documented profile moved to 50/s (the numbers of its 2026-02-18
// revision, 50/s and 1,000/min, with the documented Retry-After, which
// the probe can time: the revision's constant Retry-After: 10 hides the
// per-second window from it): against --profile rewst the
// probe fails and says the endpoint is that revision, not the documented
// 25/s; against the revision itself it passes and says it is the
// revision.
func TestProbeDrift(t *testing.T) {
	t.Parallel()
	tests := []struct {
		profile string
		code    int
		matches string
		message string
	}{
		{"rewst", exitcode.Fail, "rewst@2026-02-18", "drift: enforces 50/s and 1,000/min: this is rewst@2026-02-18 (revised 2026-02-18), not the 25/s and 1,000/min that rewst documents"},
		{"rewst@2026-02-18", 0, "rewst@2026-02-18", "drift: enforces 50/s and 1,000/min: this is rewst@2026-02-18 (revised 2026-02-18), not the 25/s and 1,000/min that rewst documents"},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				p, err := limitsim.LoadProfile("../../limitsim/testdata/profiles/rewst-50.yaml")
				if err != nil {
					t.Fatal(err)
				}
				h, err := limitsim.NewHandler(limitsim.HandlerOptions{Profile: p, Now: time.Now})
				if err != nil {
					t.Fatal(err)
				}
				rt := memhttp.Transport{Handler: h}
				code, out, errOut := runProbeCmd(t, rt, "probe", memProbeURL, "--profile", tt.profile, "--max-requests", "3000", "--max-duration", "90s")
				if code != tt.code || !strings.Contains(out, tt.message+"\n") {
					t.Fatalf("exit %d, want %d and %q\n%s\n%s", code, tt.code, tt.message, out, errOut)
				}
				code, out, _ = runProbeCmd(t, rt, "probe", memProbeURL, "--profile", tt.profile, "--max-requests", "3000", "--max-duration", "90s", "--format", "json")
				var res report.ProbeResult
				if err := json.Unmarshal([]byte(out), &res); err != nil || res.Drift == nil || strings.Join(res.Drift.Matches, ",") != tt.matches || code != tt.code {
					t.Fatalf("exit %d, JSON drift %+v, %v", code, res.Drift, err)
				}
			})
		})
	}
}

// TestProbeDriftBuiltinRevision probes serve's simulator of Rewst's
// 2026-02-18 revision itself, whose every 429 says Retry-After: 10 while
// its window is a second: the retry-after step sees a request admitted
// before the 10 s end, so the rate and kind steps measure without it, and
// drift names the revision.
func TestProbeDriftBuiltinRevision(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		p, ok := limitsim.Builtin("rewst@2026-02-18")
		if !ok {
			t.Fatal("no built-in rewst@2026-02-18")
		}
		h, err := limitsim.NewHandler(limitsim.HandlerOptions{Profile: p, Now: time.Now})
		if err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runProbeCmd(t, memhttp.Transport{Handler: h}, "probe", memProbeURL, "--profile", "rewst", "--max-requests", "3000", "--max-duration", "90s")
		want := "drift: enforces 50/s: this is rewst@2026-02-18 (revised 2026-02-18), not the 25/s and 1,000/min that rewst documents\n"
		if code != exitcode.Fail || !strings.Contains(out, want) || !strings.Contains(out, "per 1s is a fixed window aligned to the second") {
			t.Fatalf("exit %d, want %d and %q\n%s\n%s", code, exitcode.Fail, want, out, errOut)
		}
	})
}
