package report

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestSharedDecisionsAreTheAnalyzers runs random simulations (random
// per-key profiles of every kind of limit, counting rejections or not,
// the built-in ones the sharing applies to, random traffic shapes, keys,
// retry policies and sender disciplines) twice: once as Simulation runs them, the compliance
// analysis taking the simulator's decisions, and once with the analysis
// deciding every attempt again on its own partitions. The two results
// must be the same in every field: verdicts, rows, policy counts,
// delivery. The traffic must be rejected at times, so that the decisions
// are tested both ways.
func TestSharedDecisionsAreTheAnalyzers(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(16, 7))
	var profiles []*limitsim.Profile
	for _, p := range limitsim.Builtins() {
		if NewRunCollector(p, nil).shareDecisions() {
			profiles = append(profiles, p)
		}
	}
	if len(profiles) == 0 {
		t.Fatal("no built-in profile shares its decisions")
	}
	var rejected, attempts int64
	for i := range 48 {
		prof := profiles[i%len(profiles)]
		if i%2 == 1 {
			prof = randomPerKeyProfile(r, i)
		}
		src, pol, desc := randomTraffic(r)
		sender := randomSender(r)
		desc += fmt.Sprintf(", sender %+v", sender)
		run := func(independent bool) *RunResult {
			src, err := scenarios.New(src.shape, src.params)
			if err != nil {
				t.Fatal(err)
			}
			sim := &Simulation{Source: src, Profile: prof, Policy: pol, Sender: sender, Seed: uint64(i), independent: independent}
			res, err := sim.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := sim.shared; got == independent {
				t.Fatalf("case %d: decisions shared %v, want %v", i, got, !independent)
			}
			return res
		}
		shared, own := run(false), run(true)
		if !reflect.DeepEqual(shared, own) {
			t.Fatalf("case %d (%s, %s): the result with the simulator's decisions differs from the analysis' own:\n%+v\n%+v", i, prof.Name, desc, shared, own)
		}
		rejected += shared.Delivery.Rejected429 + shared.Delivery.Errors
		attempts += shared.Delivery.Attempts
	}
	if rejected == 0 || rejected == attempts {
		t.Fatalf("%d of %d attempts rejected; the traffic must mix both answers", rejected, attempts)
	}
}

// TestSharedDecisionsOnlyWhenTheSame checks which profiles share the
// simulator's decisions with the analysis: not a workspace-scoped one,
// nor one that counts bytes; and not once attempts were counted.
func TestSharedDecisionsOnlyWhenTheSame(t *testing.T) {
	reqs := limitsim.Limit{Name: "n", Kind: limitsim.Window, Quota: 5, Per: time.Second, Unit: limitsim.Requests}
	bytes := limitsim.Limit{Name: "b", Kind: limitsim.Window, Quota: 5000, Per: time.Second, Unit: limitsim.Bytes}
	for _, tc := range []struct {
		name  string
		prof  limitsim.Profile
		share bool
	}{
		{"per key, requests", limitsim.Profile{Name: "a", Scope: "trigger", Limits: []limitsim.Limit{reqs}}, true},
		{"no scope", limitsim.Profile{Name: "a", Limits: []limitsim.Limit{reqs}}, true},
		{"workspace", limitsim.Profile{Name: "a", Scope: limitsim.ScopeWorkspace, Limits: []limitsim.Limit{reqs}}, false},
		{"environment", limitsim.Profile{Name: "a", Scope: limitsim.ScopeEnvironment, Limits: []limitsim.Limit{reqs}}, false},
		{"bytes", limitsim.Profile{Name: "a", Scope: "trigger", Limits: []limitsim.Limit{reqs, bytes}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NewRunCollector(&tc.prof, nil).shareDecisions(); got != tc.share {
				t.Errorf("shareDecisions() = %v, want %v", got, tc.share)
			}
		})
	}
	prof := limitsim.Profile{Name: "a", Scope: "trigger", Limits: []limitsim.Limit{reqs}}
	c := NewRunCollector(&prof, nil)
	c.Attempt(&probe.Attempt{Event: 1, Key: "k", N: 1, Sent: 1, Done: 1, Status: 200})
	if c.shareDecisions() {
		t.Error("shareDecisions() = true after an attempt was counted")
	}
}

