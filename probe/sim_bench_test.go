package probe

import (
	"context"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

type countObserver struct{ attempts, outcomes int }

func (c *countObserver) Attempt(*Attempt) { c.attempts++ }
func (c *countObserver) Outcome(*Outcome) { c.outcomes++ }

// BenchmarkSimEngine measures the virtual-time engine alone: a steady 30/s
// against Rewst with Retry-After retries, reported in attempts a second.
func BenchmarkSimEngine(b *testing.B) {
	prof, _ := limitsim.Builtin("rewst")
	var attempts int64
	start := time.Now()
	for b.Loop() {
		src, err := scenarios.New("steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 10 * time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		obs := &countObserver{}
		eng := &Engine{Source: src, Policy: retry.RetryAfter{Max: 100}, Observer: obs, Target: &SimTarget{Profile: prof}}
		st, err := eng.Run(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		attempts += st.Attempts
	}
	b.ReportMetric(float64(attempts)/time.Since(start).Seconds(), "attempts/s")
}
