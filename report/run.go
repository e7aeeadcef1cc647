package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/scenarios"
)

// KindRun is the RunResult.Kind of a run.
const KindRun = "run"

// RunResult is what hooklimit run measured: the stable JSON schema of
// the README for runs. The compliance of what was sent (the
// attempt trace, analysed as check analyses a traffic file) is in its
// ComplianceSection; what happened to the events is in Delivery.
type RunResult struct {
	// Verdict is "pass" when what was sent stayed under every limit in
	// every interpretation and every threshold held, "incomplete" when the
	// run was cut short (see Incomplete), "unknown" when a limit could not
	// be judged, and "fail" otherwise. A run in which no attempt got a
	// response fails (see NoResponse).
	Verdict Verdict `json:"verdict"`
	Kind    string  `json:"kind"` // always "run"
	// SchemaVersion is the version of the schema of this JSON: CurrentSchemaVersion.
	SchemaVersion SchemaVersion `json:"schema_version"`
	Scenario      string        `json:"scenario"`
	Profile       string        `json:"profile"`
	Target        string        `json:"target"` // "simulator" or the URL
	Retry         string        `json:"retry"`  // the retry policy, in full
	// Sender is the sender model --sender gave, when it gave one: a
	// preset's name and its discipline and quirks as a spec.
	Sender string `json:"sender,omitempty"`
	// SenderDisabledAt is when the sender disabled itself after too many
	// deliveries given up in a row; every delivery due after it was lost.
	SenderDisabledAt Timestamp `json:"sender_disabled_at,omitempty"`
	// Senders, for a run of several senders (a plan with senders:), is
	// each one's part of the run (see SenderShare).
	Senders []SenderShare `json:"senders,omitempty"`
	Seed    uint64        `json:"seed"`
	// RunID is the id of a run against a target: every event id it sent
	// is RUNID-evt-N, and every request carried it in X-Hooklimit-Run.
	// Runs in the simulator have none.
	RunID       string `json:"run_id,omitempty"`
	Interrupted bool   `json:"interrupted,omitempty"`
	// Incomplete is set when the run was cut short: interrupted, or ended
	// with deliveries pending because --drain ran out. The verdict is then
	// "incomplete".
	Incomplete *Incomplete `json:"incomplete,omitempty"`
	Start      Timestamp   `json:"start,omitempty"` // the first attempt
	// ExcludedLimits names the limits left out with --exclude-limit, as
	// PROFILE.LIMIT: not simulated, enforced or judged.
	ExcludedLimits []string  `json:"excluded_limits,omitempty"`
	End            Timestamp `json:"end,omitempty"` // the last attempt

	Compliance        Verdict `json:"compliance"` // the verdict of what was sent, thresholds aside
	ComplianceSection         // the attempt trace: records are attempts

	Delivery   Delivery           `json:"delivery"`
	Metrics    map[string]float64 `json:"metrics"`
	Thresholds []ThresholdResult  `json:"thresholds"`
	// NoResponse is set when there were attempts and every one failed
	// before a response came (timeout, reset, a request that could not
	// be sent): nothing was learnt about the target, so the run fails.
	NoResponse bool `json:"no_response,omitempty"`
	// Notes say how a merged result was put together (hooklimit report),
	// or why a run failed with no response.
	Notes []string `json:"notes,omitempty"`
	// Timeline counts the attempts per second, for charts (see Timeline);
	// its profile is the one the run was measured against.
	Timeline *Timeline `json:"timeline,omitempty"`
	// Advice is what the advisor tried on a failing run, passing changes
	// first (see package report/advise); AdviceNote says how it was
	// checked, or why there is none.
	Advice     []Suggestion `json:"advice,omitempty"`
	AdviceNote string       `json:"advice_note,omitempty"`
}

