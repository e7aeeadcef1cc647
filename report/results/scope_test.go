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

// TestRunWorkspaceScope runs `run steady --rate 30 --duration 30s --keys 3
// --retry none` on the simulator against a copy of the workato profile
// whose event store holds 180 rather than 18,000 (a profile file with
// `events: {burst: 180}`): the workspace loses 120 events (900 sent, 30 s
// of 20/s plus the 180 store admitted), the compliance analysis agrees,
// and the result read back from its results file (hooklimit report) gives
// the same answer. Each key alone sends 10/s, within the 20/s of its own:
// only a workspace scope loses any.
func TestRunWorkspaceScope(t *testing.T) {
	w := *builtin(t, "workato")
	w.Limits = append([]limitsim.Limit(nil), w.Limits...)
	w.Limits[0].Burst = 180
	prof := &w
	src, err := scenarios.New("steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 30 * time.Second, Keys: 3})
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
		if d.Events != 900 || d.Lost != 120 || d.Rejected429 != 120 || rejected != 120 || r.Verdict != report.VerdictFail {
			t.Errorf("%s: events %d lost %d 429 %d, compliance rejects %d, verdict %s; want 900 events, 120 lost, rejected and fail",
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
