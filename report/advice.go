package report

// Suggestion is one change the advisor (package report/advise) tried on a
// failing run, with the outcome of the simulated run that verified it.
type Suggestion struct {
	// Kind is what changes: "spread" (the time a bulk operation or burst
	// is spread over), "rate" (a lower rate), "pace" (client-side pacing),
	// "sender" (another sender model) or "jitter" (random extra wait on
	// a Retry-After).
	Kind string `json:"kind"`
	// Change says the change in words: "spread the bulk operation over 1m58s".
	Change string `json:"change"`
	// Command is the complete command line that reproduces the verified
	// run, shell-quoted.
	Command string `json:"command"`
	// Passes is true when the verified run passed, lost no event and got
	// no 429: only then is the change offered as one that would pass.
	Passes        bool    `json:"passes"`
	Verdict       Verdict `json:"verdict"`
	Lost          int64   `json:"lost"`
	Rejected429   int64   `json:"rejected_429"`
	Amplification float64 `json:"amplification"`
	// Boundary, for a searched value, says what one step less gave: "1m57s fails (12 429s)".
	Boundary string `json:"boundary,omitempty"`
}

// BestAdvice returns the first suggestion of r.Advice that passes, or nil.
func (r *RunResult) BestAdvice() *Suggestion {
	for i := range r.Advice {
		if r.Advice[i].Passes {
			return &r.Advice[i]
		}
	}
	return nil
}