// RunMeta describes a run, for its result.
type RunMeta struct {
	Scenario, Target, Retry, RunID string
	Sender                         string // the sender model, when one was given
	// Senders are the senders of a run of several, in the plan's order.
	Senders []SenderMeta
	Seed    uint64
	// Disabled says the sender disabled itself, at DisabledAt (Unix ns).
	Disabled    bool
	DisabledAt  int64
	Interrupted bool
	// Capped, when set, says the run stopped at a cap of attempts, and
	// which: "--max-requests 10,000". CappedAt is when (Unix ns).
	Capped   string
	CappedAt int64
	// InterruptedAt is when the run was interrupted (Unix ns); zero means
	// the time the last delivery was cut off, or the last attempt.
	InterruptedAt int64
	// Merged says the run was put together from results files; its
	// Incomplete is then what the inputs say, and the collector's own view
	// of pending deliveries is not used.
	Merged     bool
	Incomplete *Incomplete
}

// AttemptLog receives every attempt a RunCollector counts, in the order
// attempts were sent: the results file of package report/results is one.
type AttemptLog interface {
	Attempt(a *probe.Attempt)
}

// RunCollector watches a run: it implements probe.Observer, counting what
// happens to the events (a DeliveryCollector) and analysing the attempts
// it sees against the profile (an Analyzer), and hands every attempt to an
// AttemptLog when one is given. It keeps histograms and counters, not
// per-attempt records: its memory grows with the deliveries in flight,
// the keys and the attempts inside the longest sliding window of a key,
// not with the length of the run.
type RunCollector struct {
	profile  *limitsim.Profile
	delivery *DeliveryCollector
	analyzer *Analyzer
	log      AttemptLog
	timeline *TimelineBuilder // nil when the result has no timeline
	answered int64            // attempts that got a response
	firstErr string           // the first transport error
	start    int64
	end      int64
	seen     bool
	// shared says the attempts are answered by the simulator of profile
	// itself: the analyzer takes its decisions (see shareDecisions).
	shared bool
	rec    scenarios.Record // the record of the attempt being counted
	// With shared decisions, rec is the last of a run of runLen attempts
	// equal in all the analysis and the timeline look at but their
	// answers (time, key, workspace, size), of which admitted were
	// accepted and rejected got a 429: the run is counted at once when an
	// attempt that differs comes, or the result is asked for (flush).
	// eachAlone, set by tests, counts every attempt alone.
	runLen, admitted, rejected int64
	eachAlone                  bool
	// aggregates is profile.Aggregates().
	aggregates bool
	// part is the partition of the last attempt of workspace ws, for a
	// profile that aggregates (see partition).
	ws, part string
	hasPart  bool
}

var _ probe.Observer = (*RunCollector)(nil)

// NewRunCollector returns a collector for a run against p. log, when not
// nil, receives every attempt.
func NewRunCollector(p *limitsim.Profile, log AttemptLog) *RunCollector {
	return &RunCollector{
		profile:  p,
		delivery: NewDeliveryCollector(),
		analyzer: NewAnalyzer([]*limitsim.Profile{p}, AnalyzerOptions{}),
		timeline: NewTimelineBuilder(NewProfileSpec(p)),
		log:      log,

		aggregates: p.Aggregates(),
	}
}

// shareDecisions tells c that every attempt it sees was answered by
// probe.SimTarget simulating c's own profile, and has the compliance
// analysis take the simulator's decision (admitted: a 2xx) instead of
// deciding every attempt again on its own partition, when the two are
// the same decision: same limits, same partitions, same times and sizes.
// They are when the profile is per key (a key is a partition to both,
// where a workspace-scoped profile's simulator counts the workspace named
// limitsim.AllTraffic with the unnamed one) and counts no bytes (the
// analysis counts a negative size as 0, the simulator as it is). It
// reports whether c shares them; call it before the first attempt.
func (c *RunCollector) shareDecisions() bool {
	if c.profile.Aggregates() || c.seen {
		return false
	}
	for _, l := range c.profile.Limits {
		if l.Unit == limitsim.Bytes {
			return false
		}
	}
	c.shared, c.analyzer.given = true, true
	return true
}

// partition is c.profile.PartitionOf the attempt's key and workspace, the
// label of an aggregated partition made once for a run of attempts of one
// workspace rather than once an attempt.
func (c *RunCollector) partition(a *probe.Attempt) string {
	if !c.aggregates {
		return a.Key // without a call: partition is inlined
	}
	return c.aggregated(a)
}

