package receiver

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report"
)

// TestReceiverWorkspaceScope: a workspace-scoped profile adds up every
// trigger of the workspace. Workato's shape (credits, 20 fresh each
// second before a full store), with a store of 180 instead of 18,000: 200
// requests in one second across 7 triggers are all admitted; a 201st is
// the one rejected, and the session's compliance analysis agrees, naming
// the workspace as the partition. (Workato's own 18,020 is checked by
// limitsim's TestHandlerWorkatoWorkspaceBoundary and the scope_boundary
// script; this test is about the receiver, at a size -race runs quickly.)
func TestReceiverWorkspaceScope(t *testing.T) {
	prof, err := limitsim.ParseProfile("small-workato.yaml", []byte("extends: workato\nlimits:\n  events: {kind: credits, quota: 20, per: 1s, burst: 180}\n"))
	if err != nil {
		t.Fatal(err)
	}
	const fit = 200 // the store's 180 and the second's 20 fresh credits
	for _, n := range []int{fit, fit + 1} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			rv, c, _ := newReceiver(t, Options{Profile: prof})
			start := c.Now()
			codes := map[int]int{}
			for i := range n {
				c.ns.Store(start.UnixNano() + int64(i)*int64(time.Second)/int64(n))
				w := send(rv, "POST", fmt.Sprintf("/hooks/trig-%d", i%7), fmt.Sprintf(`{"id":"e%d"}`, i))
				codes[w.Code]++
			}
			if codes[200] != fit || codes[429] != n-fit {
				t.Fatalf("answers %v, want %d admitted and %d rejected", codes, fit, n-fit)
			}
			flush(t, rv)
			r := rv.opt.Recorder.Result(rv.Meta(false))
			var rejected int64
			for _, pr := range r.PolicyRejected {
				if pr.Key != "workspace (all traffic)" {
					t.Errorf("partition %q, want the workspace", pr.Key)
				}
				rejected += pr.Rejected
			}
			if want := verdictOf(n == fit); rejected != int64(n-fit) || r.Compliance != want {
				t.Errorf("compliance %s with %d rejected, want %s with %d", r.Compliance, rejected, want, n-fit)
			}
		})
	}
}

// verdictOf returns pass or fail.
func verdictOf(pass bool) report.Verdict {
	if pass {
		return report.VerdictPass
	}
	return report.VerdictFail
}

// TestReceiverWorkspaceSource: with a workspace source, each workspace has
// its own limiter; Rewst stays per trigger whatever the workspace.
func TestReceiverWorkspaceSource(t *testing.T) {
	ws, err := limitsim.ParseKeySource("header:X-Workspace")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		profile        string
		sent, admitted int
	}{{"workato", 2 * 130, 2 * 120}, {"rewst", 8 * 30, 8 * 25}} {
		t.Run(tt.profile, func(t *testing.T) {
			p := profile(t, tt.profile)
			if p.Aggregates() {
				p.Limits[0].Burst = 100 // 120 at once per workspace: a short test
			}
			rv, _, out := newReceiver(t, Options{Profile: p, Workspace: &ws})
			admitted := 0
			for i := range tt.sent {
				w := send(rv, "POST", fmt.Sprintf("/hooks/trig-%d", i%8), "", "X-Workspace", []string{"acme", "globex"}[i%2])
				if w.Code == 200 {
					admitted++
				}
			}
			if admitted != tt.admitted {
				t.Fatalf("admitted %d, want %d", admitted, tt.admitted)
			}
			flush(t, rv)
			if r := rv.opt.Recorder.Result(rv.Meta(false)); r.WorkspaceSource != "header:X-Workspace" {
				t.Errorf("workspace source %q", r.WorkspaceSource)
			}
			if !bytes.Contains(out.Bytes(), []byte(`"workspace":"globex"`)) {
				t.Errorf("request lines do not name the workspace")
			}
		})
	}
}
