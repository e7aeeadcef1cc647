package report

import (
	"bytes"
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

// interruptedRun runs 30/s against rewst's simulator and cancels it after
// 5,000 attempts, writing the attempts and the result to a results file.
func interruptedRun(t *testing.T) (*RunResult, []byte) {
	t.Helper()
	prof, _ := limitsim.Builtin("rewst")
	src, err := scenarios.New("steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var buf bytes.Buffer
	coll := NewRunCollector(prof, &buf)
	eng := &probe.Engine{Source: src, Policy: retry.RetryAfter{Max: 100}, Observer: &cancelAfter{Observer: coll, n: 5000, cancel: cancel}, Target: &probe.SimTarget{Profile: prof}}
	st, err := eng.Run(ctx)
	if err == nil || !st.Interrupted {
		t.Fatalf("Run = %+v, %v; want interrupted", st, err)
	}
	if err := coll.Close(); err != nil {
		t.Fatal(err)
	}
	res := coll.Result(RunMeta{Scenario: "steady", Target: "simulator", Retry: "retry-after", Interrupted: true})
	if err := NewResultsWriter(&buf).Result(res); err != nil {
		t.Fatal(err)
	}
	return res, buf.Bytes()
}

// TestRunInterruptedIsIncomplete: an interrupted run is never a pass, in
// its result, every format, a thresholds pass, a re-read file and a merge.
func TestRunInterruptedIsIncomplete(t *testing.T) {
	res, file := interruptedRun(t)
	if res.Verdict != VerdictIncomplete || res.Incomplete == nil || res.Incomplete.Reason != CutInterrupted {
		t.Fatalf("verdict %s, incomplete %+v; want incomplete, interrupted", res.Verdict, res.Incomplete)
	}
	if res.Compliance != VerdictFail {
		t.Errorf("compliance %s: what was measured (30/s sent against 25/s) is kept beside the verdict", res.Compliance)
	}
	if res.Incomplete.Pending != res.Delivery.Pending || res.Incomplete.Pending == 0 || res.Incomplete.At < res.End {
		t.Errorf("incomplete %+v, pending %d, end %s", res.Incomplete, res.Delivery.Pending, res.End)
	}
	if err := res.ApplyThresholds([]Threshold{mustThreshold(t, "lost==0")}); err != nil || res.Verdict != VerdictIncomplete {
		t.Errorf("after a threshold that holds: verdict %s, %v", res.Verdict, err)
	}
	for _, tt := range []struct {
		f    Format
		want string
	}{
		{Table, "INCOMPLETE, not a pass: interrupted at 2026-"},
		{Markdown, "**hooklimit run: INCOMPLETE**"},
		{JSON, `"reason": "interrupted"`},
		{JUnit, `<error message="interrupted at 2026-`},
		{JUnit, `errors="1"`},
	} {
		var b bytes.Buffer
		if err := res.Write(&b, tt.f); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tt.want) {
			t.Errorf("%s form has no %q:\n%s", tt.f, tt.want, b.String())
		}
	}
	rf := mtParse(t, "cut.jsonl", file)
	if rf.Report().Verdict != VerdictIncomplete {
		t.Errorf("read back: verdict %s", rf.Report().Verdict)
	}
	var html bytes.Buffer
	if err := rf.Report().WriteHTML(&html); err != nil || !strings.Contains(html.String(), "INCOMPLETE, not a pass: interrupted at") {
		t.Errorf("HTML does not say it was cut short (%v)", err)
	}
	whole, wholeFile := mtRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 10, Per: time.Second}, Duration: time.Minute, Keys: 1}, "none", 1, "other-")
	if whole.Verdict != VerdictPass {
		t.Fatalf("the complete run: verdict %s", whole.Verdict)
	}
	for _, files := range [][]*ResultsFile{
		{mtParse(t, "whole.jsonl", wholeFile), mtParse(t, "cut.jsonl", file)},                         // replayed
		{mtParse(t, "whole.jsonl", resultOnly(wholeFile)), mtParse(t, "cut.jsonl", resultOnly(file))}, // results merged
	} {
		rep, err := Merge(files)
		if err != nil {
			t.Fatal(err)
		}
		got := rep.Result.(*RunResult)
		if rep.Verdict != VerdictIncomplete || got.Incomplete == nil || got.Incomplete.Pending != res.Incomplete.Pending {
			t.Errorf("merged: verdict %s, incomplete %+v", rep.Verdict, got.Incomplete)
		}
	}
}

// TestOlderInterruptedResultIsIncomplete: a result written before results
// said why they were cut short ("interrupted": true, verdict pass) is read
// as incomplete.
func TestOlderInterruptedResultIsIncomplete(t *testing.T) {
	for _, kind := range []string{"run", "serve", "probe"} {
		line := `{"type":"result","result":{"verdict":"pass","kind":"` + kind + `","interrupted":true,"end":"2026-02-17T09:00:03Z"}}` + "\n"
		rf := mtParse(t, kind+".jsonl", []byte(line))
		rep := rf.Report()
		var b bytes.Buffer
		if err := rep.Write(&b, JUnit); err != nil {
			t.Fatal(err)
		}
		if rep.Verdict != VerdictIncomplete || !strings.Contains(b.String(), `<error message="interrupted at 2026-02-17 09:00:03.000 UTC`) {
			t.Errorf("%s: verdict %s, JUnit:\n%s", kind, rep.Verdict, b.String())
		}
	}
}

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
