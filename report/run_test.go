package report

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// simRun runs a built-in shape against a built-in profile's simulator with
// a retry policy spec, and returns the result.
func simRun(t *testing.T, profile, shape string, p scenarios.Params, spec string, seed uint64) *RunResult {
	t.Helper()
	prof := builtin(t, profile)
	src, err := scenarios.New(shape, p)
	if err != nil {
		t.Fatal(err)
	}
	pol, err := retry.ParsePolicy(spec)
	if err != nil {
		t.Fatal(err)
	}
	coll := NewRunCollector(prof, nil)
	eng := &probe.Engine{Source: src, Policy: pol, Seed: seed, Observer: coll, Target: &probe.SimTarget{Profile: prof}}
	if _, err := eng.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return coll.Result(RunMeta{Scenario: shape, Target: "simulator", Retry: pol.String(), Seed: seed})
}

func TestRunWorkatoBurstWithoutRetriesLoses80(t *testing.T) {
	r := simRun(t, "workato", "burst", scenarios.Params{Events: 18100}, "none", 1)
	d := r.Delivery
	if d.Events != 18100 || d.Attempts != 18100 || d.Accepted != 18020 || d.Rejected429 != 80 || d.Lost != 80 {
		t.Fatalf("events %d attempts %d accepted %d 429 %d lost %d; want 18100 18100 18020 80 80", d.Events, d.Attempts, d.Accepted, d.Rejected429, d.Lost)
	}
	// What was sent: 18,100 in one second needs a store of 18,080.
	if r.Compliance != VerdictFail || r.Limits[0].Peak != 18080 || r.Limits[0].Rejected != 80 {
		t.Fatalf("compliance %s, events row %+v", r.Compliance, r.Limits[0])
	}
}

func TestRunRewstSteady30WithRetryAfterLosesNothing(t *testing.T) {
	r := simRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: time.Minute}, "retry-after", 1)
	d := r.Delivery
	if d.Events != 1800 || d.Lost != 0 || d.Accepted != 1800 {
		t.Fatalf("events %d lost %d accepted %d; want 1800 0 1800", d.Events, d.Lost, d.Accepted)
	}
	if d.RetryAfterEarly != 0 || d.RetryAfterHonored != d.Retries || d.Retries == 0 {
		t.Fatalf("early %d honored %d retries %d: every retry should wait the Retry-After", d.RetryAfterEarly, d.RetryAfterHonored, d.Retries)
	}
	if d.MinRetrySlackMS == nil || *d.MinRetrySlackMS != 0 {
		t.Fatalf("smallest slack %v, want 0 ms (retries at exactly t+d)", d.MinRetrySlackMS)
	}
	if d.Duplicates != 0 {
		t.Fatalf("duplicates %d", d.Duplicates)
	}
}

func TestRunImmediateRetriesAreEarlyAndMake429s(t *testing.T) {
	p := scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: time.Minute}
	none := simRun(t, "rewst", "steady", p, "none", 1).Delivery
	imm := simRun(t, "rewst", "steady", p, "immediate,max=5", 1).Delivery
	ra := simRun(t, "rewst", "steady", p, "retry-after", 1).Delivery
	if imm.RetryAfterEarly == 0 || imm.RetryAfterEarly != imm.Retries {
		t.Fatalf("immediate: %d early of %d retries; every immediate retry after a 429 is early", imm.RetryAfterEarly, imm.Retries)
	}
	if imm.Rejected429 <= none.Rejected429 {
		t.Fatalf("immediate 429s %d, none %d: retrying at once should only add 429s", imm.Rejected429, none.Rejected429)
	}
	// Immediate retries in the same instant are all rejected: they lose
	// exactly what sending once loses.
	if imm.Lost != none.Lost || none.Lost != 800 {
		t.Fatalf("lost: immediate %d, none %d; want 800 both", imm.Lost, none.Lost)
	}
	if ra.Lost != 0 {
		t.Fatalf("retry-after lost %d", ra.Lost)
	}
}

