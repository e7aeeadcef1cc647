package report

import (
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestWholeSecondResolution checks the resolution rule at its boundaries:
// over whole-second times, a sliding 1 s window's worst case is the sum of
// two adjacent seconds, a token bucket's is r·1 s tokens beyond the peak
// as stamped, and fixed windows and credit ticks of whole seconds are
// exact. One time off the grid makes every row exact again.
func TestWholeSecondResolution(t *testing.T) {
	t.Parallel()
	sec := time.Second
	burst := func(n int, at time.Duration) []scenarios.Record { return spaced("k", n, at, 0, 0) }
	tests := []struct {
		name     string
		profile  string
		arrivals []scenarios.Record
		limit    string
		interp   string
		peak     int64
		worst    int64
		want     Verdict
		summary  Verdict
		coarse   bool
	}{
		{"13 then 12: two adjacent seconds hold 25", "rewst", merge(burst(13, 0), burst(12, sec)), "per_second", "sliding window", 13, 25, VerdictPass, VerdictPass, true},
		{"13 then 13: 26 could fall in one second", "rewst", merge(burst(13, 0), burst(13, sec)), "per_second", "sliding window", 13, 26, VerdictUnknown, VerdictUnknown, true},
		{"13, a gap, 13: no two adjacent", "rewst", merge(burst(13, 0), burst(13, 2*sec)), "per_second", "sliding window", 13, 13, VerdictPass, VerdictPass, true},
		{"26 in one stamped second fail", "rewst", burst(26, 0), "per_second", "sliding window", 26, 26, VerdictFail, VerdictFail, true},
		{"the fixed second is exact", "rewst", merge(burst(13, 0), burst(13, sec)), "per_second", "fixed window", 13, 0, VerdictPass, VerdictUnknown, true},
		{"a minute's worst case is 61 seconds", "rewst", spaced("k", 61, 0, sec, 0), "per_minute", "sliding window", 60, 61, VerdictPass, VerdictPass, true},
		{"one time off the grid: exact", "rewst", merge(burst(13, 0), burst(12, sec), burst(1, 1500*time.Millisecond)), "per_second", "sliding window", 13, 0, VerdictPass, VerdictPass, false},
		// One stamped second: all its requests at one instant is the worst.
		{"credits of whole seconds are exact", "workato", burst(18_020, 0), "events", "credits", 18_000, 0, VerdictPass, VerdictPass, true},
		{"a bucket's worst case of one second is its count", "workato", burst(18_020, 0), "events", "token bucket", 18_020, 18_020, VerdictPass, VerdictPass, true},
		// Two adjacent seconds: the 20 of the second may come just after
		// the 18,000 of the first, before any refill.
		{"18,000 then 20 fit the bucket at worst", "workato", merge(burst(18_000, 0), burst(20, sec)), "events", "token bucket", 18_000, 18_020, VerdictPass, VerdictPass, true},
		{"18,000 then 21 could exceed it", "workato", merge(burst(18_000, 0), burst(21, sec)), "events", "token bucket", 18_001, 18_021, VerdictUnknown, VerdictUnknown, true},
		{"beyond r·1 s over the capacity it fails for sure", "workato", burst(18_041, 0), "events", "token bucket", 18_041, 18_041, VerdictFail, VerdictFail, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := builtin(t, tt.profile)
			if tt.profile == "workato" {
				p.Limits = p.Limits[:1] // events only: the records have no size
			}
			r := analyze(t, []*limitsim.Profile{p}, AnalyzerOptions{Resolution: sec}, tt.arrivals)
			key := "k"
			if p.Aggregates() {
				key = allTraffic // one workspace: the records name none
			}
			row := findRow(t, r, key, tt.limit, tt.interp)
			if row.Peak != tt.peak || row.WorstCase != tt.worst || row.Verdict != tt.want {
				t.Errorf("peak %d, worst %d, %s (%s); want %d, %d, %s", row.Peak, row.WorstCase, row.Verdict, row.Note, tt.peak, tt.worst, tt.want)
			}
			if s := findSummary(t, r, tt.limit); s.Verdict != tt.summary {
				t.Errorf("summary %s (%s), want %s", s.Verdict, s.Note, tt.summary)
			}
			if (r.Input.Resolution != "") != tt.coarse {
				t.Errorf("input resolution %q", r.Input.Resolution)
			}
		})
	}
}
