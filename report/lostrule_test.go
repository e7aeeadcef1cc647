package report

import "testing"

// TestLostRule: 0 lost passes, 1 lost fails unless a threshold of the
// user's names lost or lost_rate, and settling twice adds the rule once.
func TestLostRule(t *testing.T) {
	user := func(metric string, v Verdict) ThresholdResult {
		return ThresholdResult{Threshold: metric + "<=1", Metric: metric, Op: "<=", Value: 1, Verdict: v}
	}
	tests := []struct {
		name string
		ths  []ThresholdResult
		lost int64
		want Verdict
		rule bool // the lost rule is among the thresholds
	}{
		{"none lost", nil, 0, VerdictPass, false},
		{"one lost", nil, 1, VerdictFail, true},
		{"one lost, another threshold", []ThresholdResult{user("attempts", VerdictPass)}, 1, VerdictFail, true},
		{"one lost, accepted by lost", []ThresholdResult{user("lost", VerdictPass)}, 1, VerdictPass, false},
		{"one lost, accepted by lost_rate", []ThresholdResult{user("lost_rate", VerdictPass)}, 1, VerdictPass, false},
		{"two lost, lost<=1 fails", []ThresholdResult{user("lost", VerdictFail)}, 2, VerdictFail, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &RunResult{Compliance: VerdictPass, Thresholds: tt.ths, Delivery: Delivery{Lost: tt.lost}}
			r.Settle()
			r.Settle()
			if r.Verdict != tt.want {
				t.Errorf("verdict %s, want %s", r.Verdict, tt.want)
			}
			rules := 0
			for _, th := range r.Thresholds {
				if th.Why != "" {
					rules++
					if th.Threshold != "lost==0" || th.Actual != float64(tt.lost) || th.Verdict != VerdictFail {
						t.Errorf("rule %+v", th)
					}
				}
			}
			if want := map[bool]int{true: 1}[tt.rule]; rules != want {
				t.Errorf("%d lost rules in %+v, want %d", rules, r.Thresholds, want)
			}
			if len(r.Thresholds) != len(tt.ths)+rules {
				t.Errorf("thresholds %+v: the user's were not all kept", r.Thresholds)
			}
		})
	}
}
