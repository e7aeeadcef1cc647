package report

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
)

// decodeStart reads a start line (see startLine) and checks that it holds
// what a rebuild needs.
func decodeStart(line []byte) (*startLine, error) {
	var st startLine
	if err := json.Unmarshal(line, &st); err != nil {
		return nil, jsonErr(err)
	}
	switch {
	case st.Kind == KindRun && st.Run == nil:
		return nil, FieldErrorf("run", "missing")
	case st.Kind == KindRun && st.Run.Profile == nil:
		return nil, FieldErrorf("run.profile", "missing")
	case st.Kind == KindServe && st.Serve == nil:
		return nil, FieldErrorf("serve", "missing")
	case st.Kind == KindServe && st.Serve.Profile == nil:
		return nil, FieldErrorf("serve.profile", "missing")
	case st.Kind != KindRun && st.Kind != KindServe:
		return nil, FieldErrorf("kind", "want run or serve, not %s", strconv.Quote(st.Kind))
	}
	return &st, nil
}

// rebuild makes the result of a file cut short before its result line
// from its start line and its attempt or request lines, replayed through
// a fresh collector as a merge replays them. The result is incomplete
// (CutTruncated): it holds what the whole lines hold.
func (rf *ResultsFile) rebuild() error {
	st := rf.start
	prefix := st.Kind + "."
	fail := func(err error) error { return rf.lineErr(rf.startAt, prefix, err) }
	var spec *ProfileSpec
	var excluded, thresholds []string
	if st.Kind == KindRun {
		spec, excluded, thresholds = st.Run.Profile, st.Run.ExcludedLimits, st.Run.Thresholds
	} else {
		spec, excluded, thresholds = st.Serve.Profile, st.Serve.ExcludedLimits, st.Serve.Thresholds
	}
	p, err := startProfile(spec, excluded)
	if err != nil {
		return fail(prefixed("profile.", err))
	}
	var ths []Threshold
	for i, s := range thresholds {
		th, err := ParseThreshold(s)
		if err != nil {
			return fail(FieldErrorf(fmt.Sprintf("thresholds[%d]", i), "%s is not a threshold", strconv.Quote(s)))
		}
		ths = append(ths, th)
	}
	if st.Kind == KindRun {
		return rf.rebuildRun(st.Run, p, ths)
	}
	return rf.rebuildServe(st.Serve, p, ths)
}

// rebuildRun replays the attempt lines of a run. A delivery whose kept
// attempts were none accepted is pending: the file cannot say whether
// the run retried it later.
func (rf *ResultsFile) rebuildRun(s *RunStart, p *limitsim.Profile, ths []Threshold) error {
	m := RunMeta{Scenario: s.Scenario, Target: s.Target, Retry: s.Retry, Seed: s.Seed, RunID: s.RunID, merged: true}
	shell := &RunResult{Kind: KindRun, Profile: p.Name}
	r, _, _, err := replayAttempts([]*ResultsFile{rf}, []*RunResult{shell}, p, m, probe.Interrupted)
	if err != nil {
		return err
	}
	r.Incomplete = rf.truncatedIncomplete(int64(r.End), r.Delivery.Pending)
	r.Notes = append(r.Notes, rf.rebuiltNote(LineAttempt))
	if err := r.ApplyThresholds(ths); err != nil {
		return err
	}
	r.Settle()
	rf.Kind, rf.Result, rf.Verdict, rf.Timeline = KindRun, r, r.Verdict, r.Timeline
	return nil
}

// rebuildServe replays the request lines of a serve session.
func (rf *ResultsFile) rebuildServe(s *ServeStart, p *limitsim.Profile, ths []Threshold) error {
	for _, t := range ths {
		if err := t.Validate(ServeMetrics); err != nil {
			return rf.lineErr(rf.startAt, "serve.", FieldErrorf("thresholds", "%v", err))
		}
	}
	rec := NewServeRecorder(p, ServeOptions{GiveUpAfter: ms(s.GiveUpAfterMS), EventTTL: ms(s.EventTTLMS), MaxEvents: max(s.MaxEvents, 0), Thresholds: ths})
	if _, err := replayRequests([]*ResultsFile{rf}, rec); err != nil {
		return err
	}
	r := rec.Result(ServeMeta{Listen: s.Listen, KeySource: s.KeySource, WorkspaceSource: s.WorkspaceSource, Start: int64(s.Start)})
	r.Incomplete = rf.truncatedIncomplete(int64(r.End), r.Delivery.Pending)
	r.Notes = append(r.Notes, rf.rebuiltNote(LineRequest))
	r.Settle()
	rf.Kind, rf.Result, rf.Verdict = KindServe, r, r.Verdict
	return nil
}

// rebuiltNote says where a rebuilt result comes from.
func (rf *ResultsFile) rebuiltNote(lineType string) string {
	return fmt.Sprintf("rebuilt from the %s %s lines of %s, which has no result line", numfmt.WithCommas(rf.Lines[lineType]), lineType, rf.Name)
}

// truncatedIncomplete is the Incomplete of a result read from a file cut
// short: at is the time of the last whole line, pending what it left
// unresolved.
func (rf *ResultsFile) truncatedIncomplete(at, pending int64) *Incomplete {
	c := NewIncomplete(CutTruncated, at, pending)
	var where string
	switch {
	case rf.Truncated && rf.ResultLine > 0:
		where = fmt.Sprintf("the results file was cut short at line %d (a torn line, dropped), after its result line", rf.TornLine)
	case rf.Truncated:
		where = fmt.Sprintf("the results file was cut short at line %d (a torn line, dropped), before its result line", rf.TornLine)
	default:
		where = fmt.Sprintf("the results file ends at line %d, without its result line", rf.lastLine)
	}
	c.Detail = where + " (the command that wrote it was killed or crashed): these are the partial results its whole lines hold"
	if pending > 0 {
		c.Detail += fmt.Sprintf("; %s still pending", StillPending(pending))
	}
	return c
}

// markTruncated makes the result of a file that has its result line but
// was cut short after it incomplete.
func (rf *ResultsFile) markTruncated() {
	c := rf.truncatedIncomplete(0, 0)
	set := func(p **Incomplete) {
		if *p == nil {
			*p = c
		}
	}
	switch r := rf.Result.(type) {
	case *RunResult:
		set(&r.Incomplete)
	case *CheckResult:
		set(&r.Incomplete)
	case *ServeResult:
		set(&r.Incomplete)
	case *ProbeResult:
		set(&r.Incomplete)
	case *CompareResult:
		for _, run := range r.Runs {
			set(&run.Incomplete)
		}
	}
	if CutShort(rf.Result) {
		rf.Verdict = VerdictIncomplete
	}
}
