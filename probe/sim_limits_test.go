package probe

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestSimPendingLimit runs a burst of 200 events in one instant against
// Rewst (25 a second) with Retry-After retries: 25 are admitted and 175
// wait for a retry. A limit of 175 pending lets the run finish; one of 174
// stops it at the 200th attempt with exit code 2.
func TestSimPendingLimit(t *testing.T) {
	prof, _ := limitsim.Builtin("rewst")
	for _, tt := range []struct {
		max     int
		wantErr bool
	}{{175, false}, {174, true}} {
		src, err := scenarios.New("burst", scenarios.Params{Events: 200})
		if err != nil {
			t.Fatal(err)
		}
		obs := &countObserver{}
		eng := &Engine{Source: src, Policy: retry.RetryAfter{Max: 100}, Observer: obs, MaxPending: tt.max, Target: &SimTarget{Profile: prof}}
		st, err := eng.Run(context.Background())
		var pl *PendingLimitError
		switch {
		case !tt.wantErr && err != nil:
			t.Errorf("MaxPending %d: %v", tt.max, err)
		case !tt.wantErr && obs.outcomes != 200:
			t.Errorf("MaxPending %d: %d outcomes, want 200", tt.max, obs.outcomes)
		case tt.wantErr && !errors.As(err, &pl):
			t.Errorf("MaxPending %d: err = %v, want a *PendingLimitError", tt.max, err)
		case tt.wantErr && (exitcode.Of(err) != exitcode.Usage || pl.Max != 174 || pl.Attempts != 200 || st.Attempts != 200 || pl.At != 0):
			t.Errorf("MaxPending %d: exit %d, %+v, %d attempts; want exit 2 at the 200th attempt, at 0s", tt.max, exitcode.Of(err), pl, st.Attempts)
		}
		if eng.queue.Len() > tt.max {
			t.Errorf("MaxPending %d: %d pending", tt.max, eng.queue.Len())
		}
	}
}

// TestSimPendingLimitDefault checks that a zero MaxPending means
// DefaultMaxPending.
func TestSimPendingLimitDefault(t *testing.T) {
	prof, _ := limitsim.Builtin("rewst")
	src, _ := scenarios.New("burst", scenarios.Params{Events: 10})
	eng := &Engine{Source: src, Policy: retry.None{}, Target: &SimTarget{Profile: prof}}
	if _, err := eng.Run(context.Background()); err != nil || eng.MaxPending != DefaultMaxPending {
		t.Fatalf("err %v, MaxPending %d; want %d", err, eng.MaxPending, DefaultMaxPending)
	}
}

// allocatedBy returns the bytes f allocates, after a first call to warm up.
func allocatedBy(f func()) uint64 {
	f()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// simRunBytes returns the bytes allocated by a simulated run of a burst
// of n events in one instant on 10 keys, with no retries.
func simRunBytes(t *testing.T, n int64) uint64 {
	prof, _ := limitsim.Builtin("rewst")
	return allocatedBy(func() {
		src, err := scenarios.New("burst", scenarios.Params{Events: n, Keys: 10})
		if err != nil {
			t.Fatal(err)
		}
		eng := &Engine{Source: src, Policy: retry.None{}, Observer: &countObserver{}, Target: &SimTarget{Profile: prof}}
		if _, err := eng.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestSimMemoryBoundedWithoutRetries checks that the engine keeps nothing
// per event when nothing waits for a retry: a burst of 100,000 events
// allocates at most 64 KiB more than one of 20,000, which already fills
// the windows of every limit on each of its 10 keys. Keeping even 8 bytes
// per event would allocate 640 KB more.
func TestSimMemoryBoundedWithoutRetries(t *testing.T) {
	small, large := simRunBytes(t, 20_000), simRunBytes(t, 100_000)
	if large > small+64<<10 {
		t.Fatalf("a run of 100,000 events allocated %d bytes, one of 20,000 %d: the engine keeps something per event", large, small)
	}
}

// BenchmarkSimEngineBurst measures the engine at scale: a burst of 100,000
// events in one instant against Rewst, retried on Retry-After up to 3
// times, so that the retry queue holds nearly every event at once. Read
// B/op and allocs/op per event: they divide by 100,000.
func BenchmarkSimEngineBurst(b *testing.B) {
	prof, _ := limitsim.Builtin("rewst")
	const n = 100_000
	b.ReportAllocs()
	for b.Loop() {
		src, err := scenarios.New("burst", scenarios.Params{Events: n, Keys: 10})
		if err != nil {
			b.Fatal(err)
		}
		eng := &Engine{Source: src, Policy: retry.RetryAfter{Max: 3}, Observer: &countObserver{}, Target: &SimTarget{Profile: prof}}
		if _, err := eng.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "events/op")
}
