package report

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestVerdictOrder: fail outranks unknown, which outranks pass; a result
// cut short is incomplete whatever was measured.
func TestVerdictOrder(t *testing.T) {
	tests := []struct {
		compliance Verdict
		threshold  Verdict // "" for none
		cut        bool
		want       Verdict
	}{
		{VerdictPass, "", false, VerdictPass},
		{VerdictUnknown, "", false, VerdictUnknown},
		{VerdictPartial, "", false, VerdictFail},
		{VerdictUnknown, VerdictFail, false, VerdictFail},
		{VerdictPass, VerdictPass, false, VerdictPass},
		{VerdictPass, "", true, VerdictIncomplete},
		{VerdictFail, VerdictFail, true, VerdictIncomplete},
	}
	for _, tt := range tests {
		var ths []ThresholdResult
		if tt.threshold != "" {
			ths = []ThresholdResult{{Verdict: tt.threshold}}
		}
		var inc *Incomplete
		if tt.cut {
			inc = NewIncomplete(CutInterrupted, 0, 0)
		}
		if got := settleVerdict(tt.compliance, ths, inc); got != tt.want {
			t.Errorf("settleVerdict(%s, %v, cut %v) = %s, want %s", tt.compliance, tt.threshold, tt.cut, got, tt.want)
		}
	}
}

type oneEmission struct{ done bool }

func (s *oneEmission) Next() (scenarios.Emission, error) {
	if s.done {
		return scenarios.Emission{}, io.EOF
	}
	s.done = true
	return scenarios.Emission{Time: scenarios.DefaultStart, Event: 1, Copies: 1, Key: "t1"}, nil
}

// TestRunDrainRunsOut: a run whose --drain ends before a pending retry is
// due (Retry-After 10 s, drain 5 s) is incomplete; with a drain long
// enough for the retry it is complete. Time is a clock that jumps, not
// the machine's.
func TestRunDrainRunsOut(t *testing.T) {
	tests := []struct {
		drain      time.Duration
		want       Verdict
		wantCutOff int64
	}{
		{30 * time.Second, VerdictPass, 0},
		{5 * time.Second, VerdictIncomplete, 1},
	}
	for _, tt := range tests {
		t.Run(tt.drain.String(), func(t *testing.T) {
			var mu sync.Mutex
			n := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				n++
				first := n == 1
				mu.Unlock()
				if first {
					w.Header().Set("Retry-After", "10")
					w.WriteHeader(http.StatusTooManyRequests)
				}
			}))
			defer srv.Close()
			prof, _ := limitsim.Builtin("rewst")
			coll := NewRunCollector(prof, nil)
			eng := &probe.Engine{Source: &oneEmission{}, Policy: retry.RetryAfter{Max: 3}, Observer: coll, Target: &probe.HTTPTarget{URL: srv.URL, Drain: tt.drain, Clock: memhttp.NewJumpClock(time.Unix(0, scenarios.DefaultStart))}}
			if _, err := eng.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			res := coll.Result(RunMeta{Target: srv.URL, Retry: "retry-after"})
			if res.Verdict != tt.want || res.Delivery.CutOff != tt.wantCutOff {
				t.Fatalf("verdict %s, cut off %d, incomplete %+v; want %s, %d", res.Verdict, res.Delivery.CutOff, res.Incomplete, tt.want, tt.wantCutOff)
			}
			if tt.want == VerdictIncomplete {
				b, _ := json.Marshal(res.Incomplete)
				if res.Incomplete.Reason != CutDrain || res.Incomplete.Pending != 1 || !strings.Contains(string(b), "--drain ran out") {
					t.Errorf("incomplete %s", b)
				}
			}
		})
	}
}
