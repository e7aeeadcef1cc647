package report

import (
	"context"
	"runtime"
	"testing"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// collectedRunBytes returns the bytes allocated by a simulated run of a burst
// of n events in one instant, with no retries, through a RunCollector:
// the delivery counts and the compliance analysis of every attempt. The
// result is not built: its compressed histograms vary with the counts.
func collectedRunBytes(t *testing.T, n int64) uint64 {
	prof, _ := limitsim.Builtin("rewst")
	f := func() {
		src, err := scenarios.New("burst", scenarios.Params{Events: n})
		if err != nil {
			t.Fatal(err)
		}
		coll := NewRunCollector(prof, nil)
		eng := &probe.Engine{Source: src, Policy: retry.None{}, Observer: coll, Target: &probe.SimTarget{Profile: prof}}
		if _, err := eng.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := coll.delivery.d; d.Events != n || d.Attempts != n {
			t.Fatalf("%d events and %d attempts counted, want %d", d.Events, d.Attempts, n)
		}
	}
	f()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestRunMemoryBoundedForBurst checks that a run keeps nothing per attempt
// for a burst in one instant with no retries: 100,000 events allocate at
// most 64 KiB more than 5,000, which already fill every limit's window.
// (The sliding-window analysis once kept every attempt of the window: 16
// bytes each, 2 GB for a burst of 10^8.)
func TestRunMemoryBoundedForBurst(t *testing.T) {
	if raceEnabled {
		t.Skip("measures memory, which the race detector inflates: .ci/run runs it without -race")
	}
	small, large := collectedRunBytes(t, 5_000), collectedRunBytes(t, 100_000)
	if large > small+64<<10 {
		t.Fatalf("a run of 100,000 events allocated %d bytes, one of 5,000 %d: something is kept per attempt", large, small)
	}
}
