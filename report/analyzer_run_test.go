package report

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestRunsOfAttemptsCountedOnce runs random simulations twice: once as
// Simulation runs them, a run of equal attempts (a retry storm's burst
// at one instant) analysed and put in the timeline at once, once with
// every attempt counted alone. The results must be the same in every
// field. The profiles are every built-in one, each also with rejected
// requests counted or not, and random per-key ones; the traffic is
// bursts and spread events on a few keys, retried at once, after a
// delay or as Retry-After says, so that runs start admitted and turn
// rejected within them.
func TestRunsOfAttemptsCountedOnce(t *testing.T) {
	t.Parallel()
	profs := builtinsBothWays()
	r := rand.New(rand.NewPCG(17, 9))
	policies := []retry.Policy{retry.RetryAfter{Max: 6}, retry.Immediate{Max: 3}, retry.Fixed{Delay: 250 * time.Millisecond, Max: 5}}
	var shared, rejected int64
	for i := range 2 * len(profs) {
		prof := profs[i%len(profs)]
		if i >= len(profs) {
			prof = randomPerKeyProfile(r, i)
		}
		src := trafficSpec{"burst", scenarios.Params{Events: 20 + r.Int64N(120), Keys: 1 + r.IntN(3)}}
		if i%3 == 2 {
			src, _, _ = randomTraffic(r)
		}
		pol := policies[r.IntN(len(policies))]
		run := func(eachAlone bool) (*RunResult, *Simulation) {
			s, err := scenarios.New(src.shape, src.params)
			if err != nil {
				t.Fatal(err)
			}
			sim := &Simulation{Source: s, Profile: prof, Policy: pol, Seed: uint64(i), eachAlone: eachAlone}
			res, err := sim.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return res, sim
		}
		once, sim := run(false)
		each, _ := run(true)
		what := fmt.Sprintf("case %d (%s, count_rejected %v, %s %+v, %s, shared %v)", i, prof.Name, prof.CountRejected, src.shape, src.params, pol, sim.shared)
		if !reflect.DeepEqual(once, each) {
			t.Fatalf("%s: the result with runs counted at once differs from every attempt counted alone:\n%+v\n%+v", what, once, each)
		}
		if sim.shared {
			shared++
			rejected += once.Delivery.Rejected429
		}
	}
	if shared < int64(len(profs)) || rejected == 0 {
		t.Fatalf("%d simulations shared their decisions, %d attempts of them rejected: the test must run the shortcut", shared, rejected)
	}
}

// TestAnalyzerRunIsEachAlone feeds random runs of equal arrivals, all
// admitted, all rejected or the first few admitted, to an Analyzer of one to three built-in profiles
// (each also with rejected requests counted or not: several scopes, byte
// limits, and a byte window) at once with addRun and one at a time with addDecided, with
// random options (a key filter, the timeline, a resolution, sorted
// input). The results must be the same in every field. Some arrivals
// have no size, some come out of order.
func TestAnalyzerRunIsEachAlone(t *testing.T) {
	t.Parallel()
	profs := builtinsBothWays()
	// A byte window: an arrival with no size costs it nothing, and its
	// row has no limiter until it rejects.
	profs = append(profs, &limitsim.Profile{Name: "bytes", Scope: "trigger", Limits: []limitsim.Limit{
		{Name: "n", Kind: limitsim.Window, Quota: 40, Per: time.Second, Unit: limitsim.Requests},
		{Name: "b", Kind: limitsim.Window, Quota: 50_000, Per: 10 * time.Second, Unit: limitsim.Bytes}}})
	sizes := []int64{100, 100, 2000, 40_000_000}
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 21))
		type run struct {
			x           scenarios.Record
			n, admitted int64 // the first admitted of n are admitted
		}
		var runs []run
		at := scenarios.DefaultStart
		for range 20 + r.IntN(80) {
			x := scenarios.Record{Time: at, Key: fmt.Sprint("k", r.IntN(3)), Workspace: fmt.Sprint("w", r.IntN(2)),
				Size: sizes[r.IntN(len(sizes))], HasSize: r.IntN(3) > 0}
			n := 1 + r.Int64N(60)
			adm := []int64{0, n, r.Int64N(n + 1)}[r.IntN(3)]
			runs = append(runs, run{x, n, adm})
			switch r.IntN(4) {
			case 0:
				at += r.Int64N(int64(3 * time.Second))
			case 1:
				at -= r.Int64N(int64(100 * time.Millisecond)) // out of order
			}
		}
		var opt AnalyzerOptions
		switch r.IntN(8) {
		case 0:
			opt.Key = "k1"
		case 1:
			opt.Timeline = true
		case 2:
			opt.Resolution = time.Second
		case 3:
			opt.Sorted = true
		}
		var some []*limitsim.Profile
		for range 1 + r.IntN(3) {
			some = append(some, profs[r.IntN(len(profs))])
		}
		if seed%4 == 0 {
			some = append(some, profs[len(profs)-1])
		}
		analyse := func(eachAlone bool) *CheckResult {
			an := NewAnalyzer(some, opt)
			an.given = true
			for i := range runs {
				ru := &runs[i]
				if !eachAlone {
					an.addRun(&ru.x, ru.n, ru.admitted)
					continue
				}
				for i := range ru.n {
					an.addDecided(&ru.x, i < ru.admitted)
				}
			}
			return an.Result()
		}
		once, each := analyse(false), analyse(true)
		if !reflect.DeepEqual(once, each) {
			t.Fatalf("seed %d (%+v): runs added at once differ from each arrival alone:\n%+v\n%+v", seed, opt, once, each)
		}
	}
}

// BenchmarkAnalyzerRun counts a retry storm's bursts against rewst as a
// simulated run's collector does: 2,000 arrivals at each instant to one
// key, all rejected but the first, 1 s apart, added as one run each
// (addRun). Its ns/op is per arrival.
func BenchmarkAnalyzerRun(b *testing.B) {
	const burst = 2000
	an := NewAnalyzer([]*limitsim.Profile{builtin(b, "rewst")}, AnalyzerOptions{})
	an.given = true
	x := scenarios.Record{Time: scenarios.DefaultStart, Key: "t1", Size: 100, HasSize: true}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if n++; n == burst {
			an.addRun(&x, burst, 1)
			x.Time += int64(time.Second)
			n = 0
		}
	}
}
