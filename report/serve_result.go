package report

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
	// (it went away, or its connection was closed at shutdown); they are
	// not in ByStatus.
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

// ServeMetricsOf returns the metrics of r, from its numbers and the
// compliance metrics chk.
func ServeMetricsOf(r *ServeResult, chk map[string]float64) map[string]float64 {
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

// Settle sets the verdict from the compliance verdict and the thresholds,
// the given-up rule among them (see GivenUpRule).
// A session in which no webhook request came fails: there was no sender
// to judge, which in CI is a broken setup rather than a pass.
func (r *ServeResult) Settle() {
	v := r.Compliance
	if r.Input.Records == 0 {
		v = VerdictFail
	}
	r.Thresholds = GivenUpRule(r.Thresholds, r.Delivery.GivenUp)
	r.Verdict = settleVerdict(v, r.Thresholds, r.Incomplete)
}

// Check returns the compliance part of r as a CheckResult, to render it
// the way check does.
func (r *ServeResult) Check() *CheckResult {
	return &CheckResult{
		Verdict: r.Compliance, Kind: KindCheck, Profiles: []string{r.Profile}, Incomplete: r.Incomplete,
		ComplianceSection: r.ComplianceSection, Metrics: map[string]float64{}, Thresholds: r.Thresholds,
	}
}

// ServeDelivery is what serve saw of the sender's events: the numbers of
// the README where they apply to a receiver, in the JSON result's
// "delivery" object.
//
// An event is the set of requests that share an event id (see package receiver/session):
// its first request is attempt 1, the next ones retries. It is delivered
// when serve answered one of them 2xx; each 2xx after the first is a
// duplicate. It is given up when its latest answer was not a 2xx and the
// sender did not come back within the give-up horizon after the
// Retry-After it was sent; pending when that horizon has not passed yet.
// Requests are one event when they carry the same id, on the same
// partition key, from the same sender: a sender is told apart by its
// X-Hooklimit-Run header (hooklimit run sends its run id there), so two
// runs whose ids collide are still different events. Honored and early
// retries, partition violations and their slacks are RetryAfterJudge's,
// on serve's clock: t is when serve answered the 429, and a request's time
// is when serve decided it.
type ServeDelivery struct {
	Events int64 `json:"events"`
	// Senders counts the distinct X-Hooklimit-Run values seen (the runs
	// of hooklimit run that sent), up to MaxSenders.
	Senders     int64 `json:"senders,omitempty"`
	Attempts    int64 `json:"attempts"`
	Accepted    int64 `json:"accepted"`
	Rejected429 int64 `json:"rejected_429"`
	// Errors counts the answers that were neither 2xx nor 429: a body too
	// large (413), a bad signature (401), an injected 5xx, a bad request.
	Errors int64 `json:"errors"`
	// Unanswered counts the attempts whose answer never reached the
	// sender: to the sender, a timeout.
	Unanswered          int64  `json:"unanswered"`
	Delivered           int64  `json:"delivered"`
	Duplicates          int64  `json:"duplicates"`
	GivenUp             int64  `json:"given_up"`
	Pending             int64  `json:"pending"`
	Retries             int64  `json:"retries"`
	RetryAfterSent      int64  `json:"retry_after_sent"` // 429s that carried Retry-After
	RetryAfterHonored   int64  `json:"retry_after_honored"`
	RetryAfterEarly     int64  `json:"retry_after_early"`
	PartitionViolations int64  `json:"partition_violations"`
	MinRetrySlackMS     *int64 `json:"min_retry_slack_ms,omitempty"`     // smallest slack of a retry after a Retry-After
	MinPartitionSlackMS *int64 `json:"min_partition_slack_ms,omitempty"` // smallest slack of a partition violation
	// Forgotten counts events dropped from memory before their give-up
	// horizon had passed, because more events were live than the memory
	// bound allows; they are counted as given up when not delivered.
	Forgotten     int64   `json:"forgotten,omitempty"`
	Amplification float64 `json:"amplification"` // attempts / events
	Rate429       float64 `json:"rate_429"`      // rejected_429 / attempts
	// IDs counts the events by where their id came from.
	IDs EventIDs `json:"ids"`
}

// MaxSenders bounds the distinct senders ServeDelivery.Senders counts.
const MaxSenders = 4096

// EventIDs counts events by where their id came from: a header, a
// field of a JSON body, the hash of the body, or none.
type EventIDs struct {
	Header int64 `json:"header"`
	Body   int64 `json:"body"`
	Hash   int64 `json:"hash"`
	None   int64 `json:"none"`
}

// RetrySchedule is the retry schedule serve observed: the intervals
// between consecutive attempts of one event, by attempt number, and the
// known retry policy (see retry.Policies) they resemble.
type RetrySchedule struct {
	Retries int64 `json:"retries"` // intervals observed
	// Steps has an entry per attempt number n that was retried: the waits
	// between attempt n and attempt n+1. The last entry gathers every n
	// from ScheduleSteps on (AndLater).
	Steps []RetryStep `json:"steps"`
	// AfterRetryAfter counts the retries that followed a 429 carrying
	// Retry-After, and HonoredShare the share of them sent no earlier than
	// it asked.
	AfterRetryAfter int64   `json:"after_retry_after"`
	HonoredShare    float64 `json:"honored_share"`
	// Resembles is the policy the schedule looks like: none, immediate,
	// fixed, exponential, retry-after, outboundsync, svix, or unknown; ""
	// when nothing was rejected, so there was nothing to retry. Reason
	// says why, in a sentence.
	Resembles string `json:"resembles"`
	Reason    string `json:"reason"`
}

// RetryStep sums up the waits after one attempt number.
type RetryStep struct {
	Attempt  int     `json:"attempt"`             // the attempt retried: 1 for the wait before the first retry
	AndLater bool    `json:"and_later,omitempty"` // the entry also holds every later attempt
	Retries  int64   `json:"retries"`
	MedianMS float64 `json:"median_ms"`
	P10MS    float64 `json:"p10_ms"`
	P90MS    float64 `json:"p90_ms"`
	MaxMS    float64 `json:"max_ms"`
	// AfterRetryAfter is how many of these retries followed a 429 that
	// carried Retry-After.
	AfterRetryAfter int64 `json:"after_retry_after"`
}

// ScheduleSteps is how many attempt numbers RetrySchedule tells apart:
// enough for Svix's seven retries, the longest documented schedule.
const ScheduleSteps = 8