// aggregated is partition for a profile that aggregates.
func (c *RunCollector) aggregated(a *probe.Attempt) string {
	if !c.hasPart || a.Workspace != c.ws {
		c.ws, c.part, c.hasPart = a.Workspace, c.profile.PartitionOf(a.Key, a.Workspace), true
	}
	return c.part
}

// Attempt counts one attempt, in the order attempts were sent.
func (c *RunCollector) Attempt(a *probe.Attempt) {
	c.delivery.AttemptIn(a, c.partition(a))
	// The record analysed, written field by field into one kept for it:
	// a composite literal would be built aside and copied.
	rec := &c.rec
	acc, rej := a.Accepted(), a.Status == 429
	switch {
	case !c.shared:
		rec.Time, rec.Key, rec.Workspace, rec.Size, rec.HasSize = a.Sent, a.Key, a.Workspace, a.Size, true
		c.analyzer.add(rec)
		if c.timeline != nil {
			c.timeline.Add(a.Sent, a.Size, acc, rej)
		}
	case c.runLen > 0 && a.Sent == rec.Time && a.Size == rec.Size && sameString(a.Key, rec.Key) && sameString(a.Workspace, rec.Workspace) && !c.eachAlone:
		c.runLen++
		c.admitted += int64(b2i(acc))
		c.rejected += int64(b2i(rej))
	default:
		c.flush()
		rec.Time, rec.Key, rec.Workspace, rec.Size, rec.HasSize = a.Sent, a.Key, a.Workspace, a.Size, true
		c.runLen, c.admitted, c.rejected = 1, int64(b2i(acc)), int64(b2i(rej))
	}
	if !c.seen {
		c.start, c.seen = a.Sent, true
	}
	c.end = a.Sent
	if a.Status != 0 {
		c.answered++
	} else if c.firstErr == "" {
		c.firstErr = a.Err
	}
	if c.log != nil {
		c.log.Attempt(a)
	}
}

// flush counts the run of equal attempts that waits, if any (see runLen).
func (c *RunCollector) flush() {
	if c.runLen == 0 {
		return
	}
	c.analyzer.addRun(&c.rec, c.runLen, c.admitted)
	if c.timeline != nil {
		c.timeline.addRun(c.rec.Time, c.rec.Size, c.runLen, c.admitted, c.rejected)
	}
	c.runLen = 0
}

// Outcome counts how one delivery ended.
func (c *RunCollector) Outcome(o *probe.Outcome) { c.delivery.Outcome(o) }

// Result returns the run's result, thresholds not yet applied.
func (c *RunCollector) Result(m RunMeta) *RunResult {
	c.flush()
	chk := c.analyzer.Result()
	r := &RunResult{
		Verdict: chk.Verdict, Kind: KindRun, Scenario: m.Scenario, Profile: c.profile.Name,
		Target: m.Target, Retry: m.Retry, Seed: m.Seed, RunID: m.RunID, Interrupted: m.Interrupted,
		Incomplete: m.Incomplete, ExcludedLimits: chk.ExcludedLimits, Start: Timestamp(c.start), End: Timestamp(c.end),
		Compliance: chk.Verdict, ComplianceSection: chk.ComplianceSection,
		Delivery:   c.delivery.Delivery(),
		Thresholds: []ThresholdResult{},
	}
	if c.timeline != nil {
		r.Timeline = c.timeline.Timeline()
	}
	if !m.Merged {
		r.Incomplete = c.incomplete(m, &r.Delivery)
	}
	r.Sender = m.Sender
	r.Senders = c.delivery.Senders(m.Senders)
	for _, s := range m.Senders {
		if s.Disabled {
			r.Notes = append(r.Notes, fmt.Sprintf("sender %s disabled itself %s after the first attempt: every one of its deliveries due after that was lost",
				s.Name, time.Duration(s.DisabledAt-c.start)))
		}
	}
	if m.Disabled && len(m.Senders) == 0 {
		r.SenderDisabledAt = Timestamp(m.DisabledAt)
		r.Notes = append(r.Notes, fmt.Sprintf("the sender disabled itself %s after the first attempt: every delivery due after that was lost",
			time.Duration(m.DisabledAt-c.start)))
	}
	r.Metrics = RunMetricsOf(r, chk.Metrics)
	if r.Delivery.Attempts > 0 && c.answered == 0 {
		r.NoResponse = true
		r.Notes = append(r.Notes, fmt.Sprintf("no attempt got a response: all %s failed (the first: %s), so nothing was learnt about the target",
			numfmt.CountNoun(r.Delivery.Attempts, "attempt"), numfmt.DashIfEmpty(c.firstErr)))
	}
	r.Settle()
	return r
}

