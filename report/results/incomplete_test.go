package results

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/render"
	"github.com/hooklimit/hooklimit/scenarios"
)

// interruptedRun runs 30/s against rewst's simulator and cancels it after
// 2,000 attempts, writing the attempts and the result to a results file.
// 2,000 attempts at 30/s run past the first minute, so both of rewst's
// limits (25 a second, 1,000 a minute) have rejected and retries are
// pending when it stops: what the test asserts, as at any longer run.
func interruptedRun(t *testing.T) (*report.RunResult, []byte) {
	t.Helper()
	prof, _ := limitsim.Builtin("rewst")
	src, err := scenarios.New("steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var buf bytes.Buffer
	rw := NewWriter(&buf)
	coll := report.NewRunCollector(prof, rw)
	eng := &probe.Engine{Source: src, Policy: retry.RetryAfter{Max: 100}, Observer: &cancelAfter{Observer: coll, n: 2000, cancel: cancel}, Target: &probe.SimTarget{Profile: prof}}
	st, err := eng.Run(ctx)
	if err == nil || !st.Interrupted {
		t.Fatalf("Run = %+v, %v; want interrupted", st, err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	res := coll.Result(report.RunMeta{Scenario: "steady", Target: "simulator", Retry: "retry-after", Interrupted: true})
	if err := NewWriter(&buf).Result(res); err != nil {
		t.Fatal(err)
	}
	return res, buf.Bytes()
}

// TestRunInterruptedIsIncomplete: an interrupted run is never a pass, in
// its result, every format, a thresholds pass, a re-read file and a merge.
func TestRunInterruptedIsIncomplete(t *testing.T) {
	t.Parallel()
	res, file := interruptedRun(t)
	if res.Verdict != report.VerdictIncomplete || res.Incomplete == nil || res.Incomplete.Reason != report.CutInterrupted {
		t.Fatalf("verdict %s, incomplete %+v; want incomplete, interrupted", res.Verdict, res.Incomplete)
	}
	if res.Compliance != report.VerdictFail {
		t.Errorf("compliance %s: what was measured (30/s sent against 25/s) is kept beside the verdict", res.Compliance)
	}
	if res.Incomplete.Pending != res.Delivery.Pending || res.Incomplete.Pending == 0 || res.Incomplete.At < res.End {
		t.Errorf("incomplete %+v, pending %d, end %s", res.Incomplete, res.Delivery.Pending, res.End)
	}
	if err := res.ApplyThresholds([]report.Threshold{mustThreshold(t, "lost==0")}); err != nil || res.Verdict != report.VerdictIncomplete {
		t.Errorf("after a threshold that holds: verdict %s, %v", res.Verdict, err)
	}
	for _, tt := range []struct {
		f    render.Format
		want string
	}{
		{render.Table, "INCOMPLETE, not a pass: interrupted at 2026-"},
		{render.Markdown, "**hooklimit run: INCOMPLETE**"},
		{render.JSON, `"reason": "interrupted"`},
		{render.JUnit, `<error message="interrupted at 2026-`},
		{render.JUnit, `errors="1"`},
	} {
		var b bytes.Buffer
		if err := render.Write(&b, res, tt.f); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tt.want) {
			t.Errorf("%s form has no %q:\n%s", tt.f, tt.want, b.String())
		}
	}
	rf := mtParse(t, "cut.jsonl", file)
	if rf.Report().Verdict != report.VerdictIncomplete {
		t.Errorf("read back: verdict %s", rf.Report().Verdict)
	}
	var html bytes.Buffer
	if err := render.Write(&html, rf.Report(), render.HTML); err != nil || !strings.Contains(html.String(), "INCOMPLETE, not a pass: interrupted at") {
		t.Errorf("HTML does not say it was cut short (%v)", err)
	}
	whole, wholeFile := mtRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 10, Per: time.Second}, Duration: time.Minute, Keys: 1}, "none", 1, "other-")
	if whole.Verdict != report.VerdictPass {
		t.Fatalf("the complete run: verdict %s", whole.Verdict)
	}
	for _, files := range [][]*File{
		{mtParse(t, "whole.jsonl", wholeFile), mtParse(t, "cut.jsonl", file)},                         // replayed
		{mtParse(t, "whole.jsonl", resultOnly(wholeFile)), mtParse(t, "cut.jsonl", resultOnly(file))}, // results merged
	} {
		rep, err := Merge(files)
		if err != nil {
			t.Fatal(err)
		}
		got := rep.Result.(*report.RunResult)
		if rep.Verdict != report.VerdictIncomplete || got.Incomplete == nil || got.Incomplete.Pending != res.Incomplete.Pending {
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
		if err := render.Write(&b, rep, render.JUnit); err != nil {
			t.Fatal(err)
		}
		if rep.Verdict != report.VerdictIncomplete || !strings.Contains(b.String(), `<error message="interrupted at 2026-02-17 09:00:03.000 UTC`) {
			t.Errorf("%s: verdict %s, JUnit:\n%s", kind, rep.Verdict, b.String())
		}
	}
}
