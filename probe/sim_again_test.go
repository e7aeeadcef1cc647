package probe

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestSimRejectedAgainIsDecided runs random traffic against every
// built-in profile, and each with rejected requests counted, twice: once
// with a request rejected at the time its partition last rejected one of
// its size given that rejection (simPart), once with every request
// decided. The attempts (every field), the outcomes and the stats must be
// the same. The traffic is bursts on a few keys and workspaces, of a few
// sizes (some too large for byte limits), retried at once, after a delay
// or as Retry-After says.
func TestSimRejectedAgainIsDecided(t *testing.T) {
	t.Parallel()
	var profs []*limitsim.Profile
	for _, p := range limitsim.Builtins() {
		c := *p
		c.CountRejected = !p.CountRejected
		profs = append(profs, p, &c)
	}
	policies := []retry.Policy{retry.RetryAfter{Max: 4}, retry.Fixed{Max: 3}, retry.Fixed{Delay: 250 * time.Millisecond, Max: 5}, retry.None{}}
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 12))
		prof := profs[int(seed)%len(profs)]
		pol := policies[r.IntN(len(policies))]
		ems := randomSizedBursts(r)
		latency := time.Duration(r.IntN(2)) * 20 * time.Millisecond
		run := func(noAgain bool) (*httpRec, Stats) {
			e := &Engine{Source: &emList{ems: ems}, Policy: pol, Target: &SimTarget{Profile: prof, Latency: latency, noAgain: noAgain}, Seed: seed}
			rec, st, err := runEngine(t, e)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			return rec, st
		}
		again, stAgain := run(false)
		each, stEach := run(true)
		what := fmt.Sprintf("seed %d (%s, count_rejected %v, %s)", seed, prof.Name, prof.CountRejected, pol)
		sameRuns(t, what, again, stAgain, each, stEach, "with every request decided")
	}
}

// randomSizedBursts returns a few bursts of events on up to four keys in
// up to three workspaces, of sizes from a few (one of them 40 MB).
func randomSizedBursts(r *rand.Rand) []scenarios.Emission {
	sizes := []int64{100, 100, 2000, 40_000_000}
	var ems []scenarios.Emission
	at := scenarios.DefaultStart
	for range 1 + r.IntN(3) {
		for range 20 + r.IntN(80) {
			ems = append(ems, scenarios.Emission{Time: at, Event: uint64(len(ems) + 1), Copies: 1, Key: fmt.Sprint("k", r.IntN(4)),
				Workspace: fmt.Sprint("w", r.IntN(3)), Size: sizes[r.IntN(len(sizes))]})
			if r.IntN(4) == 0 {
				at += int64(r.IntN(3)) * int64(20*time.Millisecond)
			}
		}
		at += int64(time.Duration(r.IntN(2000)) * time.Millisecond)
	}
	return ems
}
