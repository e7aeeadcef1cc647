package limitsim

import (
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// BenchmarkDecision measures one decision of each kind, at a time that
// advances by 1 ms a request, so windows slide and buckets refill. The
// x/time/rate limiter's AllowN runs beside them for comparison.
func BenchmarkDecision(b *testing.B) {
	limits := []Limit{
		{Name: "window", Kind: Window, Quota: 1000, Per: time.Minute},
		{Name: "fixed", Kind: Fixed, Quota: 1000, Per: time.Minute},
		{Name: "bucket", Kind: Bucket, Quota: 20, Per: time.Second, Burst: 18020},
		{Name: "credits", Kind: Credits, Quota: 20, Per: time.Second, Burst: 18000},
	}
	for _, l := range limits {
		b.Run(l.Name, func(b *testing.B) {
			lim := NewLimiter(l, false)
			now := t0
			b.ReportAllocs()
			for b.Loop() {
				now += int64(time.Millisecond)
				lim.Allow(now, 1)
			}
		})
	}
	b.Run("x/time/rate", func(b *testing.B) {
		lim := rate.NewLimiter(20, 18020)
		now := time.Unix(0, t0)
		b.ReportAllocs()
		for b.Loop() {
			now = now.Add(time.Millisecond)
			lim.AllowN(now, 1)
		}
	})
}

// BenchmarkPartitionDecide measures a whole profile's decision (all limits,
// with statuses) for each built-in profile, reusing the decision.
func BenchmarkPartitionDecide(b *testing.B) {
	for _, p := range Builtins() {
		b.Run(p.Name, func(b *testing.B) {
			pt := p.NewPartition()
			var d Decision
			now := t0
			b.ReportAllocs()
			for b.Loop() {
				now += int64(time.Millisecond)
				pt.DecideInto(&d, now, 512)
			}
		})
	}
}

// BenchmarkPartitionAdmit measures the same decisions as
// BenchmarkPartitionDecide through Admit, which reports only the verdict.
func BenchmarkPartitionAdmit(b *testing.B) {
	for _, p := range Builtins() {
		b.Run(p.Name, func(b *testing.B) {
			pt := p.NewPartition()
			now := t0
			b.ReportAllocs()
			for b.Loop() {
				now += int64(time.Millisecond)
				pt.Admit(now, 512)
			}
		})
	}
}

// BenchmarkPartitionDecideShort measures the same decisions as
// BenchmarkPartitionDecide through DecideShort on a solo partition, as
// the simulator of a run decides.
func BenchmarkPartitionDecideShort(b *testing.B) {
	for _, p := range Builtins() {
		b.Run(p.Name, func(b *testing.B) {
			pt := p.NewSoloPartition()
			var d Decision
			now := t0
			b.ReportAllocs()
			for b.Loop() {
				now += int64(time.Millisecond)
				pt.DecideShort(&d, now, 512)
			}
		})
	}
}
