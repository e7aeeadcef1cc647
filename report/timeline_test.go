package report

import (
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
)

// BenchmarkAnalyzerTimeline is BenchmarkAnalyzer with the timeline the
// check command counts: its cost per arrival is a few nanoseconds.
func BenchmarkAnalyzerTimeline(b *testing.B) {
	a := NewAnalyzer([]*limitsim.Profile{builtin(b, "rewst")}, AnalyzerOptions{Timeline: true})
	tr := newBenchTrace(1000, 100*time.Microsecond)
	tr.warm(a)
	b.ReportAllocs()
	for b.Loop() {
		a.Add(tr.next())
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "arrivals/s")
}

// BenchmarkTimelineAdd measures counting one request into a timeline.
func BenchmarkTimelineAdd(b *testing.B) {
	tb := NewTimelineBuilder(BuiltinSpec("workato"))
	t := int64(1771318800 * time.Second)
	for b.Loop() {
		t += int64(50 * time.Microsecond)
		tb.Add(t, 512, true, false)
	}
}
