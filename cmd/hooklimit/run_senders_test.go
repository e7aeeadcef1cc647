package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report"
)

// sendersPlan is three senders feeding one Workato-shaped workspace whose
// burst is small (30), so that the run is small: a PSA, ordered and paused
// on 429; an RMM retried once; a billing tool that never retries.
const sendersPlan = `name: one-workspace
profile: small.yaml
seed: 3
senders:
  - name: psa
    sender: ordered,pause-on-429=5s
    retry: exponential,base=1s,max=5
    phases: [{scenario: bulk, events: 60, over: 2s}]
  - name: rmm
    retry: exponential,max=1
    phases: [{scenario: steady, rate: 10, duration: 5s}]
  - name: billing
    retry: none
    phases: [{scenario: burst, events: 20, start: 1500ms}]
`

const smallWorkato = `name: workato-small
description: Workato's limit (20 events a second per workspace) with a burst of 30
scope: workspace
headers: workato
limits:
  events: {kind: credits, quota: 20, per: 1s, burst: 30}
`

// TestRunSendersAttributes runs the three-sender plan on the simulator
// and against the same profile served over HTTP in memory, in virtual
// time. Every 429 is some sender's, each count summed over the senders is
// the run's total, and the two targets agree on each sender's part. Over
// HTTP one request is in flight at a time: attempts of two senders due at
// the same instant would otherwise reach the limiter in whichever order
// their goroutines run, as over a real network, and the part each sender
// gets of the limit would change from run to run.
func TestRunSendersAttributes(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"plan.yaml": sendersPlan, "small.yaml": smallWorkato} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	plan, prof := filepath.Join(dir, "plan.yaml"), filepath.Join(dir, "small.yaml")
	t.Chdir(dir)
	sim := runSendersJSON(t, memhttp.Transport{}, "run", "--plan", plan, "--format", "json")
	checkSenderSums(t, "simulator", sim)
	if sim.Delivery.Rejected429 == 0 || sim.Delivery.Lost == 0 {
		t.Fatalf("the plan should meet the limit and lose events: %+v", sim.Delivery)
	}
	synctest.Test(t, func(t *testing.T) {
		p, err := limitsim.LoadProfile(prof)
		if err != nil {
			t.Fatal(err)
		}
		h, err := limitsim.NewHandler(limitsim.HandlerOptions{Profile: p, Now: time.Now})
		if err != nil {
			t.Fatal(err)
		}
		res := runSendersJSON(t, memhttp.Transport{Handler: h}, "run", "--plan", plan, "--format", "json", "--target", memProbeURL, "--quiet", "--max-in-flight", "1")
		checkSenderSums(t, "HTTP", res)
		if got, want := shares(res), shares(sim); got != want {
			t.Errorf("HTTP and simulator differ:\nhttp %s\nsim  %s", got, want)
		}
	})
}

// runSendersJSON runs hooklimit with args (over rt when not nil), expects
// exit 1 (the plan fails), and returns its JSON result.
func runSendersJSON(t *testing.T, rt memhttp.Transport, args ...string) *report.RunResult {
	t.Helper()
	d, out, errOut := newTestDeps()
	if rt.Handler != nil {
		d.Transport, d.Clock = rt, memhttp.Clock{}
	}
	code := execute(t.Context(), newRootCmd(d), d.IO.ErrOut, args)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	var res report.RunResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return &res
}

// checkSenderSums checks that the senders' counts add up to the run's.
func checkSenderSums(t *testing.T, what string, r *report.RunResult) {
	t.Helper()
	if len(r.Senders) != 3 {
		t.Fatalf("%s: %d senders, want 3", what, len(r.Senders))
	}
	var s report.SenderShare
	for _, x := range r.Senders {
		s.AddCounts(x)
	}
	d := &r.Delivery
	got := []int64{s.Events, s.Attempts, s.Accepted, s.Rejected429, s.Errors, s.Lost, s.RetryAfterEarly, s.PartitionViolations}
	want := []int64{d.Events, d.Attempts, d.Accepted, d.Rejected429, d.Errors, d.Lost, d.RetryAfterEarly, d.PartitionViolations}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: the senders sum to %v, the run has %v (events, attempts, accepted, 429s, errors, lost, early, violations)", what, got, want)
	}
}

// shares is what the simulator and HTTP must agree on: each sender's
// events, attempts, 429s and lost events.
func shares(r *report.RunResult) string {
	var b []string
	for _, s := range r.Senders {
		b = append(b, fmt.Sprintf("%s: %d events, %d attempts, %d 429s, %d lost", s.Name, s.Events, s.Attempts, s.Rejected429, s.Lost))
	}
	return fmt.Sprint(b)
}
