package report

import (
	"slices"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// t0 is 2026-02-17T09:00:00Z, Rewst's transition date, on a minute
// boundary, so fixed windows and credit ticks start there.
var t0 = time.Date(2026, 2, 17, 9, 0, 0, 0, time.UTC).UnixNano()

func at(d time.Duration) int64 { return t0 + int64(d) }

// spaced returns n arrivals of key from start, step apart, of size bytes
// (no size when size < 0).
func spaced(key string, n int, start, step time.Duration, size int64) []scenarios.Record {
	out := make([]scenarios.Record, n)
	for i := range out {
		out[i] = scenarios.Record{Time: at(start + time.Duration(i)*step), Key: key, Size: max(size, 0), HasSize: size >= 0}
	}
	return out
}

// merge sorts the arrivals of several keys into one trace.
func merge(parts ...[]scenarios.Record) []scenarios.Record {
	var all []scenarios.Record
	for _, p := range parts {
		all = append(all, p...)
	}
	slices.SortStableFunc(all, func(a, b scenarios.Record) int { return int(a.Time - b.Time) })
	return all
}

func builtin(t testing.TB, name string) *limitsim.Profile {
	t.Helper()
	p, ok := limitsim.Builtin(name)
	if !ok {
		t.Fatalf("no built-in profile %q", name)
	}
	return p
}

// analyze runs the arrivals through an Analyzer of the profiles and checks
// the invariant every result must keep: a row's peak is within what it
// allows exactly when replaying it rejects nothing.
func analyze(t *testing.T, profiles []*limitsim.Profile, opt AnalyzerOptions, arrivals []scenarios.Record) *CheckResult {
	t.Helper()
	a := NewAnalyzer(profiles, opt)
	for _, x := range arrivals {
		a.Add(x)
	}
	r := a.Result()
	for _, row := range r.Limits {
		if (row.Peak <= row.Allowed) != (row.Rejected == 0) {
			t.Errorf("%s / %s (%s): peak %d, allowed %d, but rejected %d", row.Key, row.Name, row.Interpretation, row.Peak, row.Allowed, row.Rejected)
		}
	}
	return r
}

func findRow(t *testing.T, r *CheckResult, key, name, interp string) LimitRow {
	t.Helper()
	for _, row := range r.Limits {
		if row.Key == key && row.Name == name && row.Interpretation == interp {
			return row
		}
	}
	t.Fatalf("no row for %s / %s (%s)", key, name, interp)
	return LimitRow{}
}

func findSummary(t *testing.T, r *CheckResult, name string) LimitSummary {
	t.Helper()
	for _, s := range r.Summary {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no summary for %s", name)
	return LimitSummary{}
}

type wantRow struct {
	key, name, interp       string
	allowed, peak, rejected int64
	first                   int64 // time of the first violation, 0 for none
	verdict                 Verdict
}

type wantSummary struct {
	name    string
	verdict Verdict
	passing []string
}

const (
	sliding = "sliding window"
	fixedW  = "fixed window"
	bucketI = "token bucket"
	credits = "credits"
)

func TestAnalyzerKnownTraces(t *testing.T) {
	const mb = 1_000_000
	tests := []struct {
		name     string
		profile  string
		arrivals []scenarios.Record
		rows     []wantRow
		summary  []wantSummary
		verdict  Verdict
	}{{
		name:     "25 in a second is exactly at the limit",
		profile:  "rewst",
		arrivals: spaced("t1", 25, 0, 40*time.Millisecond, -1),
		rows: []wantRow{
			{"t1", "per_second", sliding, 25, 25, 0, 0, VerdictPass},
			{"t1", "per_second", fixedW, 25, 25, 0, 0, VerdictPass},
			{"t1", "per_minute", sliding, 1000, 25, 0, 0, VerdictPass},
		},
		summary: []wantSummary{{"per_second", VerdictPass, []string{sliding, fixedW}}},
		verdict: VerdictPass,
	}, {
		name:     "26 in a second is one over",
		profile:  "rewst",
		arrivals: spaced("t1", 26, 0, 38*time.Millisecond, -1),
		rows: []wantRow{
			{"t1", "per_second", sliding, 25, 26, 1, at(25 * 38 * time.Millisecond), VerdictFail},
			{"t1", "per_second", fixedW, 25, 26, 1, at(25 * 38 * time.Millisecond), VerdictFail},
		},
		summary: []wantSummary{{"per_second", VerdictFail, []string{}}, {"per_minute", VerdictPass, []string{sliding, fixedW}}},
		verdict: VerdictFail,
	}, {
		name:    "25 and 25 across a second boundary",
		profile: "rewst",
		arrivals: merge(spaced("t1", 25, 900*time.Millisecond, 0, -1),
			spaced("t1", 25, time.Second, 0, -1)),
		rows: []wantRow{
			{"t1", "per_second", sliding, 25, 50, 25, at(time.Second), VerdictFail},
			{"t1", "per_second", fixedW, 25, 25, 0, 0, VerdictPass},
		},
		summary: []wantSummary{{"per_second", VerdictPartial, []string{fixedW}}},
		verdict: VerdictFail,
	}, {
		name:     "Workato's 18,020 events in one second",
		profile:  "workato",
		arrivals: spaced("w", 18020, 0, 0, 100),
		rows: []wantRow{
			{allTraffic, "events", credits, 18000, 18000, 0, 0, VerdictPass},
			{allTraffic, "events", bucketI, 18020, 18020, 0, 0, VerdictPass},
			{allTraffic, "bytes", credits, 30 * mb, 0, 0, 0, VerdictPass},
		},
		summary: []wantSummary{{"events", VerdictPass, []string{credits, bucketI}}},
		verdict: VerdictPass,
	}, {
		name:     "18,021 events in one second",
		profile:  "workato",
		arrivals: spaced("w", 18021, 0, 0, 100),
		rows: []wantRow{
			{allTraffic, "events", credits, 18000, 18001, 1, t0, VerdictFail},
			{allTraffic, "events", bucketI, 18020, 18021, 1, t0, VerdictFail},
		},
		summary: []wantSummary{{"events", VerdictFail, []string{}}},
		verdict: VerdictFail,
	}, {
		name:     "18,020 events spread over a second",
		profile:  "workato",
		arrivals: spaced("w", 18020, 0, 55*time.Microsecond, 100),
		rows: []wantRow{
			{allTraffic, "events", credits, 18000, 18000, 0, 0, VerdictPass},
			// 18,020 less 20/s for 0.99105 s of refill, rounded up.
			{allTraffic, "events", bucketI, 18020, 18001, 0, 0, VerdictPass},
		},
		verdict: VerdictPass,
	}, {
		name:     "60 MB in the first minute",
		profile:  "workato",
		arrivals: spaced("w", 60, 0, time.Second, mb),
		rows: []wantRow{
			{allTraffic, "bytes", credits, 30 * mb, 30 * mb, 0, 0, VerdictPass},
			// 60 MB less 500 kB/s for 59 s.
			{allTraffic, "bytes", bucketI, 60 * mb, 30_500_000, 0, 0, VerdictPass},
		},
		verdict: VerdictPass,
	}, {
		name:     "60 MB and one byte in the first minute",
		profile:  "workato",
		arrivals: merge(spaced("w", 60, 0, time.Second, mb), spaced("w", 1, 59500*time.Millisecond, 0, 1)),
		rows: []wantRow{
			{allTraffic, "bytes", credits, 30 * mb, 30*mb + 1, 1, at(59500 * time.Millisecond), VerdictFail},
			{allTraffic, "bytes", bucketI, 60 * mb, 30_500_000, 0, 0, VerdictPass},
		},
		summary: []wantSummary{{"bytes", VerdictPartial, []string{bucketI}}},
		verdict: VerdictFail,
	}, {
		name:     "records with a size alone over a byte limit fail it, whatever the others",
		profile:  "workato",
		arrivals: merge(spaced("w", 7, 0, time.Second, 50*mb), spaced("w", 3, 500*time.Millisecond, time.Second, -1)),
		rows: []wantRow{
			{allTraffic, "events", credits, 18000, 0, 0, 0, VerdictPass},
			{allTraffic, "bytes", credits, 30 * mb, 320 * mb, 6, at(time.Second), VerdictFail},
		},
		summary: []wantSummary{{"events", VerdictPass, []string{credits, bucketI}}, {"bytes", VerdictFail, []string{}}},
		verdict: VerdictFail,
	}, {
		// 30 MB and 30 MB in the first minute fill the store and the
		// minute's credits exactly (60 MB): the sized records alone pass,
		// so the one without a size could tip it either way.
		name:     "records without a size leave a byte limit unknown, and the verdict with it",
		profile:  "workato",
		arrivals: merge(spaced("w", 2, 0, time.Second, 30*mb), spaced("w", 1, 500*time.Millisecond, 0, -1)),
		rows: []wantRow{
			{allTraffic, "events", credits, 18000, 0, 0, 0, VerdictPass},
			{allTraffic, "bytes", credits, 30 * mb, 30 * mb, 0, 0, VerdictUnknown},
		},
		summary: []wantSummary{{"events", VerdictPass, []string{credits, bucketI}}, {"bytes", VerdictUnknown, []string{}}},
		verdict: VerdictUnknown,
	}, {
		name:     "one byte more than the store and fresh credits with a size fails",
		profile:  "workato",
		arrivals: merge(spaced("w", 1, 0, 0, 30*mb), spaced("w", 1, time.Second, 0, 30*mb+1), spaced("w", 1, 500*time.Millisecond, 0, -1)),
		rows: []wantRow{
			{allTraffic, "bytes", credits, 30 * mb, 30*mb + 1, 1, at(time.Second), VerdictFail},
		},
		summary: []wantSummary{{"bytes", VerdictPartial, []string{bucketI}}},
		verdict: VerdictFail,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyze(t, []*limitsim.Profile{builtin(t, tt.profile)}, AnalyzerOptions{}, tt.arrivals)
			for _, w := range tt.rows {
				got := findRow(t, r, w.key, w.name, w.interp)
				if got.Allowed != w.allowed || got.Peak != w.peak || got.Rejected != w.rejected ||
					int64(got.FirstViolation) != w.first || got.Verdict != w.verdict {
					t.Errorf("%s / %s (%s): got allowed %d peak %d rejected %d first %s %s, want allowed %d peak %d rejected %d first %s %s",
						w.key, w.name, w.interp, got.Allowed, got.Peak, got.Rejected, got.FirstViolation, got.Verdict,
						w.allowed, w.peak, w.rejected, Timestamp(w.first), w.verdict)
				}
			}
			for _, w := range tt.summary {
				got := findSummary(t, r, w.name)
				if got.Verdict != w.verdict || !slices.Equal(got.PassingInterpretations, w.passing) {
					t.Errorf("summary %s: got %s %q, want %s %q", w.name, got.Verdict, got.PassingInterpretations, w.verdict, w.passing)
				}
			}
			if r.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s", r.Verdict, tt.verdict)
			}
		})
	}
}
