package results

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hooklimit/hooklimit/report"
)

// decodeResult decodes a result by its kind and checks what renderers
// and merges rely on. prefix is put before field names in errors.
func (rf *File) decodeResult(data []byte, prefix string) error {
	line := rf.ResultLine
	if rf.doc {
		line = 0
	}
	fail := func(err error) error { return rf.lineErr(line, prefix, err) }
	var head struct {
		Kind    string         `json:"kind"`
		Verdict report.Verdict `json:"verdict"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fail(jsonErr(err))
	}
	var res report.Result
	switch head.Kind {
	case report.KindRun:
		res = &report.RunResult{}
	case report.KindCompare:
		res = &report.CompareResult{}
	case report.KindCheck:
		res = &report.CheckResult{}
	case report.KindServe:
		res = &report.ServeResult{}
	case report.KindProbe:
		res = &report.ProbeResult{}
	default:
		return fail(unknownKind(head.Kind))
	}
	switch head.Verdict {
	case report.VerdictPass, report.VerdictFail, report.VerdictUnknown, report.VerdictIncomplete:
	default:
		return fail(report.FieldErrorf("verdict", "want pass, fail, unknown or incomplete, not %s", strconv.Quote(string(head.Verdict))))
	}
	if err := json.Unmarshal(data, res); err != nil {
		return fail(jsonErr(err))
	}
	if err := validateResult(res); err != nil {
		return fail(err)
	}
	rf.Kind, rf.Result, rf.Verdict = head.Kind, res, head.Verdict
	if report.CutShort(res) {
		rf.Verdict = report.VerdictIncomplete
	}
	switch r := res.(type) {
	case *report.RunResult:
		rf.Timeline = r.Timeline
	case *report.CheckResult:
		rf.Timeline = r.Timeline
	}
	return nil
}

// validateResult checks the parts of a result that charts and merges
// index into: timelines and histograms.
func validateResult(res report.Result) error {
	switch r := res.(type) {
	case *report.RunResult:
		return validateRun(r, "")
	case *report.CompareResult:
		for i, run := range r.Runs {
			if run == nil {
				return report.FieldErrorf(fmt.Sprintf("runs[%d]", i), "must be an object")
			}
			if err := validateRun(run, fmt.Sprintf("runs[%d].", i)); err != nil {
				return err
			}
		}
	case *report.CheckResult:
		return validateTimeline(r.Timeline, "")
	}
	return nil
}

func validateRun(r *report.RunResult, prefix string) error {
	if err := validateTimeline(r.Timeline, prefix); err != nil {
		return err
	}
	if h := r.Delivery.Histograms; h != nil {
		if _, _, _, err := h.DecodeAll(); err != nil {
			return prefixed(prefix, err)
		}
	}
	return nil
}

func validateTimeline(t *report.Timeline, prefix string) error {
	if t == nil {
		return nil
	}
	if err := t.Validate(); err != nil {
		return prefixed(prefix+"timeline.", err)
	}
	if t.Profile != nil {
		for i := range t.Profile.Limits {
			if _, err := t.Profile.Limit(i); err != nil {
				return prefixed(prefix+"timeline.profile.", err)
			}
		}
	}
	return nil
}

// prefixed puts prefix before the field of a *FieldError.
func prefixed(prefix string, err error) error {
	if fe, ok := err.(*report.FieldError); ok {
		return &report.FieldError{Field: prefix + fe.Field, Msg: fe.Msg}
	}
	return report.FieldErrorf(prefix, "%v", err)
}
