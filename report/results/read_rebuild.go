package results

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
)

// decodeStart reads a start line (see startLine) and checks that it holds
// what a rebuild needs.
func decodeStart(line []byte) (*startLine, error) {
	var st startLine
	if err := json.Unmarshal(line, &st); err != nil {
		return nil, jsonErr(err)
	}
	switch {
	case st.Kind == report.KindRun && st.Run == nil:
		return nil, report.FieldErrorf("run", "missing")
	case st.Kind == report.KindRun && st.Run.Profile == nil:
		return nil, report.FieldErrorf("run.profile", "missing")
	case st.Kind == report.KindServe && st.Serve == nil:
		return nil, report.FieldErrorf("serve", "missing")
	case st.Kind == report.KindServe && st.Serve.Profile == nil:
		return nil, report.FieldErrorf("serve.profile", "missing")
	case st.Kind != report.KindRun && st.Kind != report.KindServe:
		return nil, report.FieldErrorf("kind", "want run or serve, not %s", strconv.Quote(st.Kind))
	}
	if st.Kind == report.KindRun {
		seen := map[string]bool{}
		for i, s := range st.Run.Senders {
			switch {
			case s.Name == "":
				return nil, report.FieldErrorf(fmt.Sprintf("run.senders[%d].name", i), "missing")
			case len(s.Name) > session.MaxSenderLen:
				return nil, report.FieldErrorf(fmt.Sprintf("run.senders[%d].name", i), "must be at most %d bytes, not %d", session.MaxSenderLen, len(s.Name))
			case seen[s.Name]:
				return nil, report.FieldErrorf(fmt.Sprintf("run.senders[%d].name", i), "%s is the name of an earlier sender", strconv.Quote(s.Name))
			}
			seen[s.Name] = true
		}
	}
	return &st, nil
}

// rebuild makes the result of a file cut short before its result line
// from its start line and its attempt or request lines, replayed through
// a fresh collector as a merge replays them. The result is incomplete
// (CutTruncated): it holds what the whole lines hold.
func (rf *File) rebuild() error {
	st := rf.start
	prefix := st.Kind + "."
	fail := func(err error) error { return rf.lineErr(rf.startAt, prefix, err) }
	var spec *report.ProfileSpec
	var excluded, thresholds []string
	if st.Kind == report.KindRun {
		spec, excluded, thresholds = st.Run.Profile, st.Run.ExcludedLimits, st.Run.Thresholds
	} else {
		spec, excluded, thresholds = st.Serve.Profile, st.Serve.ExcludedLimits, st.Serve.Thresholds
	}
	p, err := startProfile(spec, excluded)
	if err != nil {
		return fail(prefixed("profile.", err))
	}
	var ths []report.Threshold
	for i, s := range thresholds {
		th, err := report.ParseThreshold(s)
		if err != nil {
			return fail(report.FieldErrorf(fmt.Sprintf("thresholds[%d]", i), "%s is not a threshold", strconv.Quote(s)))
		}
		ths = append(ths, th)
	}
	if st.Kind == report.KindRun {
		return rf.rebuildRun(st.Run, p, ths)
	}
	return rf.rebuildServe(st.Serve, p, ths)
}

// rebuildRun replays the attempt lines of a run. A delivery whose kept
// attempts were none accepted is pending: the file cannot say whether
// the run retried it later. A run of several senders is attributed to
// the senders its start line names, in their order, each attempt and
// event to the sender its lines name.
func (rf *File) rebuildRun(s *RunStart, p *limitsim.Profile, ths []report.Threshold) error {
	m := report.RunMeta{Scenario: s.Scenario, Target: s.Target, Retry: s.Retry, Seed: s.Seed, RunID: s.RunID, Merged: true}
	shell := &report.RunResult{Kind: report.KindRun, Profile: p.Name}
	for _, x := range s.Senders {
		m.Senders = append(m.Senders, report.SenderMeta{Name: x.Name, Sender: x.Sender, Retry: x.Retry})
		shell.Senders = append(shell.Senders, report.SenderShare{Name: x.Name, Sender: x.Sender, Retry: x.Retry})
	}
	r, _, _, err := replayAttempts([]*File{rf}, []*report.RunResult{shell}, p, m, probe.Interrupted)
	if err != nil {
		return err
	}
	r.Incomplete = rf.truncatedIncomplete(int64(r.End), r.Delivery.Pending)
	r.Notes = append(r.Notes, rf.rebuiltNote(LineAttempt))
	if err := r.ApplyThresholds(ths); err != nil {
		return err
	}
	r.Settle()
	rf.Kind, rf.Result, rf.Verdict, rf.Timeline = report.KindRun, r, r.Verdict, r.Timeline
	return nil
}

// rebuildServe replays the request lines of a serve session.
func (rf *File) rebuildServe(s *ServeStart, p *limitsim.Profile, ths []report.Threshold) error {
	for _, t := range ths {
		if err := t.Validate(report.ServeMetrics); err != nil {
			return rf.lineErr(rf.startAt, "serve.", report.FieldErrorf("thresholds", "%v", err))
		}
	}
	rec := session.NewRecorder(p, session.Options{GiveUpAfter: ms(s.GiveUpAfterMS), EventTTL: ms(s.EventTTLMS), MaxEvents: max(s.MaxEvents, 0), Thresholds: ths})
	if _, err := replayRequests([]*File{rf}, rec); err != nil {
		return err
	}
	r := rec.Result(session.Meta{Listen: s.Listen, KeySource: s.KeySource, WorkspaceSource: s.WorkspaceSource, Start: int64(s.Start)})
	r.Incomplete = rf.truncatedIncomplete(int64(r.End), r.Delivery.Pending)
	r.Notes = append(r.Notes, rf.rebuiltNote(LineRequest))
	r.Settle()
	rf.Kind, rf.Result, rf.Verdict = report.KindServe, r, r.Verdict
	return nil
}

// rebuiltNote says where a rebuilt result comes from.
func (rf *File) rebuiltNote(lineType string) string {
	return fmt.Sprintf("rebuilt from the %s %s lines of %s, which has no result line", numfmt.WithCommas(rf.Lines[lineType]), lineType, rf.Name)
}

// truncatedIncomplete is the Incomplete of a result read from a file cut
// short: at is the time of the last whole line, pending what it left
// unresolved.
func (rf *File) truncatedIncomplete(at, pending int64) *report.Incomplete {
	c := report.NewIncomplete(report.CutTruncated, at, pending)
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
		c.Detail += fmt.Sprintf("; %s still pending", report.StillPending(pending))
	}
	return c
}

// markTruncated makes the result of a file that has its result line but
// was cut short after it incomplete.
func (rf *File) markTruncated() {
	c := rf.truncatedIncomplete(0, 0)
	set := func(p **report.Incomplete) {
		if *p == nil {
			*p = c
		}
	}
	switch r := rf.Result.(type) {
	case *report.RunResult:
		set(&r.Incomplete)
	case *report.CheckResult:
		set(&r.Incomplete)
	case *report.ServeResult:
		set(&r.Incomplete)
	case *report.ProbeResult:
		set(&r.Incomplete)
	case *report.CompareResult:
		for _, run := range r.Runs {
			set(&run.Incomplete)
		}
	}
	if report.CutShort(rf.Result) {
		rf.Verdict = report.VerdictIncomplete
	}
}
