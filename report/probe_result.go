package report

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
)

// KindProbe is the ProbeResult.Kind of a probe.
const KindProbe = "probe"

// DefaultProbeTolerance is how far an inferred limit may be from the
// documented one and still match: 10%.
const DefaultProbeTolerance = 0.1

// ProbeResult is what `hooklimit probe` found: the limits an endpoint
// enforces, inferred from its answers, beside what its headers advertise
// and what its profile documents, and what is wrong with its rate-limit
// answers. It is the stable JSON schema of probe results.
type ProbeResult struct {
	// Verdict is "pass" when every inferred limit that can be compared
	// matches the documented one within Tolerance and no finding is an
	// error, and "fail" otherwise. Without a profile, only the findings
	// decide.
	Verdict Verdict `json:"verdict"`
	Kind    string  `json:"kind"` // always "probe"
	// SchemaVersion is the version of the schema of this JSON: CurrentSchemaVersion.
	SchemaVersion SchemaVersion `json:"schema_version"`
	Target        string        `json:"target"`
	Profile       string        `json:"profile,omitempty"`
	Interrupted   bool          `json:"interrupted,omitempty"`
	// Incomplete is set when the probe was interrupted; the verdict is
	// then "incomplete".
	Incomplete      *Incomplete `json:"incomplete,omitempty"`
	Capped          string      `json:"capped,omitempty"` // the cap that cut the probe short
	Start           Timestamp   `json:"start,omitempty"`
	End             Timestamp   `json:"end,omitempty"`
	Requests        int         `json:"requests"`
	DurationSeconds float64     `json:"duration_seconds"`
	Caps            ProbeCaps   `json:"caps"`
	Tolerance       float64     `json:"tolerance"`

	// Limits compares, per limit, documented, advertised and inferred.
	Limits []ProbeLimitRow `json:"limits"`
	// Drift says which of the profile's family (the documented built-in
	// profile and its dated revisions) the endpoint enforces; nil when
	// the profile has no revision.
	Drift *ProbeDrift `json:"drift,omitempty"`
	// Inferred lists the limits found, one per window, shortest first.
	Inferred []ProbeInferred `json:"inferred"`
	Burst    ProbeBurst      `json:"burst"`
	// Sustained is the highest rate every inferred window allows; nil
	// when none was inferred.
	Sustained  *ProbeSustained    `json:"sustained,omitempty"`
	Advertised []ProbeAdvertised  `json:"advertised"`
	Headers    map[string]string  `json:"advertised_fields,omitempty"`
	RetryAfter []ProbeRetryAfter  `json:"retry_after_checks"`
	Rate       ProbeRate          `json:"rate"`
	ByteBurst  *ProbeBytes        `json:"bytes,omitempty"`
	Findings   []ProbeFinding     `json:"findings"`
	Steps      []ProbeStep        `json:"steps"`
	Metrics    map[string]float64 `json:"metrics,omitempty"`
}

// ProbeCaps are the hard caps the probe ran under.
type ProbeCaps struct {
	MaxRequests        int     `json:"max_requests"`
	MaxDurationSeconds float64 `json:"max_duration_seconds"`
}

// ProbeLimitRow is one limit seen three ways. A nil number is unknown:
// not documented, not advertised, or not determined within the caps; in
// JSON it is left out (results are never null).
type ProbeLimitRow struct {
	Name          string `json:"name"`                     // "burst", "per 1s", "per 1m", "bytes burst"
	WindowSeconds int64  `json:"window_seconds,omitempty"` // 0 for bursts
	Documented    *int64 `json:"documented,omitempty"`
	Advertised    *int64 `json:"advertised,omitempty"`
	Inferred      *int64 `json:"inferred,omitempty"`
	// AtLeast says Inferred is a lower bound: no rejection came.
	AtLeast bool   `json:"at_least,omitempty"`
	Basis   string `json:"basis,omitempty"`
	// Verdict is "match", "mismatch" (beyond the tolerance, or a limit
	// stricter than any documented), "not determined", "undocumented", or
	// "-" without a profile.
	Verdict string `json:"verdict"`
	Note    string `json:"note,omitempty"`
}

// ProbeInferred is one inferred limit: at most Limit in any WindowSeconds.
type ProbeInferred struct {
	WindowSeconds int64   `json:"window_seconds"`
	Limit         int64   `json:"limit"`
	RatePerSecond float64 `json:"rate_per_second"`
	Basis         string  `json:"basis"` // measured, retry-after, recovery, readmission, advertised
	// Confidence is how sure the inference is (high, medium, low); Note
	// gives the observations that decided it.
	Confidence string `json:"confidence,omitempty"`
	Note       string `json:"note,omitempty"`
	// Kind is the kind of limiter as a profile file names it (window,
	// fixed, bucket, credits), or the kinds still possible when the
	// caps left the question open; absent when not examined. KindNote
	// gives the observations that decided it; Alignment the clock unit a
	// fixed window is aligned to ("second", "minute").
	Kind      ProbeKind `json:"kind,omitempty"`
	Alignment string    `json:"alignment,omitempty"`
	KindNote  string    `json:"kind_note,omitempty"`
	// CountsRejected says whether rejected requests count against the
	// limit; absent when what was seen does not tell. CountsNote says why.
	CountsRejected *bool  `json:"counts_rejected,omitempty"`
	CountsNote     string `json:"counts_note,omitempty"`
	// Scope says whether the other URL given to probe (--also) shares the
	// limit ("shared") or has one of its own ("per-key"); absent when not
	// examined. ScopeNote says how.
	Scope     string `json:"scope,omitempty"`
	ScopeNote string `json:"scope_note,omitempty"`
}

