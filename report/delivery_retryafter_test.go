package report

import (
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/probe"
)

// TestDeliveryRetryAfterOnlyOn429 checks that a Retry-After on an admitted
// answer (Workato sends one on every response, 0 or the wait until the
// next event would be admitted) is not taken as a rejection's wait: the
// next request on the partition is neither early nor a violation. The
// same request after a 429 with the same Retry-After is both.
func TestDeliveryRetryAfterOnlyOn429(t *testing.T) {
	const t0 = int64(1_771_318_800_000_000_000)
	ms := int64(time.Millisecond)
	tests := []struct {
		name            string
		status          int
		ra              time.Duration
		early, violates int64
	}{
		{"200 with Retry-After 0", 200, 0, 0, 0},
		{"200 with Retry-After 1", 200, time.Second, 0, 0},
		{"429 with Retry-After 1", 429, time.Second, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewDeliveryCollector()
			first := &probe.Attempt{Event: 1, Key: "w", N: 1, Intended: t0, Sent: t0, Done: t0 + ms,
				Status: tt.status, RetryAfter: tt.ra, HasRetryAfter: true}
			c.Attempt(first)
			// Another event on the partition, and the first event again
			// (a retry when it was rejected), 10 ms later.
			c.Attempt(&probe.Attempt{Event: 2, Key: "w", N: 1, Intended: t0 + 10*ms, Sent: t0 + 10*ms, Done: t0 + 11*ms, Status: 200})
			c.Attempt(&probe.Attempt{Event: 1, Key: "w", N: 2, Intended: t0 + 10*ms, Sent: t0 + 10*ms, Done: t0 + 11*ms, Status: 200})
			d := c.Delivery()
			if d.RetryAfterEarly != tt.early || d.PartitionViolations != tt.violates*2 || d.RetryAfterHonored != 0 {
				t.Errorf("early %d, violations %d, honored %d; want %d, %d, 0", d.RetryAfterEarly, d.PartitionViolations, d.RetryAfterHonored, tt.early, tt.violates*2)
			}
		})
	}
}
