package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/discover"
)

func rewstDiscovery(inferred ...discover.InferredLimit) *discover.Discovery {
	return &discover.Discovery{
		Start: 0, End: int64(61 * time.Second), Requests: 1200,
		Burst:    discover.Burst{Admitted: 25, Sent: 27, Limited: true, Status: 429, RetryAfter: time.Second, HasRetryAfter: true},
		Inferred: inferred,
	}
}

func TestNewProbeResultCompare(t *testing.T) {
	rewst, _ := limitsim.Builtin("rewst")
	per := func(w, l int64, basis string) discover.InferredLimit {
		return discover.InferredLimit{WindowSeconds: w, Limit: l, Basis: basis}
	}
	tests := []struct {
		name    string
		d       *discover.Discovery
		p       *limitsim.Profile
		rows    string // name=verdict, space-separated
		verdict Verdict
	}{
		{"all found", rewstDiscovery(per(1, 25, "measured"), per(60, 1000, "retry-after")), rewst,
			"burst=match per 1s=match per 1m=match", VerdictPass},
		{"within 10%", rewstDiscovery(per(1, 27, "measured"), per(60, 950, "retry-after")), rewst,
			"burst=match per 1s=match per 1m=match", VerdictPass},
		{"per-second too low", rewstDiscovery(per(1, 20, "measured")), rewst,
			"burst=match per 1s=mismatch per 1m=not determined", VerdictFail},
		{"an undocumented stricter window", rewstDiscovery(per(1, 25, "measured"), per(600, 100, "retry-after")), rewst,
			"burst=match per 1s=match per 1m=not determined per 10m=mismatch", VerdictFail},
		{"no profile", rewstDiscovery(per(1, 25, "measured")), nil, "burst=- per 1s=-", VerdictPass},
	}
	for _, tt := range tests {
		r := NewProbeResult(tt.d, ProbeMeta{Target: "http://127.0.0.1/hooks/t1", Profile: tt.p, MaxRequests: 3000, MaxDuration: 90 * time.Second})
		var rows []string
		for _, row := range r.Limits {
			rows = append(rows, row.Name+"="+row.Verdict)
		}
		if got := strings.Join(rows, " "); got != tt.rows || r.Verdict != tt.verdict {
			t.Errorf("%s: rows %q verdict %s, want %q %s", tt.name, got, r.Verdict, tt.rows, tt.verdict)
		}
	}
}

func TestProbeResultFindingsAndOutput(t *testing.T) {
	rewst, _ := limitsim.Builtin("rewst")
	d := rewstDiscovery(discover.InferredLimit{WindowSeconds: 1, Limit: 25, Basis: "measured"}, discover.InferredLimit{WindowSeconds: 60, Limit: 1000, Basis: "retry-after"})
	d.Findings = []discover.Finding{{Code: discover.Code503ForRateLimit, Severity: discover.SeverityError, Message: "503s", Count: 3, Seq: 26}}
	r := NewProbeResult(d, ProbeMeta{Target: "http://127.0.0.1/hooks/t1", Profile: rewst})
	if r.Verdict != VerdictFail {
		t.Errorf("an error finding must fail the probe, got %s", r.Verdict)
	}
	if s := r.Sustained; s == nil || s.Window != 60 || s.RatePerSecond != 16.667 {
		t.Errorf("sustained %+v, want 16.667/s from the minute", s)
	}
	var buf bytes.Buffer
	if err := RenderForTest(&buf, r, JSON); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"verdict", "kind", "inferred", "burst", "findings", "limits", "sustained"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if inf := m["inferred"].([]any)[1].(map[string]any); inf["window_seconds"] != 60.0 || inf["limit"] != 1000.0 {
		t.Errorf("inferred[1] = %v", inf)
	}
	for _, f := range []Format{Table, Markdown} {
		buf.Reset()
		if err := RenderForTest(&buf, r, f); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"hooklimit probe: FAIL", "503-for-rate-limit", "sustained: 16.7/s", "per 1m"} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("%s output lacks %q:\n%s", f, want, buf.String())
			}
		}
	}
}
