package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/probe/discover"
)

// TestProbeResultWindowConfidence: a window inferred from re-admissions
// carries its kind and confidence into the JSON and the text, and sets the
// sustained rate; an application-errors finding at info level leaves the
// verdict a pass.
func TestProbeResultWindowConfidence(t *testing.T) {
	d := &discover.Discovery{End: int64(30 * time.Second), Requests: 150,
		Burst: discover.Burst{Admitted: 40, Sent: 41, Limited: true, Status: 429, RetryAfter: 8 * time.Second, HasRetryAfter: true},
		Inferred: []discover.InferredLimit{{WindowSeconds: 10, Limit: 40, Basis: "readmission", Kinds: []string{discover.KindFixed},
			Confidence: discover.ConfidenceHigh, Note: "2 bursts; each admitted again 7.5s, 10s after its first admitted request"}},
		Findings: []discover.Finding{{Code: discover.CodeApplicationErrors, Severity: discover.SeverityInfo, Message: "2 of 150 answers were server errors", Count: 2, Seq: 9}},
	}
	r := NewProbeResult(d, ProbeMeta{Target: "http://127.0.0.1/hooks/t1", MaxRequests: 600, MaxDuration: time.Minute})
	if r.Sustained == nil || r.Sustained.RatePerSecond != 4 || r.Sustained.Window != 10 || r.Verdict != VerdictPass {
		t.Fatalf("sustained %+v, verdict %s; want 4/s from the 10 s window, pass", r.Sustained, r.Verdict)
	}
	var js bytes.Buffer
	if err := RenderForTest(&js, r, JSON); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Inferred []map[string]any `json:"inferred"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil || len(doc.Inferred) != 1 ||
		doc.Inferred[0]["confidence"] != "high" || doc.Inferred[0]["kind"] != "fixed" || doc.Inferred[0]["basis"] != "readmission" {
		t.Errorf("JSON inferred %+v (%v)", doc.Inferred, err)
	}
	var txt bytes.Buffer
	if err := RenderForTest(&txt, r, Table); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"sustained: 4/s (the per-10s limit)", "per 10s (fixed window, confidence high): 2 bursts", "application-errors"} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, txt.String())
		}
	}
}