// incomplete says whether the run was cut short: interrupted, or ended
// with deliveries cut off before their next attempt (--drain ran out).
func (c *RunCollector) incomplete(m RunMeta, d *Delivery) *Incomplete {
	switch {
	case m.Interrupted:
		at := m.InterruptedAt
		if at == 0 {
			at = max(c.delivery.cutAt, c.end)
		}
		return NewIncomplete(CutInterrupted, at, d.Pending)
	case m.Capped != "":
		inc := NewIncomplete(CutCapped, max(m.CappedAt, c.end), d.CutOff)
		inc.Detail = strings.Replace(inc.Detail, "the cap of attempts", "the cap of attempts ("+m.Capped+")", 1)
		return inc
	case d.CutOff > 0:
		return NewIncomplete(CutDrain, c.delivery.cutAt, d.CutOff)
	}
	return nil
}

// Settle sets the verdict from the compliance, the thresholds (the lost
// rule among them, see LostRule) and whether the run was cut short.
func (r *RunResult) Settle() {
	r.Thresholds = LostRule(r.Thresholds, r.Delivery.Lost)
	r.Verdict = settleVerdict(r.Compliance, r.Thresholds, r.Incomplete)
	if r.NoResponse && r.Verdict == VerdictPass {
		r.Verdict = VerdictFail // nothing was learnt about the target
	}
}

// Check returns the compliance part of r as a CheckResult, to render it
// the way check does.
func (r *RunResult) Check() *CheckResult {
	return &CheckResult{
		Verdict: r.Compliance, Kind: KindCheck, Profiles: []string{r.Profile}, Incomplete: r.Incomplete,
		ComplianceSection: r.ComplianceSection, Metrics: map[string]float64{}, Thresholds: []ThresholdResult{},
	}
}

// RunMetrics lists the metrics a run's thresholds can name, sorted.
var RunMetrics = []string{
	"429_rate", "accepted", "amplification", "attempts", "delay_p50_ms", "delay_p99_ms", "duplicates",
	"events", "headroom", "late", "latency_p99_ms", "lost", "lost_rate", "partition_violations", "peak_ratio",
	"rate_429", "rejected_429", "retry_after_early",
}

func RunMetricsOf(r *RunResult, chk map[string]float64) map[string]float64 {
	d := &r.Delivery
	return map[string]float64{
		"429_rate":             d.Rate429,
		"rate_429":             d.Rate429,
		"accepted":             float64(d.Accepted),
		"amplification":        d.Amplification,
		"attempts":             float64(d.Attempts),
		"delay_p50_ms":         d.DeliveryDelay.P50,
		"delay_p99_ms":         d.DeliveryDelay.P99,
		"duplicates":           float64(d.Duplicates),
		"events":               float64(d.Events),
		"headroom":             chk[MetricHeadroom],
		"late":                 float64(d.Late),
		"latency_p99_ms":       d.Latency.P99,
		"lost":                 float64(d.Lost),
		"lost_rate":            d.LostRate,
		"partition_violations": float64(d.PartitionViolations),
		"peak_ratio":           chk[MetricPeakRatio],
		"rejected_429":         float64(d.Rejected429),
		"retry_after_early":    float64(d.RetryAfterEarly),
	}
}

// ApplyThresholds compares each threshold with r.Metrics, records the
// results, and fails the verdict when one does not hold. A threshold
// naming an unknown metric is an *exitcode.InputError.
func (r *RunResult) ApplyThresholds(ths []Threshold) error {
	for _, t := range ths {
		if err := t.Validate(RunMetrics); err != nil {
			return err
		}
		tr, err := t.Evaluate(r.Metrics)
		if err != nil {
			return err
		}
		r.Thresholds = append(r.Thresholds, tr)
	}
	r.Settle()
	return nil
}
