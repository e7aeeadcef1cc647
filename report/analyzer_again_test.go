package report

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestRowsRejectedAgainAreDecided analyses random traffic against every
// built-in profile, and each with rejected requests counted, twice: once
// with a row's request rejected at the time its limiter last rejected one
// of its cost given that rejection (rowState.allow), once with every
// request decided. The results must be the same, every field. The
// traffic is bursts at one instant and spread ones, on a few keys and
// workspaces, of a few sizes (some too large for byte limits), sometimes
// out of order.
func TestRowsRejectedAgainAreDecided(t *testing.T) {
	t.Parallel()
	profs := builtinsBothWays()
	sizes := []int64{100, 100, 2000, 40_000_000}
	for seed := range uint64(12) {
		r := rand.New(rand.NewPCG(seed, 13))
		var recs []scenarios.Record
		at := scenarios.DefaultStart
		for range 1 + r.IntN(4) {
			for range 50 + r.IntN(400) {
				recs = append(recs, scenarios.Record{Time: at, Key: fmt.Sprint("k", r.IntN(3)), Workspace: fmt.Sprint("w", r.IntN(2)),
					Size: sizes[r.IntN(len(sizes))], HasSize: r.IntN(8) > 0})
				switch r.IntN(8) {
				case 0:
					at += r.Int64N(int64(2 * time.Second))
				case 1:
					at -= r.Int64N(int64(100 * time.Millisecond)) // out of order
				}
			}
			at += r.Int64N(int64(90 * time.Second))
		}
		opt := AnalyzerOptions{}
		if r.IntN(3) == 0 {
			opt.Resolution = time.Second
		}
		analyse := func(noAgain bool) *CheckResult {
			an := NewAnalyzer(profs, opt)
			an.noAgain = noAgain
			for i := range recs {
				an.Add(recs[i])
			}
			return an.Result()
		}
		again, each := analyse(false), analyse(true)
		if !reflect.DeepEqual(again, each) {
			t.Fatalf("seed %d: the results differ:\n%+v\nevery request decided:\n%+v", seed, again, each)
		}
	}
}

// builtinsBothWays returns every built-in profile, each followed by a
// copy that counts rejected requests where it does not, or the reverse:
// the comparing tests run both ways of a rule that depends on it.
func builtinsBothWays() []*limitsim.Profile {
	var profs []*limitsim.Profile
	for _, p := range limitsim.Builtins() {
		c := *p
		c.CountRejected = !p.CountRejected
		profs = append(profs, p, &c)
	}
	return profs
}
