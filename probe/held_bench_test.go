package probe

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// BenchmarkHeldDeliveries measures a burst held back by the sender's own
// pacing: n events in one instant on n/10 keys, paced at 25/s by one
// bucket shared by the sender's keys, so that nearly every delivery waits
// for a token at once: in the retry queue (pace, and pause-on-429 with a
// pace) or, ordered, one delivery per key while the rest wait behind it.
// The cost per event must not grow with n: compare ns/event at the two
// sizes (a queue that looks at every held delivery for every token grows
// tenfold from the first to the second).
func BenchmarkHeldDeliveries(b *testing.B) {
	prof, _ := limitsim.Builtin("rewst")
	pace := Bucket{Rate: 25, Per: time.Second}
	for _, s := range []struct {
		name   string
		sender Sender
	}{
		{"pace", Sender{Pace: pace}},
		{"pause-on-429,pace", Sender{PauseOn429: true, Pace: pace}},
		{"ordered,pace", Sender{Ordered: true, Pace: pace}},
	} {
		for _, n := range []int{2_000, 20_000} {
			b.Run(fmt.Sprintf("%s/%d", s.name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					src, err := scenarios.New("burst", scenarios.Params{Events: int64(n), Keys: n / 10})
					if err != nil {
						b.Fatal(err)
					}
					eng := &Engine{Source: src, Policy: retry.RetryAfter{Max: 3}, Observer: &countObserver{},
						Sender: s.sender, Target: &SimTarget{Profile: prof}}
					if _, err := eng.Run(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/event")
			})
		}
	}
}
