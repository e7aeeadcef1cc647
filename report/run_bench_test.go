package report

import (
	"context"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// decisionLog keeps the time and size of every attempt, in the order they
// were sent, and the keys they were sent to.
type decisionLog struct {
	sent, size []int64
	keys       map[string]bool
}

func (d *decisionLog) Attempt(a *probe.Attempt) {
	d.sent = append(d.sent, a.Sent)
	d.size = append(d.size, a.Size)
	d.keys[a.Key] = true
}
func (d *decisionLog) Outcome(*probe.Outcome) {}

// BenchmarkRunDecisionsAlone is BenchmarkRunCollected's anchor: the
// limiter decisions of the same run alone, in a tight loop, with no
// engine and no reporting (the attempts are recorded once, before the
// clock starts). Compare its attempts/s with BenchmarkRunCollected's.
func BenchmarkRunDecisionsAlone(b *testing.B) {
	prof, _ := limitsim.Builtin("rewst")
	src, err := scenarios.New("steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 10 * time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	log := &decisionLog{keys: map[string]bool{}}
	eng := &probe.Engine{Source: src, Policy: retry.RetryAfter{Max: 100}, Observer: log, Target: &probe.SimTarget{Profile: prof}}
	if _, err := eng.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	if len(log.keys) != 1 || !log.keys["t1"] {
		b.Fatalf("keys %v; want t1 alone", log.keys)
	}
	var attempts int64
	var d limitsim.Decision
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		pt := limitsim.NewSimulator(prof).Partition(prof.PartitionOf("t1", ""))
		for i, t := range log.sent {
			pt.DecideInto(&d, t, log.size[i])
		}
		attempts += int64(len(log.sent))
	}
	b.ReportMetric(float64(attempts)/time.Since(start).Seconds(), "attempts/s")
}
