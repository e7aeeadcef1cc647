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

// TestRunWorkspaceScope runs `run steady --rate 300 --duration 75s --keys 3
// --profile workato --retry none` on the simulator: the workspace loses
// 3,000 events (22,500 sent, 75 s of 20/s plus the 18,000 store
// admitted), the compliance analysis agrees, and the result read back from
// its results file (hooklimit report) gives the same answer. Each key
// alone sends 7,500, within an 18,020 of its own: only a workspace scope
// loses any.
func TestRunWorkspaceScope(t *testing.T) {
	prof, _ := limitsim.Builtin("workato")
	src, err := scenarios.New("steady", scenarios.Params{Rate: scenarios.Rate{N: 300, Per: time.Second}, Duration: 75 * time.Second, Keys: 3})
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
		if d.Events != 22500 || d.Lost != 3000 || d.Rejected429 != 3000 || rejected != 3000 || r.Verdict != report.VerdictFail {
			t.Errorf("%s: events %d lost %d 429 %d, compliance rejects %d, verdict %s; want 22,500 events, 3,000 lost, rejected and fail",
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
