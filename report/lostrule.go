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
	out := ths[:0:0]
	accepts := false
	for _, t := range ths {
		if t.Why != "" { // the lost rule's, from an earlier call
			continue
		}
		if t.Metric == "lost" || t.Metric == "lost_rate" {
			accepts = true
		}
		out = append(out, t)
	}
	if lost == 0 || accepts {
		return out
	}
	return append(out, ThresholdResult{Threshold: "lost==0", Metric: "lost", Op: "==", Actual: float64(lost), Verdict: VerdictFail,
		Why: LostRuleWhy + fmt.Sprintf(" (to accept these, --threshold 'lost<=%s')", numfmt.ShortFloat(float64(lost)))})
}
