package report

import "strconv"

// KindServe is the ServeResult.Kind of a serve session.
const KindServe = "serve"

// ServeResult is what `hooklimit serve` found out about the sender that
// talked to it: the stable JSON schema the README documents for serve.
// The compliance of what the sender sent (every request with a partition
// key, analysed as check analyses a traffic file) is in its
// ComplianceSection; what serve answered is in Requests; what
// happened to the sender's events and whether it honored Retry-After is in
// Delivery; how it retried is in RetrySchedule.
type ServeResult struct {
	// Verdict is "pass" when what was sent stayed under every limit in
	// every interpretation and every threshold held, "incomplete" when the
	// session was interrupted (see Incomplete), and "fail" otherwise (also
	// when no webhook request came at all).
	Verdict   Verdict `json:"verdict"`
	Kind      string  `json:"kind"` // always "serve"
	Profile   string  `json:"profile"`
	Listen    string  `json:"listen"`     // the URL served
	KeySource string  `json:"key_source"` // where the partition key came from
	// WorkspaceSource is where the workspace came from (serve
	// --workspace); absent when all traffic was one workspace.
	WorkspaceSource string `json:"workspace_source,omitempty"`
	Interrupted     bool   `json:"interrupted,omitempty"`
	// Incomplete is set when the session was interrupted (Ctrl-C) rather
	// than ended by --duration; the verdict is then "incomplete".
	Incomplete *Incomplete `json:"incomplete,omitempty"`
	Start      Timestamp   `json:"start,omitempty"`
	// ExcludedLimits names the limits left out with --exclude-limit, as
	// PROFILE.LIMIT: not simulated, enforced or judged.
	ExcludedLimits []string  `json:"excluded_limits,omitempty"`
	End            Timestamp `json:"end,omitempty"`

	Compliance        Verdict `json:"compliance"` // the verdict of what was sent, thresholds aside
	ComplianceSection         // records are the requests with a key

	Requests      ServeRequests      `json:"requests"`
	Delivery      ServeDelivery      `json:"delivery"`
	RetrySchedule RetrySchedule      `json:"retry_schedule"`
	Metrics       map[string]float64 `json:"metrics"`
	Thresholds    []ThresholdResult  `json:"thresholds"`
	Notes         []string           `json:"notes,omitempty"`
}

// ServeRequests counts what serve answered.
type ServeRequests struct {
	Total int64 `json:"total"`
	// ByStatus counts the answers by status code: "200", "429", "413"...
	ByStatus map[string]int64 `json:"by_status"`
	// Unmatched counts requests whose path matched no key pattern (404);
	// they are not part of the analysis.
	Unmatched int64 `json:"unmatched"`
	// Unanswered counts requests whose answer never reached the client
	// (ServeRecord.Unanswered); they are not in ByStatus.
	Unanswered int64 `json:"unanswered"`
	// Dropped counts requests answered but not recorded, because the
	// recorder fell behind for longer than the receiver would wait. When
	// it is not 0 every other number is a lower bound.
	Dropped       int64   `json:"dropped"`
	RatePerSecond float64 `json:"rate_per_s"` // requests over the session's length
}

// ServeMetrics lists the metrics a serve session's thresholds can name,
// sorted. The names are run's where they mean the same.
var ServeMetrics = []string{
	"429_rate", "accepted", "amplification", "attempts", "dropped", "duplicates", "errors", "events",
	"given_up", "headroom", "keys_failing", "partition_violations", "peak_ratio", "rate_429",
	"rejected_429", "requests", "retry_after_early", "retry_after_honored", "unanswered",
}

func serveMetrics(r *ServeResult, chk map[string]float64) map[string]float64 {
	d := &r.Delivery
	return map[string]float64{
		"429_rate":             d.Rate429,
		"rate_429":             d.Rate429,
		"accepted":             float64(d.Accepted),
		"amplification":        d.Amplification,
		"attempts":             float64(d.Attempts),
		"dropped":              float64(r.Requests.Dropped),
		"duplicates":           float64(d.Duplicates),
		"errors":               float64(d.Errors),
		"events":               float64(d.Events),
		"given_up":             float64(d.GivenUp),
		"headroom":             chk[MetricHeadroom],
		"keys_failing":         chk[MetricKeysFailing],
		"partition_violations": float64(d.PartitionViolations),
		"peak_ratio":           chk[MetricPeakRatio],
		"rejected_429":         float64(d.Rejected429),
		"requests":             float64(r.Requests.Total),
		"retry_after_early":    float64(d.RetryAfterEarly),
		"retry_after_honored":  float64(d.RetryAfterHonored),
		"unanswered":           float64(r.Requests.Unanswered),
	}
}

// settle sets the verdict from the compliance verdict and the thresholds.
// A session in which no webhook request came fails: there was no sender
// to judge, which in CI is a broken setup rather than a pass.
func (r *ServeResult) settle() {
	v := r.Compliance
	if r.Input.Records == 0 {
		v = VerdictFail
	}
	r.Verdict = settleVerdict(v, r.Thresholds, r.Incomplete)
}

// check returns the compliance part of r as a CheckResult, to render it
// the way check does.
func (r *ServeResult) check() *CheckResult {
	return &CheckResult{
		Verdict: r.Compliance, Kind: KindCheck, Profiles: []string{r.Profile}, Incomplete: r.Incomplete,
		ComplianceSection: r.ComplianceSection, Metrics: map[string]float64{}, Thresholds: r.Thresholds,
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
