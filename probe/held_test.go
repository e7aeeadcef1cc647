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

// TestHeldRunsSameAttempts runs random traffic through random senders'
// disciplines twice, once with held deliveries queued in runs and once
// one entry each (Engine.oneByOne), and requires the same attempts, at the
// same times, in the same order, with the same outcomes and stats. The
// senders pace (shared and per partition, with bursts), pause on 429s,
// deliver in order, cap their concurrency and disable themselves, alone
// and as two lanes of one plan; the traffic is bursts on a few keys.
func TestHeldRunsSameAttempts(t *testing.T) {
	t.Parallel()
	prof, _ := limitsim.Builtin("rewst")
	for seed := range uint64(100) {
		r := rand.New(rand.NewPCG(seed, 11))
		lanes := make([]Lane, 1+r.IntN(2))
		for i := range lanes {
			lanes[i] = Lane{Name: fmt.Sprint("s", i), Policy: randomPolicy(r), Sender: randomSender(r)}
		}
		ems := randomBursts(r, len(lanes))
		latency := time.Duration(r.IntN(3)) * 10 * time.Millisecond
		run := func(oneByOne bool) (*httpRec, Stats) {
			e := &Engine{Source: &emList{ems: ems}, Lanes: lanes, Target: &SimTarget{Profile: prof, Latency: latency}, Seed: seed, oneByOne: oneByOne}
			rec, st, err := runEngine(t, e)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			return rec, st
		}
		runs, stRuns := run(false)
		flat, stFlat := run(true)
		what := fmt.Sprintf("seed %d (senders %+v)", seed, lanes)
		sameRuns(t, what, runs, stRuns, flat, stFlat, "one by one")
	}
}

func randomSender(r *rand.Rand) Sender {
	var s Sender
	if r.IntN(4) > 0 {
		s.Pace = Bucket{Rate: 10 + r.Int64N(25), Per: time.Second, Burst: 1 + r.Int64N(4), PerPartition: r.IntN(3) == 0}
	}
	s.PauseOn429 = r.IntN(3) == 0
	s.Ordered = r.IntN(4) == 0
	if r.IntN(3) == 0 {
		s.Concurrency = 1 + r.IntN(4)
	}
	if r.IntN(4) == 0 {
		s.DisableAfter = 5 + r.IntN(30)
	}
	return s
}

func randomPolicy(r *rand.Rand) retry.Policy {
	switch r.IntN(3) {
	case 0:
		return retry.RetryAfter{Max: 3}
	case 1:
		return retry.Fixed{Delay: 40 * time.Millisecond, Max: 2}
	}
	return retry.None{}
}

// randomBursts returns a few bursts of events, on up to seven keys, sent
// by random lanes of n.
func randomBursts(r *rand.Rand, n int) []scenarios.Emission {
	var ems []scenarios.Emission
	at := scenarios.DefaultStart
	for b := range 1 + r.IntN(3) {
		for range 20 + r.IntN(60) {
			ems = append(ems, scenarios.Emission{Time: at, Event: uint64(len(ems) + 1), Copies: 1, Key: fmt.Sprint("k", r.IntN(1+3*b)), Size: 100, Sender: r.IntN(n)})
			if r.IntN(4) == 0 {
				at += int64(r.IntN(3)) * int64(20*time.Millisecond)
			}
		}
		at += int64(time.Duration(r.IntN(2000)) * time.Millisecond)
	}
	return ems
}
