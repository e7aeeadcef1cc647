package render

import (
	"bytes"
	"encoding/xml"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/junitxsd"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
)

// junitKinds are results of every kind JUnit is written for, with the
// edge cases: thresholds, a limit that cannot be judged, a run cut short,
// a probe limit not determined (a skipped case), and the name of the
// testsuites element and of the first testsuite each must have.
func junitKinds(t *testing.T) []struct {
	name         string
	res          report.Result
	doc, suite   string
	class        string
	wantSkipped  bool
	wantErrors   bool
	wantFailures bool
} {
	run := simRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 2 * time.Second}, "retry-after", 1)
	cut := simRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 20, Per: time.Second}, Duration: time.Second}, "none", 1)
	cut.Incomplete = report.NewIncomplete(report.CutInterrupted, int64(cut.End), 3)
	cut.Verdict = report.VerdictIncomplete
	none := simRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 2 * time.Second}, "none", 1)
	_, serve := serveSession(t, session.Options{})
	undetermined := &report.ProbeResult{Verdict: report.VerdictFail, Kind: report.KindProbe, Target: "http://127.0.0.1:8080/hooks/t1", Profile: "rewst",
		Limits: []report.ProbeLimitRow{
			{Name: "per_second", Verdict: report.ProbeMismatch},
			{Name: "per_hour", Verdict: report.ProbeUndetermined},
		},
		Findings: []report.ProbeFinding{{Code: "no-retry-after", Severity: "error", Message: "429 without Retry-After", Count: 3}}}
	return []struct {
		name         string
		res          report.Result
		doc, suite   string
		class        string
		wantSkipped  bool
		wantErrors   bool
		wantFailures bool
	}{
		{"check thresholds", rewstFixture(t), "hooklimit check", "hooklimit check rewst", "hooklimit.check.rewst", false, false, true},
		{"check unknown", workatoFixture(t), "hooklimit check", "hooklimit check workato", "hooklimit.check.workato", false, true, true},
		{"run", run, "hooklimit run", "hooklimit run rewst", "hooklimit.run.rewst", false, false, true},
		{"run incomplete", cut, "hooklimit run", "hooklimit run rewst", "hooklimit.run.rewst", false, true, false},
		{"compare", report.NewCompareResult([]*report.RunResult{run, none}), "hooklimit run --compare-retry", "hooklimit run rewst, retry " + run.Retry, "hooklimit.run." + run.Retry, false, false, true},
		{"serve", serve, "hooklimit serve", "hooklimit serve rewst", "hooklimit.serve.rewst", false, false, true},
		{"probe", undetermined, "hooklimit probe", "hooklimit probe rewst limits", "hooklimit.probe.rewst.limits", true, false, true},
		{"report of a probe", &report.Report{Kind: report.KindProbe, Result: undetermined}, "hooklimit probe", "hooklimit probe rewst limits", "hooklimit.probe.rewst.limits", true, false, true},
	}
}

// TestJUnitValidates checks the JUnit of every kind against Jenkins'
// junit-10.xsd with a real validator, and that each document and suite
// is named after the command and profile, with counts that add up.
func TestJUnitValidates(t *testing.T) {
	for _, tt := range junitKinds(t) {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tt.res, JUnit); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "<testsuites name=\""+tt.doc+"\" tests=") {
				t.Errorf("testsuites is not named %q:\n%s", tt.doc, &b)
			}
			var doc junitSuites
			if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Suites) == 0 || doc.Suites[0].Name != tt.suite || len(doc.Suites[0].Cases) == 0 || doc.Suites[0].Cases[0].Classname != tt.class {
				t.Fatalf("first suite %+v, want %q with class %q", doc.Suites, tt.suite, tt.class)
			}
			var tests, failures, errs, skipped int
			for _, s := range doc.Suites {
				tests, failures, errs, skipped = tests+s.Tests, failures+s.Failures, errs+s.Errors, skipped+s.Skipped
			}
			if tests != doc.Tests || failures != doc.Failures || errs != doc.Errors {
				t.Errorf("testsuites counts %d/%d/%d, its suites add up to %d/%d/%d", doc.Tests, doc.Failures, doc.Errors, tests, failures, errs)
			}
			if skipped > 0 != tt.wantSkipped || errs > 0 != tt.wantErrors || failures > 0 != tt.wantFailures {
				t.Errorf("skipped %d, errors %d, failures %d; want skipped %v, errors %v, failures %v", skipped, errs, failures, tt.wantSkipped, tt.wantErrors, tt.wantFailures)
			}
			junitxsd.Validate(t, tt.name, b.Bytes())
		})
	}
}

// TestJUnitGoldensValidate checks the JUnit golden files against
// junit-10.xsd too.
func TestJUnitGoldensValidate(t *testing.T) {
	for _, name := range []string{"check_rewst.xml.golden", "check_workato.xml.golden"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		junitxsd.Validate(t, name, b)
	}
}
