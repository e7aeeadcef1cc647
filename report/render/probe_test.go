package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/probe/discover"
)

func TestWriteProbePlan(t *testing.T) {
	var buf bytes.Buffer
	steps := discover.Plan(discover.DiscoverOptions{MaxRequests: 3000, MaxDuration: 90 * time.Second})
	if err := WriteProbePlan(&buf, "http://127.0.0.1:8080/hooks/t1", "rewst", steps, 3000, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "probe plan for http://127.0.0.1:8080/hooks/t1, compared with profile rewst: at most 3,000 requests, at most 1m30s\n  1. advertised") {
		t.Errorf("plan:\n%s", buf.String())
	}
}
