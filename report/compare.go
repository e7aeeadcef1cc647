package report

// KindCompare is the CompareResult.Kind of a run with --compare-retry.
const KindCompare = "compare"

// CompareResult is the same scenario run once per retry policy.
type CompareResult struct {
	// Verdict is pass only when every run passes; incomplete when one was
	// cut short.
	Verdict Verdict      `json:"verdict"`
	Kind    string       `json:"kind"` // always "compare"
	Runs    []*RunResult `json:"runs"`
	// By is what differs between the runs: "retry" (the default, also
	// when empty) or "sender".
	By string `json:"by,omitempty"`
}

// NewCompareResult gathers runs of one scenario under several policies.
func NewCompareResult(runs []*RunResult) *CompareResult {
	c := &CompareResult{Verdict: VerdictPass, Kind: KindCompare, Runs: runs}
	for _, r := range runs {
		c.Verdict = worstVerdict(c.Verdict, r.Verdict)
	}
	return c
}
