package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

// writeCompareJUnit writes a comparison of retry policies (or senders): a
// testsuite per policy, named "hooklimit run PROFILE, retry POLICY" (or
// "..., sender SENDER"), with a testcase
// per key and limit of what it sent and one per threshold.
func writeCompareJUnit(w io.Writer, c *report.CompareResult) error {
	doc := &junitSuites{Name: "hooklimit run --compare-retry"}
	if c.By == "sender" {
		doc.Name = "hooklimit run --compare-sender"
	}
	for _, r := range c.Runs {
		s := junitSuite{Name: "hooklimit run " + r.Profile + ", retry " + r.Retry, Cases: []junitCase{}}
		if c.By == "sender" && r.Sender != "" {
			s.Name = "hooklimit run " + r.Profile + ", sender " + r.Sender
		}
		report.KeyLimitGroups(r.Limits, func(g []report.LimitRow) {
			jc := junitKeyLimit(g)
			jc.Classname = "hooklimit.run." + r.Retry
			s.Cases = append(s.Cases, jc)
		})
		s.Cases = append(s.Cases, thresholdCases(r.Thresholds, "hooklimit.run.thresholds")...)
		if r.Incomplete != nil {
			s.Cases = append(s.Cases, incompleteCase(r.Incomplete, "hooklimit.run.incomplete"))
		}
		doc.Suites = append(doc.Suites, s)
	}
	return writeJUnitDoc(w, doc)
}

// writeProbeJUnit writes a probe: a testsuite "hooklimit probe PROFILE
// limits" with a testcase per limit (a mismatch fails, a limit not
// determined is skipped), and one "... findings" with a testcase per
// finding (an error fails).
func writeProbeJUnit(w io.Writer, r *report.ProbeResult) error {
	doc := &junitSuites{Name: "hooklimit probe"}
	name, class := doc.Name, "hooklimit.probe"
	if r.Profile != "" {
		name, class = name+" "+r.Profile, class+"."+r.Profile
	}
	limits := junitSuite{Name: name + " limits", Cases: []junitCase{}}
	for _, row := range r.Limits {
		c := junitCase{Name: row.Name, Classname: class + ".limits"}
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
	findings := junitSuite{Name: name + " findings", Cases: []junitCase{}}
	for _, f := range r.Findings {
		c := junitCase{Name: f.Code, Classname: class + ".findings"}
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
		doc.Suites = append(doc.Suites, junitSuite{Name: name + " incomplete", Cases: []junitCase{incompleteCase(r.Incomplete, class+".incomplete")}})
	}
	return writeJUnitDoc(w, doc)
}
