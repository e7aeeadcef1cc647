package report

import (
	"testing"
	"time"
)

// BenchmarkRetryAfterJudge judges a retry storm as a run's delivery
// collector does: 2,000 events on one partition, each rejected with a
// 1 s Retry-After and retried when it ends, in the order of their
// numbers, and forgotten after their 20th attempt.
func BenchmarkRetryAfterJudge(b *testing.B) {
	const events, tries = 2000, 20
	j := NewRetryAfterJudge()
	at := st0
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		ev := uint64(n % events)
		try := n / events % tries
		at += int64(time.Millisecond)
		j.Add(RetryAfterAttempt{Partition: "t1", Event: ev, Sent: at, Answered: at, Status: 429, RetryAfter: time.Second, HasRetryAfter: true})
		if try == tries-1 {
			j.Forget(ev)
		}
		n++
	}
}
