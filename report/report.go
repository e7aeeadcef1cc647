package report

import "github.com/hooklimit/hooklimit/internal/exitcode"

// Result is a result hooklimit writes (package render writes each one in
// every format it has): *RunResult, *CompareResult, *CheckResult,
// *ServeResult and *ProbeResult, and *Report, one of them read back from
// results files with the timeline its charts draw. No other type is one.
type Result interface {
	result()
}

func (*RunResult) result()     {}
func (*CompareResult) result() {}
func (*CheckResult) result()   {}
func (*ServeResult) result()   {}
func (*ProbeResult) result()   {}
func (*Report) result()        {}

// ResultKinds lists the kinds of result a results file can hold, the
// "kind" of its result line.
var ResultKinds = []string{KindRun, KindCompare, KindCheck, KindServe, KindProbe}

// Report is what `hooklimit report` renders: one result, read from a
// results file or merged from several, and the timeline its charts draw.
type Report struct {
	Kind     string // one of ResultKinds
	Result   Result
	Verdict  Verdict
	Timeline *Timeline // nil when there is nothing to chart
	Files    []string  // the results files it comes from
	// Notes says which files were cut short (a results file cut short): the
	// report is then incomplete and must not pass.
	Notes []string
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
		res.Settle()
		r.Verdict = res.Verdict
	default:
		return &exitcode.InputError{File: ThresholdFlag, Msg: r.Kind + " results take no thresholds"}
	}
	return nil
}
