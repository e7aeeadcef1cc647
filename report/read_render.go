package report

import (
	"encoding/xml"

	"fmt"
	"io"
	"strings"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// HTML is the format of a self-contained HTML report with charts (see
// Report.Write).
const HTML Format = "html"

// Report is what `hooklimit report` renders: one result, read from a
// results file or merged from several, and the timeline its charts draw.
type Report struct {
	Kind     string // one of ResultKinds
	Result   Renderable
	Verdict  Verdict
	Timeline *Timeline // nil when there is nothing to chart
	Files    []string  // the results files it comes from
	// Notes says which files were cut short (ResultsFile.Truncated): the
	// report is then incomplete and must not pass.
	Notes []string
}

// Report returns the report of the file alone.
func (rf *ResultsFile) Report() *Report {
	r := &Report{Kind: rf.Kind, Result: rf.Result, Verdict: rf.Verdict, Timeline: rf.Timeline, Files: []string{rf.Name}}
	if note := rf.TruncatedNote(); note != "" {
		r.Notes = []string{note}
	}
	return r
}

// Write writes the report in format f: HTML (see WriteHTML); JUnit, also
// for the kinds whose results have no JUnit form of their own (a
// comparison of retry policies: a testsuite per policy; a probe: a
// testcase per limit and per error finding); any other format as the
// result's own Write does.
func (r *Report) Write(w io.Writer, f Format) error {
	switch f {
	case HTML:
		return r.WriteHTML(w)
	case JUnit:
		switch res := r.Result.(type) {
		case *CompareResult:
			return writeCompareJUnit(w, res)
		case *ProbeResult:
			return writeProbeJUnit(w, res)
		}
	}
	return r.Result.Write(w, f)
}

// writeJUnitDoc counts the suites' tests and failures and writes doc.
func writeJUnitDoc(w io.Writer, doc *junitSuites) error {
	doc.Tests, doc.Failures, doc.Errors, doc.Skipped = 0, 0, 0, 0
	for i := range doc.Suites {
		s := &doc.Suites[i]
		s.Tests, s.Failures, s.Errors, s.Skipped = len(s.Cases), 0, 0, 0
		for _, c := range s.Cases {
			if c.Failure != nil {
				s.Failures++
			}
			if c.Error != nil {
				s.Errors++
			}
			if c.Skipped != nil {
				s.Skipped++
			}
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// thresholdCases are the testcases of thresholds, as check writes them.
func thresholdCases(ths []ThresholdResult, class string) []junitCase {
	var cases []junitCase
	for _, t := range ths {
		c := junitCase{Name: t.Threshold, Classname: class}
		if t.Verdict != VerdictPass {
			c.Failure = &junitFailure{
				Message: fmt.Sprintf("%s is %s, want %s%s", t.Metric, shortFloat(t.Actual), t.Op, shortFloat(t.Value)),
				Type:    "threshold",
			}
		}
		cases = append(cases, c)
	}
	return cases
}

// writeCompareJUnit writes a comparison of retry policies: a testsuite
// per policy, with a testcase per key and limit of what it sent and one
// per threshold.
func writeCompareJUnit(w io.Writer, c *CompareResult) error {
	doc := &junitSuites{Name: "hooklimit run --compare-retry"}
	for _, r := range c.Runs {
		s := junitSuite{Name: "retry " + r.Retry, Cases: []junitCase{}}
		keyLimitGroups(r.Limits, func(g []LimitRow) {
			jc := junitKeyLimit(g)
			jc.Classname = "hooklimit.run." + r.Retry
			s.Cases = append(s.Cases, jc)
		})
		s.Cases = append(s.Cases, thresholdCases(r.Thresholds, "hooklimit.run.thresholds")...)
		if r.Incomplete != nil {
			s.Cases = append(s.Cases, incompleteCase(r.Incomplete, "hooklimit.run"))
		}
		doc.Suites = append(doc.Suites, s)
	}
	return writeJUnitDoc(w, doc)
}

// writeProbeJUnit writes a probe: a testcase per limit (a mismatch fails,
// a limit not determined is skipped) and one per finding (an error fails).
func writeProbeJUnit(w io.Writer, r *ProbeResult) error {
	doc := &junitSuites{Name: "hooklimit probe"}
	limits := junitSuite{Name: "limits", Cases: []junitCase{}}
	for _, row := range r.Limits {
		c := junitCase{Name: row.Name, Classname: "hooklimit.probe.limits"}
		text := fmt.Sprintf("documented %s, advertised %s, inferred %s (%s): %s", numOrDash(row.Documented),
			numOrDash(row.Advertised), numOrDash(row.Inferred), dashIfEmpty(row.Basis), row.Verdict)
		if row.Note != "" {
			text += " (" + row.Note + ")"
		}
		switch row.Verdict {
		case ProbeMismatch:
			c.Failure = &junitFailure{Message: text, Type: "mismatch", Text: text}
		case ProbeUndetermined:
			c.Skipped = &junitSkipped{Message: text}
		default:
			c.SystemOut = &junitText{Text: text}
		}
		limits.Cases = append(limits.Cases, c)
	}
	findings := junitSuite{Name: "findings", Cases: []junitCase{}}
	for _, f := range r.Findings {
		c := junitCase{Name: f.Code, Classname: "hooklimit.probe.findings"}
		msg := fmt.Sprintf("%s (%s)", f.Message, countNoun(int64(f.Count), "request"))
		if strings.EqualFold(f.Severity, "error") {
			c.Failure = &junitFailure{Message: msg, Type: f.Severity}
		} else {
			c.SystemOut = &junitText{Text: f.Severity + ": " + msg}
		}
		findings.Cases = append(findings.Cases, c)
	}
	doc.Suites = append(doc.Suites, limits, findings)
	if r.Incomplete != nil {
		doc.Suites = append(doc.Suites, junitSuite{Name: "incomplete", Cases: []junitCase{incompleteCase(r.Incomplete, "hooklimit.probe")}})
	}
	return writeJUnitDoc(w, doc)
}

// ApplyThresholds applies more thresholds to the report's result, with
// the metrics of its kind (RunMetrics, CheckMetrics, ServeMetrics; each
// run of a comparison; a probe's metrics), and fails its verdict when one
// does not hold. A threshold naming an unknown metric is an
// *exitcode.InputError.
func (r *Report) ApplyThresholds(ths []Threshold) error {
	if len(ths) == 0 {
		return nil
	}
	switch res := r.Result.(type) {
	case *RunResult:
		if err := res.ApplyThresholds(ths); err != nil {
			return err
		}
		r.Verdict = res.Verdict
	case *CheckResult:
		if err := res.ApplyThresholds(ths); err != nil {
			return err
		}
		r.Verdict = res.Verdict
	case *CompareResult:
		for _, run := range res.Runs {
			if err := run.ApplyThresholds(ths); err != nil {
				return err
			}
		}
		*res = *NewCompareResult(res.Runs)
		r.Verdict = res.Verdict
	case *ServeResult:
		for _, t := range ths {
			if err := t.Validate(ServeMetrics); err != nil {
				return err
			}
			tr, err := t.Evaluate(res.Metrics)
			if err != nil {
				return err
			}
			res.Thresholds = append(res.Thresholds, tr)
		}
		res.settle()
		r.Verdict = res.Verdict
	default:
		return &exitcode.InputError{File: ThresholdFlag, Msg: r.Kind + " results take no thresholds"}
	}
	return nil
}
