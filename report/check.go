package report

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
)

// Verdict is the answer to "does the traffic stay under the limit?".
type Verdict string

// The verdicts. A row (one key, limit and interpretation) is Pass or Fail,
// or Unknown when it cannot be decided (a byte limit and records without a
// size). A key and limit, and a limit over all keys, is Pass under every
// interpretation, Partial under only some, or Fail under none; a limit is
// Unknown when some key of it could not be decided and none fails. The
// overall verdict is Pass, Fail, Unknown or VerdictIncomplete; only Pass
// passes.
const (
	VerdictPass    Verdict = "pass"
	VerdictPartial Verdict = "partial"
	VerdictFail    Verdict = "fail"
	VerdictUnknown Verdict = "unknown"
)

// KindCheck is the CheckResult.Kind of a check.
const KindCheck = "check"

// CheckResult is what hooklimit check found: the stable JSON schema of
// the README. Fields are listed in the order they are written.
// Times are Unix nanoseconds in memory and RFC 3339 (UTC, nanoseconds) in
// JSON. Read a saved result back with json.Unmarshal.
type CheckResult struct {
	// Verdict is "pass" when every key passes every limit under every
	// interpretation and every threshold holds; "fail" when one does not;
	// "unknown" when nothing fails but some limit could not be judged
	// (see LimitSummary); "incomplete" when the check was interrupted
	// (see Incomplete). Only "pass" passes.
	Verdict Verdict `json:"verdict"`
	Kind    string  `json:"kind"` // always "check"
	// SchemaVersion is the version of the schema of this JSON: CurrentSchemaVersion.
	SchemaVersion SchemaVersion `json:"schema_version"`
	// Incomplete is set when the check was interrupted before it read
	// every record.
	Incomplete *Incomplete `json:"incomplete,omitempty"`
	// ExcludedLimits names the limits left out with --exclude-limit, as
	// PROFILE.LIMIT: they were not judged.
	ExcludedLimits []string `json:"excluded_limits,omitempty"`
	Profiles       []string `json:"profiles"` // the names of the profiles checked
	ComplianceSection
	// Metrics are the values thresholds are compared with; see CheckMetrics.
	Metrics    map[string]float64 `json:"metrics"`
	Thresholds []ThresholdResult  `json:"thresholds"`
	// Timeline counts the records per second, and what the first profile
	// would admit and reject, for charts; only with
	// AnalyzerOptions.Timeline (the check command sets it).
	Timeline *Timeline `json:"timeline,omitempty"`
}

// ComplianceSection is what traffic did against each limit of each
// profile: the traffic analysed, a row per key, limit and interpretation,
// a summary per limit, and what each whole profile would have rejected.
// CheckResult, RunResult and ServeResult embed it, so that its fields are
// written inline, in this order, in the JSON of each.
type ComplianceSection struct {
	// Input is the traffic analysed: for a run, the attempts; for serve,
	// the requests with a partition key.
	Input CheckInput `json:"input"`
	// Limits has a row per profile, key, limit and interpretation: the
	// profiles in the order given, each one's keys worst first, then the
	// limits in the profile's order, the documented interpretation first.
	Limits []LimitRow `json:"limits"`
	// Summary has an entry per profile and limit, over all keys.
	Summary []LimitSummary `json:"summary"`
	// PolicyRejected has an entry per profile and key, in the order of
	// Limits: what the whole profile (every limit, as documented) would
	// have rejected.
	PolicyRejected []PolicyRejection `json:"policy_rejected"`
}

// CheckInput describes the traffic that was checked. The analyzer fills in
// everything but Files and Skipped, which the caller that read the files
// sets.
type CheckInput struct {
	Files   []string `json:"files"`
	Records int64    `json:"records"` // records analyzed
	Skipped int64    `json:"skipped"` // invalid lines skipped by the reader
	// Filtered counts the records of other keys left out by
	// AnalyzerOptions.Key.
	Filtered int64 `json:"filtered,omitempty"`
	// OutOfOrder counts records earlier than the previous one of their key,
	// which were analyzed as if they had arrived at that previous time.
	OutOfOrder int64 `json:"out_of_order,omitempty"`
	Keys       int   `json:"keys"` // distinct partition keys analyzed
	// Resolution is set when every time is a whole multiple of it (one
	// second: access logs, epoch seconds): rows of windows finer than it
	// are judged by their worst case (LimitRow.WorstCase).
	Resolution string    `json:"resolution,omitempty"`
	First      Timestamp `json:"first,omitempty"` // the earliest record
	Last       Timestamp `json:"last,omitempty"`  // the latest record
}

