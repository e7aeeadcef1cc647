package report

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestAnalyzerMatchesReplay checks the Analyzer's rejected counts, first
// violations and policy counts against a plain replay through limitsim, on
// random traces of three keys and random profiles of every kind.
func TestAnalyzerMatchesReplay(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	kinds := []limitsim.Kind{limitsim.Window, limitsim.Fixed, limitsim.Bucket, limitsim.Credits}
	for i := range 200 {
		p := &limitsim.Profile{Name: fmt.Sprint("p", i), Dialect: "none", CountRejected: rng.IntN(2) == 0}
		for j := range 1 + rng.IntN(3) {
			l := limitsim.Limit{
				Name:  fmt.Sprint("l", j),
				Kind:  kinds[rng.IntN(len(kinds))],
				Quota: 1 + rng.Int64N(8),
				Per:   time.Duration(1+rng.Int64N(30)) * 100 * time.Millisecond,
			}
			if l.Kind == limitsim.Bucket || l.Kind == limitsim.Credits {
				l.Burst = 1 + rng.Int64N(10)
			}
			if rng.IntN(3) == 0 {
				l.Unit = limitsim.Bytes
			}
			p.Limits = append(p.Limits, l)
		}
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		var parts [][]scenarios.Record
		for _, key := range []string{"a", "b", "c"} {
			tr := randomTrace(rng, rng.IntN(120))
			for k := range tr {
				tr[k].Key = key
			}
			parts = append(parts, tr)
		}
		arrivals := merge(parts...)
		r := analyze(t, []*limitsim.Profile{p}, AnalyzerOptions{}, arrivals)
		for _, row := range r.Limits {
			l := *p.Limit(row.Name)
			if !row.Documented {
				l, _ = l.Alternative()
			}
			// The row must replay as the profile's own replay would with
			// this limit alone: a partition of a one-limit profile.
			one := &limitsim.Profile{Name: "one", Dialect: "none", CountRejected: p.CountRejected, Limits: []limitsim.Limit{l}}
			pt := one.NewPartition()
			var want replay
			for _, a := range arrivals {
				if a.Key == row.Key {
					want.count(pt.Decide(a.Time, a.Size).Admitted, a.Time)
				}
			}
			if row.Rejected != want.rejected || (want.rejected > 0 && int64(row.FirstViolation) != want.first) {
				t.Errorf("profile %d, %s / %s (%s): rejected %d from %v, replay rejects %d from %v",
					i, row.Key, row.Name, row.Interpretation, row.Rejected, row.FirstViolation, want.rejected, Timestamp(want.first))
			}
		}
		for _, pr := range r.PolicyRejected {
			pt := p.NewPartition()
			var want replay
			for _, a := range arrivals {
				if a.Key == pr.Key {
					want.count(pt.Decide(a.Time, a.Size).Admitted, a.Time)
				}
			}
			if pr.Rejected != want.rejected || (want.rejected > 0 && int64(pr.FirstRejected) != want.first) {
				t.Errorf("profile %d, key %s: policy rejects %d, replay %d", i, pr.Key, pr.Rejected, want.rejected)
			}
		}
	}
}