func TestRunDuplicateStormDeliversDuplicates(t *testing.T) {
	// 5 events a second, 3 copies each: 15 deliveries a second, under
	// Rewst's 25/s and, over 20 s, its 1,000/min.
	r := simRun(t, "rewst", "duplicate-storm", scenarios.Params{Rate: scenarios.Rate{N: 5, Per: time.Second}, Duration: 20 * time.Second, Copies: 3}, "none", 1)
	d := r.Delivery
	if d.Events != 100 || d.Deliveries != 300 || d.Accepted != 300 || d.Duplicates != 200 || d.Lost != 0 {
		t.Fatalf("events %d deliveries %d accepted %d duplicates %d lost %d; want 100 300 300 200 0", d.Events, d.Deliveries, d.Accepted, d.Duplicates, d.Lost)
	}
}

func TestRunSameSeedSameBytes(t *testing.T) {
	p := scenarios.Params{Rate: scenarios.Rate{N: 40, Per: time.Second}, Duration: 30 * time.Second, Seed: 9}
	render := func(seed uint64) []byte {
		var b bytes.Buffer
		if err := RenderForTest(&b, simRun(t, "rewst", "poisson", p, "exponential,jitter=full", seed), JSON); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b := render(3), render(3)
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed gave different results")
	}
	if bytes.Equal(a, render(4)) {
		t.Fatal("a different jitter seed gave the very same result")
	}
}

func TestRunInterruptedReportsPartialResults(t *testing.T) {
	prof, _ := limitsim.Builtin("rewst")
	src, err := scenarios.New("steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	coll := NewRunCollector(prof, nil)
	stop := &cancelAfter{Observer: coll, n: 5000, cancel: cancel}
	eng := &probe.Engine{Source: src, Policy: retry.RetryAfter{Max: 100}, Observer: stop, Target: &probe.SimTarget{Profile: prof}}
	st, err := eng.Run(ctx)
	if err == nil || !st.Interrupted {
		t.Fatalf("Run = %+v, %v; want interrupted", st, err)
	}
	d := coll.Result(RunMeta{Interrupted: true}).Delivery
	if d.Attempts < 5000 || d.Attempts > 5000+4096 || d.Pending == 0 {
		t.Fatalf("attempts %d pending %d: want the attempts made before the interrupt and the pending deliveries", d.Attempts, d.Pending)
	}
	if d.Lost != 0 {
		t.Fatalf("an interrupted delivery is pending, not lost: lost %d", d.Lost)
	}
}

// cancelAfter cancels a context after n attempts.
type cancelAfter struct {
	probe.Observer
	n      int
	cancel func()
}

func (c *cancelAfter) Attempt(a *probe.Attempt) {
	c.Observer.Attempt(a)
	if c.n--; c.n == 0 {
		c.cancel()
	}
}

// BenchmarkRunCollected measures a simulated run with everything a run
// reports, as hooklimit run makes it (Simulation): the engine, the
// delivery counts and histograms, the timeline and the compliance
// analysis of every attempt, on a goroutine of their own, and the result.
func BenchmarkRunCollected(b *testing.B) {
	prof, _ := limitsim.Builtin("rewst")
	var attempts int64
	start := time.Now()
	for b.Loop() {
		src, err := scenarios.New("steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 10 * time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		sim := &Simulation{Source: src, Profile: prof, Policy: retry.RetryAfter{Max: 100}}
		res, err := sim.Run(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if !sim.shared {
			b.Fatal("rewst should share the simulator's decisions")
		}
		attempts += res.Delivery.Attempts
	}
	b.ReportMetric(float64(attempts)/time.Since(start).Seconds(), "attempts/s")
}

// TestRunCollectorPartition: the partition an attempt is counted in is
// the profile's, whatever the workspaces before it, and one workspace's
// attempts in a row make its label once.
func TestRunCollectorPartition(t *testing.T) {
	for _, name := range []string{"rewst", "workato"} {
		p := builtin(t, name)
		c := NewRunCollector(p, nil)
		for _, a := range []probe.Attempt{{Key: "k1", Workspace: "w1"}, {Key: "k2", Workspace: "w1"}, {Key: "k1", Workspace: "w2"}, {Key: "k3", Workspace: ""}, {Key: "k1", Workspace: "w1"}} {
			if got, want := c.partition(&a), p.PartitionOf(a.Key, a.Workspace); got != want {
				t.Errorf("%s: %s in %q counted in %q, want %q", name, a.Key, a.Workspace, got, want)
			}
		}
		a := probe.Attempt{Key: "k9", Workspace: "w9"}
		if n := testing.AllocsPerRun(100, func() { c.partition(&a) }); n != 0 {
			t.Errorf("%s: %v allocations an attempt of the same workspace", name, n)
		}
	}
}
