package results

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestRunWorkspaceScope runs `run steady --rate 40 --duration 20m --keys 3
// --profile workato --retry none` on the simulator: the workspace loses
// 6,000 events, the compliance analysis agrees, and the result read back
// from its results file (hooklimit report) gives the same answer.
func TestRunWorkspaceScope(t *testing.T) {
	prof, _ := limitsim.Builtin("workato")
	src, err := scenarios.New("steady", scenarios.Params{Rate: scenarios.Rate{N: 40, Per: time.Second}, Duration: 20 * time.Minute, Keys: 3})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rw := NewWriter(&out)
	coll := report.NewRunCollector(prof, rw)
	eng := &probe.Engine{Source: src, Policy: retry.None{}, Observer: coll, Target: &probe.SimTarget{Profile: prof}}
	if _, err := eng.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	r := coll.Result(report.RunMeta{Scenario: "steady", Target: "simulator", Retry: "none"})
	check := func(what string, r *report.RunResult) {
		t.Helper()
		var rejected int64
		for _, pr := range r.PolicyRejected {
			rejected += pr.Rejected
			if pr.Key != "workspace "+limitsim.AllTraffic {
				t.Errorf("%s: partition %q, want the workspace", what, pr.Key)
			}
		}
		d := r.Delivery
		if d.Events != 48000 || d.Lost != 6000 || d.Rejected429 != 6000 || rejected != 6000 || r.Verdict != report.VerdictFail {
			t.Errorf("%s: events %d lost %d 429 %d, compliance rejects %d, verdict %s; want 48,000 events, 6,000 lost, rejected and fail",
				what, d.Events, d.Lost, d.Rejected429, rejected, r.Verdict)
		}
	}
	check("run", r)
	if err := NewWriter(&out).Result(r); err != nil {
		t.Fatal(err)
	}
	rep, err := Merge([]*File{mtParse(t, "r.jsonl", out.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	check("report", rep.Result.(*report.RunResult))
}