// ProbeKind is the kind of an inferred limit: in JSON a string when one
// kind was decided, a list of the kinds still possible when not.
type ProbeKind []string

// MarshalJSON writes one kind as a string, several as a list.
func (k ProbeKind) MarshalJSON() ([]byte, error) {
	if len(k) == 1 {
		return json.Marshal(k[0])
	}
	return json.Marshal([]string(k))
}

// UnmarshalJSON reads a kind written by MarshalJSON.
func (k *ProbeKind) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*k = ProbeKind{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("kind: a kind or a list of kinds is expected")
	}
	*k = many
	return nil
}

// String writes the kinds for people: "fixed", "window or bucket".
func (k ProbeKind) String() string { return strings.Join(k, " or ") }

// ProbeBurst is the back-to-back burst from a fresh start.
type ProbeBurst struct {
	Admitted          int64    `json:"admitted"`
	Sent              int      `json:"sent"`
	Limited           bool     `json:"limited"` // a rejection came; else Admitted is a lower bound
	Status            int      `json:"status,omitempty"`
	ElapsedMS         float64  `json:"elapsed_ms"`
	RetryAfterSeconds *float64 `json:"retry_after_seconds,omitempty"`
}

// ProbeSustained is the highest steady rate the inferred limits allow.
type ProbeSustained struct {
	RatePerSecond float64 `json:"rate_per_second"` // min over Inferred of limit / window
	Window        int64   `json:"window_seconds"`  // the window that sets it
	// HeldPerSecond and FailedPerSecond are the steady trials' bounds.
	HeldPerSecond   float64 `json:"held_per_second,omitempty"`
	FailedPerSecond float64 `json:"failed_per_second,omitempty"`
}

// ProbeAdvertised is one limit a header field names.
type ProbeAdvertised struct {
	Name          string `json:"name"`
	WindowSeconds int64  `json:"window_seconds"`
	Limit         int64  `json:"limit"`
	Bytes         bool   `json:"bytes,omitempty"`
	Field         string `json:"field"`
}

// ProbeRetryAfter is one check of a Retry-After.
type ProbeRetryAfter struct {
	WaitSeconds    float64 `json:"wait_seconds"`
	Checked        bool    `json:"checked"`
	Admitted       bool    `json:"admitted"`
	Status         int     `json:"status,omitempty"`
	EarlySent      bool    `json:"early_sent"`
	EarlyBySeconds float64 `json:"early_by_seconds,omitempty"`
	EarlyRejected  bool    `json:"early_rejected,omitempty"`
	Note           string  `json:"note,omitempty"`
}

// ProbeRate is the search for the per-second rate.
type ProbeRate struct {
	SaturationRate float64      `json:"saturation_rate"`
	MaxPerSecond   int64        `json:"max_per_second"`
	Trials         []ProbeTrial `json:"trials"`
	Note           string       `json:"note,omitempty"`
}

// ProbeTrial is one steady trial.
type ProbeTrial struct {
	Rate     float64 `json:"rate"`    // the rate actually sent
	Nominal  float64 `json:"nominal"` // the rate asked for
	Sent     int     `json:"sent"`
	Rejected int     `json:"rejected"`
	Held     bool    `json:"held"`
}

// ProbeBytes is what the bytes step found.
type ProbeBytes struct {
	BodySize          int64    `json:"body_size"`
	Admitted          int64    `json:"admitted"`
	AdmittedBytes     int64    `json:"admitted_bytes"`
	Limited           bool     `json:"limited"`
	Status            int      `json:"status,omitempty"`
	RetryAfterSeconds *float64 `json:"retry_after_seconds,omitempty"`
	Note              string   `json:"note,omitempty"`
}

// ProbeFinding is one finding about the endpoint's answers.
type ProbeFinding struct {
	Code         string `json:"code"`
	Severity     string `json:"severity"`
	Message      string `json:"message"`
	Count        int    `json:"count"`
	FirstRequest int    `json:"first_request,omitempty"`
}

// ProbeStep is what one step did.
type ProbeStep struct {
	Name            string  `json:"name"`
	Status          string  `json:"status"`
	Requests        int     `json:"requests"`
	DurationSeconds float64 `json:"duration_seconds"`
	Note            string  `json:"note,omitempty"`
}

// ProbeMeta describes a probe, for its result.
type ProbeMeta struct {
	Target      string
	Profile     *limitsim.Profile // nil when none was given
	MaxRequests int
	MaxDuration time.Duration
	Tolerance   float64 // 0 means DefaultProbeTolerance
}

func secondsPtr(d time.Duration, ok bool) *float64 {
	if !ok {
		return nil
	}
	s := d.Seconds()
	return &s
}
