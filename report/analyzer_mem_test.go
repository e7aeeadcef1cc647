package report

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// idleKeyBytes returns the heap an Analyzer of the named profiles
// (comma-separated) holds per key after n distinct keys each sent one
// arrival (each its own workspace too), 1 ms apart, and time moved on an
// hour, with the check command's options.
// The keys' names are built before the first measurement, so only what the
// Analyzer keeps counts.
func idleKeyBytes(t testing.TB, profiles string, n int) float64 {
	t.Helper()
	var ps []*limitsim.Profile
	for name := range strings.SplitSeq(profiles, ",") {
		ps = append(ps, builtin(t, name))
	}
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "trigger-" + strconv.Itoa(i)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a := NewAnalyzer(ps, AnalyzerOptions{Resolution: time.Second, Sorted: true})
	for i, k := range keys {
		a.Add(scenarios.Record{Time: at(time.Duration(i) * time.Millisecond), Key: k, Workspace: k, Size: 512, HasSize: true})
	}
	// An hour later every key has gone idle.
	a.Add(scenarios.Record{Time: at(time.Hour), Key: keys[0], Workspace: keys[0], Size: 512, HasSize: true})
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(a)
	runtime.KeepAlive(keys)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
}

// TestAnalyzerIdleKeyMemory holds what an idle key costs the check
// command: a key that sent one request, under 1 KB whatever the profiles.
func TestAnalyzerIdleKeyMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("measures memory, which the race detector inflates: .ci/run runs it without -race")
	}
	for _, profiles := range []string{"rewst", "workato", "rewst,workato"} {
		t.Run(profiles, func(t *testing.T) {
			if b := idleKeyBytes(t, profiles, 20000); b >= 1000 {
				t.Errorf("%.0f bytes per idle key, want under 1,000", b)
			} else {
				t.Logf("%.0f bytes per idle key", b)
			}
		})
	}
}

// TestAnalyzerCompactIsExact checks that forgetting idle keys' state
// (AnalyzerOptions.Sorted) changes no number of the result: random bursty
// traces with long pauses, on and off the one-second grid, through the
// built-in profiles and small ones whose buckets and credit stores carry
// demand well past their capacity into the pauses.
func TestAnalyzerCompactIsExact(t *testing.T) {
	t.Parallel()
	small := &limitsim.Profile{Name: "small", Scope: "trigger", Limits: []limitsim.Limit{
		{Name: "bucket", Kind: limitsim.Bucket, Quota: 2, Per: time.Second, Burst: 3},
		{Name: "credits", Kind: limitsim.Credits, Quota: 2, Per: time.Second, Burst: 2},
		{Name: "window", Kind: limitsim.Window, Quota: 3, Per: 2 * time.Second},
		{Name: "fixed", Kind: limitsim.Fixed, Quota: 2, Per: 1500 * time.Millisecond},
		{Name: "bytes", Kind: limitsim.Credits, Quota: 1000, Per: time.Second, Burst: 500, Unit: limitsim.Bytes},
	}}
	counting := *small
	counting.Name, counting.CountRejected = "counting", true
	sets := [][]*limitsim.Profile{
		{builtin(t, "rewst")},
		{builtin(t, "rewst"), builtin(t, "workato")},
		{builtin(t, "perwebhook")},
		{small, &counting},
		{builtin(t, "workato"), small},
	}
	returned := 0 // keys compacted that came back
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 3))
		var trace []scenarios.Record
		now := t0
		for range 600 {
			switch rng.IntN(10) {
			case 0:
				now += int64(time.Duration(rng.IntN(20)) * time.Second) // a pause
			case 1, 2, 3:
				// a burst: same instant
			default:
				now += int64(time.Duration(rng.IntN(400)) * time.Millisecond)
			}
			tm := now
			if seed%2 == 0 {
				tm -= tm % int64(time.Second) // whole seconds
			}
			k := strconv.Itoa(rng.IntN(5))
			trace = append(trace, scenarios.Record{Time: tm, Key: "k" + k, Workspace: "w" + strconv.Itoa(rng.IntN(2)), Size: rng.Int64N(700), HasSize: rng.IntN(20) != 0})
		}
		for _, ps := range sets {
			var want, got bytes.Buffer
			for _, sorted := range []bool{false, true} {
				a := NewAnalyzer(ps, AnalyzerOptions{Timeline: true, Resolution: time.Second, Sorted: sorted})
				for _, x := range trace {
					a.Add(x)
				}
				out := &want
				if sorted {
					out = &got
					for _, g := range a.groups {
						for _, ks := range g.order {
							if ks.done != nil && ks.live != nil {
								returned++
							}
						}
					}
				}
				if err := json.NewEncoder(out).Encode(a.Result()); err != nil {
					t.Fatal(err)
				}
			}
			if got.String() != want.String() {
				t.Errorf("seed %d, %s: results differ once idle keys are compacted:\n got %s\nwant %s", seed, ps[0].Name, got.String(), want.String())
			}
		}
	}
	if returned == 0 {
		t.Error("no key was compacted and came back: the test exercises nothing")
	}
}

// BenchmarkAnalyzerIdleKeys measures adding keys that each send one
// arrival, 1 ms apart, as a file of a million keys does; it reports the
// heap the Analyzer holds per key (run with -benchmem for allocations).
func BenchmarkAnalyzerIdleKeys(b *testing.B) {
	for _, profiles := range []string{"rewst", "workato", "rewst,workato"} {
		b.Run(profiles, func(b *testing.B) {
			b.ReportAllocs()
			var per float64
			for b.Loop() {
				per = idleKeyBytes(b, profiles, 20000)
			}
			b.ReportMetric(per, "B/key")
		})
	}
}
