package render

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

// The JUnit XML document: testsuites > testsuite per profile > testcase
// per key and limit, plus a "thresholds" testsuite when there are any.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
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

// checkJUnit writes r as JUnit XML for CI: a testsuite per profile and a
// testcase per key and limit, named like "t1 / per_second". A testcase
// that does not pass under every interpretation has a failure whose
// message names the peak, what is allowed and the interpretation; one that
// cannot be decided (records without a size) is an error that says how to
// decide it. Thresholds form
// a testsuite of their own.
func checkJUnit(r *report.CheckResult, w io.Writer) error {
	doc := checkJUnitDoc(r)
	return writeJUnitDoc(w, &doc)
}

// checkJUnitDoc returns the document checkJUnit writes.
func checkJUnitDoc(r *report.CheckResult) junitSuites {
	doc := junitSuites{Name: "hooklimit check"}
	for _, name := range r.Profiles {
		doc.Suites = append(doc.Suites, junitSuite{Name: name, Cases: []junitCase{}})
	}
	suite := func(name string) *junitSuite {
		for i := range doc.Suites {
			if doc.Suites[i].Name == name {
				return &doc.Suites[i]
			}
		}
		doc.Suites = append(doc.Suites, junitSuite{Name: name})
		return &doc.Suites[len(doc.Suites)-1]
	}
	report.KeyLimitGroups(r.Limits, func(g []report.LimitRow) {
		s := suite(g[0].Profile)
		s.Cases = append(s.Cases, junitKeyLimit(g))
	})
	if r.Incomplete != nil {
		s := suite("incomplete")
		s.Cases = append(s.Cases, incompleteCase(r.Incomplete, "hooklimit.incomplete"))
	}
	if len(r.Thresholds) > 0 {
		s := suite("thresholds")
		s.Cases = append(s.Cases, thresholdCases(r.Thresholds, "hooklimit.check.thresholds")...)
	}
	return doc
}

// junitKeyLimit is the testcase of one key and limit, from its rows.
func junitKeyLimit(g []report.LimitRow) junitCase {
	c := junitCase{Name: g[0].Key + " / " + g[0].Name, Classname: "hooklimit.check." + g[0].Profile}
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