// LimitRow is one limit of one profile, for one key, under one
// interpretation. Peak and Allowed are in the limit's unit: requests or
// bytes per window for windows, the capacity for a token bucket (the
// smallest that admits the trace, rounded up), the burst store for credits
// (the smallest store that admits the trace).
type LimitRow struct {
	Profile string `json:"profile"`
	Key     string `json:"key"`
	Name    string `json:"name"`  // the limit's name in the profile
	Limit   string `json:"limit"` // the documented limit, e.g. "25/1s" or "20/1s, burst 18000"
	Unit    string `json:"unit"`  // "requests" or "bytes"
	// Interpretation is "sliding window", "fixed window", "token bucket" or
	// "credits"; Documented says whether it is the profile's own reading.
	Interpretation string  `json:"interpretation"`
	Documented     bool    `json:"documented"`
	Allowed        int64   `json:"allowed"`
	Peak           int64   `json:"peak"`
	PeakRatio      float64 `json:"peak_ratio"` // Peak / Allowed (Peak itself when Allowed is 0)
	Headroom       float64 `json:"headroom"`   // 1 - PeakRatio
	// Rejected is how many records a limiter of this limit and
	// interpretation alone would have rejected, and FirstViolation the
	// time of the first.
	Rejected       int64     `json:"rejected"`
	FirstViolation Timestamp `json:"first_violation,omitempty"`
	Verdict        Verdict   `json:"verdict"` // pass, fail or unknown
	// WorstCase is, when the times are too coarse for the limit (see
	// CheckInput.Resolution), the largest peak the traffic could have
	// had: -1 when it cannot be bounded.
	WorstCase int64  `json:"worst_case,omitempty"`
	Note      string `json:"note,omitempty"`
}

// LimitSummary is one limit of one profile over all keys.
type LimitSummary struct {
	Profile string `json:"profile"`
	Name    string `json:"name"`
	Limit   string `json:"limit"`
	// Verdict is pass when every key passes under every interpretation,
	// partial when some interpretations (PassingInterpretations) pass for
	// every key, fail when none does, and unknown when none fails but some
	// key could not be decided (records without a size, or timestamps too
	// coarse for the window: see Resolution).
	Verdict                Verdict  `json:"verdict"`
	PassingInterpretations []string `json:"passing_interpretations"`
	Keys                   int      `json:"keys"`         // keys decided (not unknown)
	KeysFailing            int      `json:"keys_failing"` // keys that are not pass under every interpretation
	KeysPartial            int      `json:"keys_partial"` // of those, keys that pass under some
	KeysUnknown            int      `json:"keys_unknown"` // keys with records that have no size
	WorstKey               string   `json:"worst_key"`    // the key of the largest documented peak ratio
	WorstPeakRatio         float64  `json:"worst_peak_ratio"`
	Note                   string   `json:"note,omitempty"`

	coarseKeys int // of KeysUnknown, keys unknown for the resolution of their times
}

// PolicyRejection is what a profile as a whole (all its limits together, as
// documented) would have rejected of one key's records.
type PolicyRejection struct {
	Profile       string    `json:"profile"`
	Key           string    `json:"key"`
	Records       int64     `json:"records"`
	Rejected      int64     `json:"rejected"`
	FirstRejected Timestamp `json:"first_rejected,omitempty"`
	Note          string    `json:"note,omitempty"`
}

// Timestamp is a time in Unix nanoseconds that reads and writes itself in
// JSON as RFC 3339 in UTC with nine fractional digits, for example
// "2026-02-17T09:00:00.960000000Z". Zero means "none": fields of this type
// are left out of JSON when zero.
type Timestamp int64

// TimestampLayout is how a Timestamp is written.
const TimestampLayout = "2006-01-02T15:04:05.000000000Z07:00"

// Time returns t as a time.Time in UTC.
func (t Timestamp) Time() time.Time { return time.Unix(0, int64(t)).UTC() }

// String formats t as RFC 3339 with nanoseconds.
func (t Timestamp) String() string { return t.Time().Format(TimestampLayout) }

// MarshalJSON writes t as an RFC 3339 string.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + t.String() + `"`), nil
}

// UnmarshalJSON reads an RFC 3339 string (or a number of Unix nanoseconds).
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if json.Unmarshal(b, &n) != nil {
			return fmt.Errorf("timestamp: want an RFC 3339 string, not %s", b)
		}
		if !limitsim.InTimeRange(n) {
			return fmt.Errorf("timestamp: %d is out of range (want a time %s)", n, limitsim.TimeRangeText)
		}
		*t = Timestamp(n)
		return nil
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	// Compare as times: UnixNano wraps silently outside int64 nanoseconds.
	if v.Before(time.Unix(0, limitsim.MinTime)) || v.After(time.Unix(0, limitsim.MaxTime)) {
		return fmt.Errorf("timestamp: %q is out of range (want a time %s)", s, limitsim.TimeRangeText)
	}
	*t = Timestamp(v.UnixNano())
	return nil
}