// trafficSpec is a built-in shape and its parameters.
type trafficSpec struct {
	shape  string
	params scenarios.Params
}

// randomTraffic returns a small random shape, a retry policy, and what
// they are, for messages.
func randomTraffic(r *rand.Rand) (trafficSpec, retry.Policy, string) {
	var s trafficSpec
	keys := 1 + r.IntN(3)
	switch r.IntN(3) {
	case 0:
		s = trafficSpec{"burst", scenarios.Params{Events: 20 + r.Int64N(80), Keys: keys}}
	case 1:
		s = trafficSpec{"steady", scenarios.Params{Rate: scenarios.Rate{N: 5 + r.Int64N(60), Per: time.Second}, Duration: time.Duration(2+r.IntN(5)) * time.Second, Keys: keys}}
	default:
		s = trafficSpec{"poisson", scenarios.Params{Rate: scenarios.Rate{N: 5 + r.Int64N(60), Per: time.Second}, Duration: time.Duration(2+r.IntN(5)) * time.Second, Keys: keys, Seed: r.Uint64()}}
	}
	var pol retry.Policy
	switch r.IntN(4) {
	case 0:
		pol = retry.RetryAfter{Max: r.IntN(6), Jitter: time.Duration(r.IntN(3)) * 100 * time.Millisecond}
	case 1:
		pol = retry.Immediate{Max: r.IntN(4)}
	case 2:
		pol = retry.Fixed{Delay: time.Duration(r.IntN(1500)) * time.Millisecond, Max: r.IntN(5)}
	default:
		pol = retry.None{}
	}
	return s, pol, fmt.Sprintf("%s %+v, %v", s.shape, s.params, pol)
}

// randomSender returns a sender model: none at all half the time, else
// some of the disciplines and quirks that hold attempts back or change
// what the policy reads.
func randomSender(r *rand.Rand) probe.Sender {
	var s probe.Sender
	if r.IntN(2) == 0 {
		return s
	}
	s.Ordered = r.IntN(3) == 0
	if r.IntN(3) == 0 {
		s.PauseOn429, s.PauseFallback = true, time.Duration(r.IntN(3))*time.Second
	}
	if r.IntN(3) == 0 {
		s.Pace = probe.Bucket{Rate: 1 + r.Int64N(30), Per: time.Second, Burst: 1 + r.Int64N(10), PerPartition: r.IntN(2) == 0}
	}
	if r.IntN(4) == 0 {
		s.RetryAfter = probe.RetryAfterIgnore
	}
	return s
}

// randomPerKeyProfile returns a valid per-key profile of one to three
// request limits of random kinds and sizes.
func randomPerKeyProfile(r *rand.Rand, i int) *limitsim.Profile {
	kinds := []limitsim.Kind{limitsim.Window, limitsim.Fixed, limitsim.Bucket, limitsim.Credits}
	pers := []time.Duration{time.Second, 2 * time.Second, 10 * time.Second, time.Minute}
	for {
		p := &limitsim.Profile{Name: fmt.Sprintf("random-%d", i), Scope: "trigger", CountRejected: r.IntN(2) == 0, Dialect: "rewst"}
		for j := range 1 + r.IntN(3) {
			l := limitsim.Limit{Name: fmt.Sprintf("l%d", j), Kind: kinds[r.IntN(len(kinds))], Quota: 1 + r.Int64N(30), Per: pers[r.IntN(len(pers))], Unit: limitsim.Requests}
			if l.Kind == limitsim.Bucket || l.Kind == limitsim.Credits {
				l.Burst = 1 + r.Int64N(40)
			}
			p.Limits = append(p.Limits, l)
		}
		if p.Validate() == nil {
			return p
		}
	}
}
