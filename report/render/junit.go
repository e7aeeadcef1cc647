package render

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

// The JUnit XML document, in the elements and attributes of the JUnit
// schema Jenkins' xunit plugin checks reports against (junit-10.xsd), which
// junit-report-merger and xunit-viewer read too: testsuites, named after
// the command, > testsuite per command and profile > testcase per key and
// limit, plus a thresholds testsuite when there are any. <testsuites>
// takes no skipped attribute in that schema; each <testsuite> counts its
// skipped cases.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"` // the result was cut short
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

type junitText struct {
	Text string `xml:",cdata"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// checkJUnit writes r, the compliance of command ("check", "run" or
// "serve"), as JUnit XML for CI: a testsuite per profile, named "hooklimit
// COMMAND PROFILE", and a testcase per key and limit, named like "t1 /
// per_second", of class "hooklimit.COMMAND.PROFILE". A testcase that does
// not pass under every interpretation has a failure whose message names
// the peak, what is allowed and the interpretation; one that cannot be
// decided (records without a size) is an error that says how to decide
// it. Thresholds form a testsuite of their own.
func checkJUnit(r *report.CheckResult, w io.Writer, command string) error {
	doc := checkJUnitDoc(r, command)
	return writeJUnitDoc(w, &doc)
}

// checkJUnitDoc returns the document checkJUnit writes.
func checkJUnitDoc(r *report.CheckResult, command string) junitSuites {
	doc := junitSuites{Name: "hooklimit " + command}
	for _, name := range r.Profiles {
		doc.Suites = append(doc.Suites, junitSuite{Name: doc.Name + " " + name, Cases: []junitCase{}})
	}
	suite := func(name string) *junitSuite {
		name = doc.Name + " " + name
		for i := range doc.Suites {
			if doc.Suites[i].Name == name {
				return &doc.Suites[i]
			}
		}
		doc.Suites = append(doc.Suites, junitSuite{Name: name})
		return &doc.Suites[len(doc.Suites)-1]
	}
	class := "hooklimit." + command
	report.KeyLimitGroups(r.Limits, func(g []report.LimitRow) {
		s := suite(g[0].Profile)
		c := junitKeyLimit(g)
		c.Classname = class + "." + g[0].Profile
		s.Cases = append(s.Cases, c)
	})
	if r.Incomplete != nil {
		s := suite("incomplete")
		s.Cases = append(s.Cases, incompleteCase(r.Incomplete, class+".incomplete"))
	}
	if len(r.Thresholds) > 0 {
		s := suite("thresholds")
		s.Cases = append(s.Cases, thresholdCases(r.Thresholds, class+".thresholds")...)
	}
	return doc
}

// junitKeyLimit is the testcase of one key and limit, from its rows; the
// caller sets its class.
func junitKeyLimit(g []report.LimitRow) junitCase {
	c := junitCase{Name: g[0].Key + " / " + g[0].Name}
	var detail []string
	for _, row := range g {
		line := fmt.Sprintf("%s %s, %s: allowed %d, peak %d (%s), rejected %d", row.Name, row.Limit,
			row.Interpretation, row.Allowed, row.Peak, numfmt.RatioPercent(row.PeakRatio), row.Rejected)
		if row.FirstViolation != 0 {
			line += ", first violation " + row.FirstViolation.String()
		}
		line += ": " + string(row.Verdict)
		if row.Note != "" {
			line += " (" + row.Note + ")"
		}
		detail = append(detail, line)
	}
	text := strings.Join(detail, "\n")
	v, passing := report.KeyLimitVerdict(g)
	switch v {
	case report.VerdictPass:
		c.SystemOut = &junitText{Text: text}
	case report.VerdictUnknown:
		// Not skipped: a limit that could not be judged is not a pass.
		c.Error = &junitFailure{Message: "cannot be judged: " + g[0].Note + "; give sizes (--size-field NAME) or leave the limit out (--exclude-limit " + g[0].Profile + "." + g[0].Name + ")",
			Type: string(report.VerdictUnknown), Text: text}
	default:
		var msgs []string
		for _, row := range g {
			if row.Verdict == report.VerdictFail {
				msgs = append(msgs, fmt.Sprintf("peak %d > allowed %d (%s)", row.Peak, row.Allowed, row.Interpretation))
			}
		}
		msg := strings.Join(msgs, "; ")
		if len(passing) > 0 {
			msg += "; passes under " + strings.Join(passing, ", ")
		}
		c.Failure = &junitFailure{Message: msg, Type: string(v), Text: text}
	}
	return c
}

// incompleteCase is the JUnit testcase of a result cut short: an error,
// so that CI does not turn an interrupted job green.
func incompleteCase(c *report.Incomplete, class string) junitCase {
	return junitCase{Name: "completed", Classname: class,
		Error: &junitFailure{Message: c.Detail, Type: report.VerdictIncomplete.String() + "/" + c.Reason}}
}

// thresholdCases are the testcases of thresholds, of class class: a
// threshold that does not hold fails.
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

// writeJUnitDoc counts the suites' tests, failures, errors and skipped
// cases, and the document's tests, failures and errors, and writes doc.
func writeJUnitDoc(w io.Writer, doc *junitSuites) error {
	doc.Tests, doc.Failures, doc.Errors = 0, 0, 0
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
