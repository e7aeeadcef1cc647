package report

import (
	"fmt"

	"github.com/hooklimit/hooklimit/internal/numfmt"
)

// LostRuleWhy is why the lost rule applies, as results and reports say it.
const LostRuleWhy = "a run that loses events fails unless a threshold on lost or lost_rate accepts losses"

// LostRule holds a run to lost==0 unless one of its thresholds names lost
// or lost_rate: a run whose sender gave up on events, was disabled, or
// was cut off by its drain did not deliver them, and that is not a pass
// however compliant what it sent was. It returns ths without the lost
// rule's result of an earlier call, and with it, failed, when lost > 0
// and no threshold of the user's speaks of losses; a user who accepts
// losses says so with one (--threshold 'lost<=10'), which then decides.
func LostRule(ths []ThresholdResult, lost int64) []ThresholdResult {
	return lossRule(ths, lost, "lost", LostRuleWhy, "lost", "lost_rate")
}

// GivenUpRuleWhy is why the given-up rule of serve applies.
const GivenUpRuleWhy = "a session in which the sender gave up on events fails unless a threshold on given_up accepts them"

// GivenUpRule is LostRule for a serve session: the sender's events that
// serve saw it give up on (given_up) fail the session unless a threshold
// of the user's names given_up.
func GivenUpRule(ths []ThresholdResult, givenUp int64) []ThresholdResult {
	return lossRule(ths, givenUp, "given_up", GivenUpRuleWhy, "given_up")
}

// lossRule returns ths without an earlier call's rule, and with
// metric==0, failed, when n > 0 and no threshold names one of accept.
func lossRule(ths []ThresholdResult, n int64, metric, why string, accept ...string) []ThresholdResult {
	out := ths[:0:0]
	accepts := false
	for _, t := range ths {
		if t.Why != "" { // the rule's, from an earlier call
			continue
		}
		for _, a := range accept {
			if t.Metric == a {
				accepts = true
			}
		}
		out = append(out, t)
	}
	if n == 0 || accepts {
		return out
	}
	return append(out, ThresholdResult{Threshold: metric + "==0", Metric: metric, Op: "==", Actual: float64(n), Verdict: VerdictFail,
		Why: why + fmt.Sprintf(" (to accept these, --threshold '%s<=%s')", metric, numfmt.ShortFloat(float64(n)))})
}
