package report

import (
	"strconv"
	"testing"
	"time"
)

const ns = time.Nanosecond

func msText(p *int64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatInt(*p, 10) + " ms"
}

// TestRetryAfterSlackMS: slacks are shown in whole milliseconds rounded
// down, so a negative slack never shows as 0.
func TestRetryAfterSlackMS(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want int64
	}{{0, 0}, {ns, 0}, {-ns, -1}, {999_999 * ns, 0}, {time.Millisecond, 1}, {-time.Millisecond, -1}, {-time.Millisecond - ns, -2}, {-999 * time.Millisecond, -999}} {
		c := RetryAfterCounts{MinRetrySlack: tc.d, HasRetrySlack: true}
		if got := c.MinRetrySlackMS(); got == nil || *got != tc.want {
			t.Errorf("%v: got %s, want %d ms", tc.d, msText(got), tc.want)
		}
	}
	if (RetryAfterCounts{}).MinRetrySlackMS() != nil || (RetryAfterCounts{}).MinPartitionSlackMS() != nil {
		t.Error("no slack seen must be nil")
	}
}

// TestRetryAfterJudgeBounded: the judge forgets followed, closed windows
// by itself, and events and partitions when told.
func TestRetryAfterJudgeBounded(t *testing.T) {
	j := NewRetryAfterJudge()
	for i := range 10_000 {
		at := st0 + int64(i)*int64(time.Second)
		// Each event is rejected once and retried on time, or 1 ns early
		// and then forgotten, as its owner does once it is settled.
		early := int64(i % 2)
		j.Add(RetryAfterAttempt{Partition: "p" + strconv.Itoa(i%10), Event: uint64(i), Sent: at, Answered: at, Status: 429, RetryAfter: time.Second, HasRetryAfter: true})
		j.Add(RetryAfterAttempt{Partition: "p" + strconv.Itoa(i%10), Event: uint64(i), Sent: at + int64(time.Second) - early, Answered: at + int64(time.Second), Status: 200})
		if early == 1 {
			j.Forget(uint64(i))
		}
		if _, events := j.live(); events != 0 {
			t.Fatalf("after event %d: %d events held, want 0", i, events)
		}
	}
	j.Add(RetryAfterAttempt{Partition: "x", Event: 1 << 40, Sent: st0 + 20_000*int64(time.Second), Status: 429, RetryAfter: time.Second, HasRetryAfter: true})
	j.Forget(1 << 40)
	j.Expire(st0 + 30_000*int64(time.Second))
	if parts, events := j.live(); parts != 0 || events != 0 {
		t.Errorf("after Forget and Expire: %d partitions, %d events held", parts, events)
	}
	if c := j.Counts(); c.Early != 5_000 || c.Honored != 5_000 || c.PartitionViolations != 5_000 {
		t.Errorf("counts %+v: every other retry came 1 ns early", c)
	}
}
