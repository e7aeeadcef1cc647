package receiver

import (
	"fmt"
	"testing"

	"github.com/hooklimit/hooklimit/limitsim"
)

// TestReceiverWorkatoRetryAfterEveryResponse serves a small credit model
// in Workato's dialect: every answer carries Retry-After (0 while a credit
// is left, then the wait to the next tick), and the session counts only
// the 429's as a Retry-After sent and as a wait to honor.
func TestReceiverWorkatoRetryAfterEveryResponse(t *testing.T) {
	p, err := limitsim.ParseProfile("w.yaml", []byte("name: w\nheaders: workato\nlimits:\n  events: {kind: credits, quota: 2, per: 1s, burst: 3}\n"))
	if err != nil {
		t.Fatal(err)
	}
	rv, _, _ := newReceiver(t, Options{Profile: p})
	want := []struct {
		code int
		ra   string
	}{{200, "0"}, {200, "0"}, {200, "0"}, {200, "0"}, {200, "1"}, {429, "1"}}
	for i, w := range want {
		got := send(rv, "POST", "/hooks/w1", fmt.Sprintf(`{"id":"e%d"}`, i+1))
		if got.Code != w.code || got.Header().Get("Retry-After") != w.ra {
			t.Errorf("request %d: %d with Retry-After %q, want %d with %q", i+1, got.Code, got.Header().Get("Retry-After"), w.code, w.ra)
		}
	}
	d := rv.Result(false).Delivery
	if d.Accepted != 5 || d.Rejected429 != 1 || d.RetryAfterSent != 1 || d.RetryAfterEarly != 0 || d.PartitionViolations != 0 {
		t.Errorf("delivery %+v: want 5 accepted, one 429 with Retry-After, nothing early", d)
	}
}
