package report

// The metrics of a check that thresholds can constrain.
const (
	// MetricPeakRatio is the largest peak ratio of any row under its
	// documented interpretation (rows that are unknown aside).
	MetricPeakRatio = "peak_ratio"
	// MetricHeadroom is the smallest headroom of such a row, 1 -
	// MetricPeakRatio, and 1 when there is none.
	MetricHeadroom = "headroom"
	// MetricRejected is how many records the profiles as a whole would
	// have rejected, summed over profiles and keys.
	MetricRejected = "rejected"
	// MetricRejectedRate is MetricRejected over the records checked, times
	// the number of profiles: a fraction between 0 and 1.
	MetricRejectedRate = "rejected_rate"
	// MetricKeysFailing is how many keys (per profile) are not pass under
	// every interpretation of some limit.
	MetricKeysFailing = "keys_failing"
)

// CheckMetrics lists the metrics a check's thresholds can name, sorted.
var CheckMetrics = []string{MetricHeadroom, MetricKeysFailing, MetricPeakRatio, MetricRejected, MetricRejectedRate}

// checkMetrics computes CheckMetrics from a result's rows.
func CheckMetricsOf(r *CheckResult) map[string]float64 {
	peak, headroom := 0.0, 1.0
	for _, row := range r.Limits {
		if row.Documented && row.Verdict != VerdictUnknown {
			peak = max(peak, row.PeakRatio)
			headroom = min(headroom, row.Headroom)
		}
	}
	var rejected int64
	for _, p := range r.PolicyRejected {
		rejected += p.Rejected
	}
	rate := 0.0
	if n := r.Input.Records * int64(len(r.Profiles)); n > 0 {
		rate = float64(rejected) / float64(n)
	}
	failing := 0
	var prev *LimitRow
	KeyLimitGroups(r.Limits, func(g []LimitRow) {
		if prev != nil && prev.Profile == g[0].Profile && prev.Key == g[0].Key {
			return // this key already counted
		}
		if v, _ := KeyLimitVerdict(g); v == VerdictFail || v == VerdictPartial {
			failing++
			prev = &g[0]
		}
	})
	return map[string]float64{
		MetricPeakRatio:    peak,
		MetricHeadroom:     headroom,
		MetricRejected:     float64(rejected),
		MetricRejectedRate: rate,
		MetricKeysFailing:  float64(failing),
	}
}

// ApplyThresholds compares each threshold with r.Metrics, appends the
// results to r.Thresholds, and sets r.Verdict to fail when one does not
// hold. A threshold naming an unknown metric is an *exitcode.InputError,
// and r is left as it was.
func (r *CheckResult) ApplyThresholds(ths []Threshold) error {
	res := make([]ThresholdResult, 0, len(ths))
	for _, t := range ths {
		tr, err := t.Evaluate(r.Metrics)
		if err != nil {
			return err
		}
		res = append(res, tr)
	}
	r.Thresholds = append(r.Thresholds, res...)
	r.Settle()
	return nil
}
