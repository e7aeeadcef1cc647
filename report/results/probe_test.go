package results

import (
	"bytes"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/probe/discover"
)

func TestResultsWriterProbeRequest(t *testing.T) {
	var buf bytes.Buffer
	rw := NewWriter(&buf)
	rw.ProbeRequest(&discover.ProbeRequest{Seq: 2, Step: "burst", Size: 2, Status: 429, RetryAfter: time.Second, HasRetryAfter: true,
		RateLimit: map[string]string{"Retry-After": "1"}, Sent: 0, Done: 500_000})
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	want := `{"type":"probe_request","seq":2,"step":"burst","size":2,"intended":"1970-01-01T00:00:00.000000000Z","sent":"1970-01-01T00:00:00.000000000Z","done":"1970-01-01T00:00:00.000500000Z","status":429,"retry_after_ms":1000,"latency_ms":0.5,"rate_limit":{"Retry-After":"1"}}` + "\n"
	if buf.String() != want {
		t.Errorf("line\n%s\nwant\n%s", buf.String(), want)
	}
}
