package report

import (
	"slices"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

func TestAnalyzerUnknownNote(t *testing.T) {
	arrivals := merge(spaced("w", 7, 0, time.Second, 100), spaced("w", 3, 500*time.Millisecond, time.Second, -1))
	r := analyze(t, []*limitsim.Profile{builtin(t, "workato")}, AnalyzerOptions{}, arrivals)
	for _, interp := range []string{credits, bucketI} {
		row := findRow(t, r, allTraffic, "bytes", interp)
		if want := "3 of 10 records have no size; peak and rejected count only the 7 with one"; row.Verdict != VerdictUnknown || row.Note != want {
			t.Errorf("bytes (%s): %s %q, want unknown %q", interp, row.Verdict, row.Note, want)
		}
	}
	if row := findRow(t, r, allTraffic, "events", credits); row.Verdict != VerdictPass || row.Note != "" {
		t.Errorf("events: %s %q, want pass and no note", row.Verdict, row.Note)
	}
	if s := findSummary(t, r, "bytes"); s.KeysUnknown != 1 || s.Keys != 0 || s.Note == "" {
		t.Errorf("bytes summary: %+v", s)
	}
	if pr := r.PolicyRejected[0]; pr.Note == "" {
		t.Errorf("policy rejection of a key with unsized records has no note")
	}
}

// manyKeys is a trace of four keys of different intensity: a sends 30 in a
// second, b 10, c 26, d 5.
func manyKeys() []scenarios.Record {
	return merge(
		spaced("a", 30, 0, 30*time.Millisecond, -1),
		spaced("b", 10, 0, 90*time.Millisecond, -1),
		spaced("c", 26, 0, 35*time.Millisecond, -1),
		spaced("d", 5, 0, 150*time.Millisecond, -1),
	)
}

func TestAnalyzerManyKeys(t *testing.T) {
	r := analyze(t, []*limitsim.Profile{builtin(t, "rewst")}, AnalyzerOptions{}, manyKeys())
	var order []string
	for _, row := range r.Limits {
		if len(order) == 0 || order[len(order)-1] != row.Key {
			order = append(order, row.Key)
		}
	}
	if want := []string{"a", "c", "b", "d"}; !slices.Equal(order, want) {
		t.Errorf("keys in order %q, want worst first %q", order, want)
	}
	s := findSummary(t, r, "per_second")
	if s.Keys != 4 || s.KeysFailing != 2 || s.WorstKey != "a" || s.WorstPeakRatio != 30.0/25 || s.Verdict != VerdictFail {
		t.Errorf("per_second summary: %+v", s)
	}
	if r.Input.Keys != 4 || r.Input.Records != 71 {
		t.Errorf("input: %+v", r.Input)
	}
	if got := r.Metrics[MetricKeysFailing]; got != 2 {
		t.Errorf("keys_failing = %v, want 2", got)
	}
	if got := r.Metrics[MetricPeakRatio]; got != 1.2 {
		t.Errorf("peak_ratio = %v, want 1.2", got)
	}

	one := analyze(t, []*limitsim.Profile{builtin(t, "rewst")}, AnalyzerOptions{Key: "c"}, manyKeys())
	if one.Input.Keys != 1 || one.Input.Records != 26 || one.Input.Filtered != 45 || len(one.Limits) != 4 {
		t.Errorf("--key c: input %+v, %d rows", one.Input, len(one.Limits))
	}
	if row := findRow(t, one, "c", "per_second", sliding); row.Peak != 26 || row.Rejected != 1 {
		t.Errorf("--key c: %+v", row)
	}
}

// TestAnalyzerPolicyRejected checks the whole-policy count where the two
// Rewst limits interact: 30 at once (the per-second limit rejects 5), then
// 20 a second for 49 s. The per-minute limit alone would reject 10 of the
// 1,010, but the policy admitted only 1,005, so it rejects 5 more: 10 in
// all, not the 15 the rows add up to.
func TestAnalyzerPolicyRejected(t *testing.T) {
	arrivals := spaced("t1", 30, 0, 0, -1)
	for s := 1; s < 50; s++ {
		arrivals = append(arrivals, spaced("t1", 20, time.Duration(s)*time.Second, 50*time.Millisecond, -1)...)
	}
	r := analyze(t, []*limitsim.Profile{builtin(t, "rewst")}, AnalyzerOptions{}, arrivals)
	if row := findRow(t, r, "t1", "per_second", sliding); row.Rejected != 5 || row.Peak != 30 {
		t.Errorf("per_second: %+v", row)
	}
	if row := findRow(t, r, "t1", "per_minute", sliding); row.Rejected != 10 || row.Peak != 1010 {
		t.Errorf("per_minute: %+v", row)
	}
	pr := r.PolicyRejected[0]
	if pr.Rejected != 10 || pr.Records != 1010 || pr.FirstRejected != Timestamp(t0) {
		t.Errorf("policy: %+v, want 10 of 1010 rejected from t0", pr)
	}
	if got := r.Metrics[MetricRejected]; got != 10 {
		t.Errorf("rejected = %v, want 10", got)
	}
	if got := r.Metrics[MetricRejectedRate]; got != 10.0/1010 {
		t.Errorf("rejected_rate = %v", got)
	}
}

func TestAnalyzerOutOfOrder(t *testing.T) {
	arrivals := []scenarios.Record{{Time: at(time.Second), Key: "k"}, {Time: at(0), Key: "k"}, {Time: at(0), Key: "other"}}
	r := analyze(t, []*limitsim.Profile{builtin(t, "rewst")}, AnalyzerOptions{}, arrivals)
	if r.Input.OutOfOrder != 1 || r.Input.First != Timestamp(t0) || r.Input.Last != Timestamp(at(time.Second)) {
		t.Errorf("input: %+v", r.Input)
	}
	if row := findRow(t, r, "k", "per_second", sliding); row.Peak != 2 {
		t.Errorf("the late record should count at the previous time: peak %d, want 2", row.Peak)
	}
}

func TestAnalyzerEmpty(t *testing.T) {
	r := analyze(t, []*limitsim.Profile{builtin(t, "rewst")}, AnalyzerOptions{}, nil)
	if r.Verdict != VerdictPass || len(r.Limits) != 0 || len(r.Summary) != 2 || r.Input.First != 0 {
		t.Errorf("empty input: %+v", r)
	}
}

func TestAnalyzerMultipleProfiles(t *testing.T) {
	arrivals := spaced("k", 26, 0, 38*time.Millisecond, 10)
	r := analyze(t, []*limitsim.Profile{builtin(t, "rewst"), builtin(t, "workato")}, AnalyzerOptions{}, arrivals)
	if !slices.Equal(r.Profiles, []string{"rewst", "workato"}) || len(r.Limits) != 8 || len(r.PolicyRejected) != 2 {
		t.Fatalf("profiles %q, %d rows, %d policy entries", r.Profiles, len(r.Limits), len(r.PolicyRejected))
	}
	if r.PolicyRejected[0].Rejected != 1 || r.PolicyRejected[1].Rejected != 0 {
		t.Errorf("policy: %+v", r.PolicyRejected)
	}
	if got := r.Metrics[MetricRejectedRate]; got != 1.0/52 {
		t.Errorf("rejected_rate = %v, want 1/52", got)
	}
}

// allTraffic is the partition of a workspace-scoped profile (Workato's)
// when no arrival names a workspace.
const allTraffic = "workspace (all traffic)"
