package render

import (
	"encoding/xml"

	"fmt"
	"io"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

// HTML is the format of a self-contained HTML report with charts, which
// only a report.Report (results read back from files) has.
const HTML Format = "html"

// writeReport writes the report in format f: HTML (see writeHTML); JUnit,
// also for the kinds whose results have no JUnit form of their own (a
// comparison of retry policies: a testsuite per policy; a probe: a
// testcase per limit and per error finding); any other format as the
// result alone is written.
func writeReport(r *report.Report, w io.Writer, f Format, o options) error {
	switch f {
	case HTML:
		return writeHTML(r, w)
	case JUnit:
		switch res := r.Result.(type) {
		case *report.CompareResult:
			return writeCompareJUnit(w, res)
		case *report.ProbeResult:
			return writeProbeJUnit(w, res)
		}
	}
	return write(w, r.Result, f, o)
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
func thresholdCases(ths []report.ThresholdResult, class string) []junitCase {
	var cases []junitCase
	for _, t := range ths {
		c := junitCase{Name: t.Threshold, Classname: class}
		if t.Verdict != report.VerdictPass {
			c.Failure = &junitFailure{
				Message: fmt.Sprintf("%s is %s, want %s%s", t.Metric, numfmt.ShortFloat(t.Actual), t.Op, numfmt.ShortFloat(t.Value)),
				Type:    "threshold",
			}
			if t.Why != "" {
				c.Failure.Message += ": " + t.Why
			}
		}
		cases = append(cases, c)
	}
	return cases
}

// writeCompareJUnit writes a comparison of retry policies: a testsuite
// per policy, with a testcase per key and limit of what it sent and one
// per threshold.
func writeCompareJUnit(w io.Writer, c *report.CompareResult) error {
	doc := &junitSuites{Name: "hooklimit run --compare-retry"}
	for _, r := range c.Runs {
		s := junitSuite{Name: "retry " + r.Retry, Cases: []junitCase{}}
		report.KeyLimitGroups(r.Limits, func(g []report.LimitRow) {
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
func writeProbeJUnit(w io.Writer, r *report.ProbeResult) error {
	doc := &junitSuites{Name: "hooklimit probe"}
	limits := junitSuite{Name: "limits", Cases: []junitCase{}}
	for _, row := range r.Limits {
		c := junitCase{Name: row.Name, Classname: "hooklimit.probe.limits"}
		text := fmt.Sprintf("documented %s, advertised %s, inferred %s (%s): %s", numOrDash(row.Documented),
			numOrDash(row.Advertised), numOrDash(row.Inferred), numfmt.DashIfEmpty(row.Basis), row.Verdict)
		if row.Note != "" {
			text += " (" + row.Note + ")"
		}
		switch row.Verdict {
		case report.ProbeMismatch:
			c.Failure = &junitFailure{Message: text, Type: "mismatch", Text: text}
		case report.ProbeUndetermined:
			c.Skipped = &junitSkipped{Message: text}
		default:
			c.SystemOut = &junitText{Text: text}
		}
		limits.Cases = append(limits.Cases, c)
	}
	findings := junitSuite{Name: "findings", Cases: []junitCase{}}
	for _, f := range r.Findings {
		c := junitCase{Name: f.Code, Classname: "hooklimit.probe.findings"}
		msg := fmt.Sprintf("%s (%s)", f.Message, numfmt.CountNoun(int64(f.Count), "request"))
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
