package report

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// benchTrace is an endless trace over keys: every step ns one arrival of
// a key picked at random, with a size between 0 and 4 KiB.
type benchTrace struct {
	keys  []string
	order []int32 // a fixed random sequence of key indexes, cycled
	sizes []int64
	i     int
	now   int64
	step  int64
}

func newBenchTrace(keys int, step time.Duration) *benchTrace {
	rng := rand.New(rand.NewPCG(7, 11))
	tr := &benchTrace{now: t0, step: int64(step)}
	for i := range keys {
		tr.keys = append(tr.keys, fmt.Sprintf("trigger-%04d", i))
	}
	for range 1 << 16 {
		tr.order = append(tr.order, int32(rng.IntN(keys)))
		tr.sizes = append(tr.sizes, rng.Int64N(4096))
	}
	return tr
}

func (tr *benchTrace) next() scenarios.Record {
	j := tr.i & (len(tr.order) - 1)
	tr.i++
	tr.now += tr.step
	return scenarios.Record{Time: tr.now, Key: tr.keys[tr.order[j]], Size: tr.sizes[j], HasSize: true}
}

// warm runs the analyzer over two minutes of traffic, so that every key
// is known and every window and ring has grown to its steady size.
func (tr *benchTrace) warm(a *Analyzer) {
	for end := tr.now + int64(2*time.Minute); tr.now < end; {
		a.Add(tr.next())
	}
}

// BenchmarkAnalyzer measures Add alone, in steady state: 1,000 keys sending
// 10,000 arrivals a second between them (10 a second each, in random
// order), against the rewst and workato profiles. It reports arrivals per
// second of CPU time on one core.
func BenchmarkAnalyzer(b *testing.B) {
	for _, name := range []string{"rewst", "workato"} {
		b.Run(name, func(b *testing.B) {
			a := NewAnalyzer([]*limitsim.Profile{builtin(b, name)}, AnalyzerOptions{})
			tr := newBenchTrace(1000, 100*time.Microsecond)
			tr.warm(a)
			b.ReportAllocs()
			for b.Loop() {
				a.Add(tr.next())
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "arrivals/s")
		})
	}
}

// BenchmarkAnalyzerResult measures building the result of 1,000 keys.
func BenchmarkAnalyzerResult(b *testing.B) {
	a := NewAnalyzer([]*limitsim.Profile{builtin(b, "rewst")}, AnalyzerOptions{})
	newBenchTrace(1000, 100*time.Microsecond).warm(a)
	b.ReportAllocs()
	for b.Loop() {
		a.Result()
	}
}

func TestAnalyzerAddDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("measures memory, which the race detector inflates: .ci/run runs it without -race")
	}
	if testing.Short() {
		t.Skip("warms up on two minutes of traffic")
	}
	for _, name := range []string{"rewst", "workato"} {
		a := NewAnalyzer([]*limitsim.Profile{builtin(t, name)}, AnalyzerOptions{})
		// 100 keys at 10 arrivals a second each: two minutes fill every
		// window (the longest is a minute) to its steady size.
		tr := newBenchTrace(100, time.Millisecond)
		tr.warm(a)
		if n := testing.AllocsPerRun(10000, func() { a.Add(tr.next()) }); n != 0 {
			t.Errorf("%s: %v allocations per arrival in steady state, want 0", name, n)
		}
	}
}
