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

// TestGivenUpRule: a serve session whose sender gave up on no event
// passes, on one fails, unless a threshold on given_up accepts it.
func TestGivenUpRule(t *testing.T) {
	accept := []ThresholdResult{{Threshold: "given_up<=1", Metric: "given_up", Op: "<=", Value: 1, Verdict: VerdictPass}}
	tests := []struct {
		givenUp int64
		ths     []ThresholdResult
		want    Verdict
	}{
		{0, nil, VerdictPass},
		{1, nil, VerdictFail},
		{1, accept, VerdictPass},
	}
	for _, tt := range tests {
		r := &ServeResult{Compliance: VerdictPass, ComplianceSection: ComplianceSection{Input: CheckInput{Records: 10}}, Thresholds: tt.ths, Delivery: ServeDelivery{GivenUp: tt.givenUp}}
		r.Settle()
		r.Settle()
		if r.Verdict != tt.want {
			t.Errorf("given up %d, thresholds %v: verdict %s, want %s", tt.givenUp, tt.ths, r.Verdict, tt.want)
		}
		if tt.want == VerdictFail && (len(r.Thresholds) != 1 || r.Thresholds[0].Threshold != "given_up==0" || r.Thresholds[0].Why == "") {
			t.Errorf("given up %d: thresholds %+v, want the given-up rule once", tt.givenUp, r.Thresholds)
		}
	}
}
