package report

import (
	"context"
	"testing"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/scenarios"
)

// collectedRunAllocs returns the allocations of a simulated run of a burst
// of n events in one instant, with no retries, through a RunCollector:
// the delivery counts and the compliance analysis of every attempt. The
// result is not built: its compressed histograms vary with the counts.
func collectedRunAllocs(t *testing.T, n int64) float64 {
	prof, _ := limitsim.Builtin("rewst")
	return testing.AllocsPerRun(2, func() {
		src, err := scenarios.New("burst", scenarios.Params{Events: n})
		if err != nil {
			t.Fatal(err)
		}
		coll := NewRunCollector(prof, nil)
		eng := &probe.SimEngine{Source: src, Profile: prof, Policy: probe.None{}, Observer: coll}
		if _, err := eng.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := coll.delivery.d; d.Events != n || d.Attempts != n {
			t.Fatalf("%d events and %d attempts counted, want %d", d.Events, d.Attempts, n)
		}
	})
}

// TestRunMemoryBoundedForBurst checks that a run keeps nothing per attempt
// for a burst in one instant with no retries: 100,000 events allocate no
// more than 5,000 do, which already fill every limit's window. (The
// sliding-window analysis once kept every attempt of the window: 16 bytes
// each, 2 GB for a burst of 10^8.)
func TestRunMemoryBoundedForBurst(t *testing.T) {
	small, large := collectedRunAllocs(t, 5_000), collectedRunAllocs(t, 100_000)
	if large > small {
		t.Fatalf("a run of 100,000 events made %v allocations, one of 5,000 made %v: something is kept per attempt", large, small)
	}
}
