package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
)

// TestWriteProbeProfile writes inferred limits of each kind as a profile
// file: limitsim reads it back with the kinds, quotas, bursts and
// count_rejected inferred; a kind left open is written as the first kind
// still possible and the comment names the others; a target's control
// characters stay out of the comment; no limit is an error.
func TestWriteProbeProfile(t *testing.T) {
	yes, no := true, false
	now := time.Date(2026, 2, 17, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		res      ProbeResult
		want     []limitsim.Limit
		rejected bool
		comment  string
	}{
		{"fixed and window", ProbeResult{Target: "http://127.0.0.1:8080/hooks/t1?redacted", Requests: 600, DurationSeconds: 40,
			Inferred: []ProbeInferred{{WindowSeconds: 1, Limit: 50, Kind: ProbeKind{"fixed"}, Confidence: "high", Basis: "measured", CountsRejected: &no},
				{WindowSeconds: 60, Limit: 1000, Kind: ProbeKind{"window"}, Basis: "retry-after"}}},
			[]limitsim.Limit{{Name: "per_second", Kind: limitsim.Fixed, Quota: 50, Per: time.Second}, {Name: "per_minute", Kind: limitsim.Window, Quota: 1000, Per: time.Minute}},
			false, "# per_minute: 1,000 per 60s, confidence unknown, basis retry-after.\n"},
		{"bucket counting rejected", ProbeResult{Target: "http://127.0.0.1/x", Burst: ProbeBurst{Admitted: 40},
			Inferred: []ProbeInferred{{WindowSeconds: 1, Limit: 25, Kind: ProbeKind{"bucket"}, CountsRejected: &yes}}},
			[]limitsim.Limit{{Name: "per_second", Kind: limitsim.Bucket, Quota: 25, Per: time.Second, Burst: 40}},
			true, "count_rejected: true\n"},
		{"credits, open kind, two of one window", ProbeResult{Target: "http://127.0.0.1/a\nb", Burst: ProbeBurst{Admitted: 1020},
			Inferred: []ProbeInferred{{WindowSeconds: 1, Limit: 20, Kind: ProbeKind{"credits", "bucket"}}, {WindowSeconds: 1, Limit: 30}}},
			[]limitsim.Limit{{Name: "per_second", Kind: limitsim.Credits, Quota: 20, Per: time.Second, Burst: 1000}, {Name: "per_second_2", Kind: limitsim.Window, Quota: 30, Per: time.Second}},
			false, "# Inferred by hooklimit probe from http://127.0.0.1/a?b\n"},
		{"shared by the other URL", ProbeResult{Target: "http://127.0.0.1/x",
			Inferred: []ProbeInferred{{WindowSeconds: 1, Limit: 25, Kind: ProbeKind{"window"}, Scope: "shared"}}},
			[]limitsim.Limit{{Name: "per_second", Kind: limitsim.Window, Quota: 25, Per: time.Second}},
			false, "scope: workspace\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteProbeProfile(&b, &tt.res, now); err != nil {
				t.Fatal(err)
			}
			text := b.String()
			p, err := limitsim.ParseProfile("inferred.yaml", b.Bytes())
			if err != nil {
				t.Fatalf("%v\n%s", err, text)
			}
			if len(p.Limits) != len(tt.want) || p.CountRejected != tt.rejected || !strings.Contains(text, tt.comment) {
				t.Fatalf("got %+v, count_rejected %v\n%s", p.Limits, p.CountRejected, text)
			}
			for i, w := range tt.want {
				if g := p.Limits[i]; g.Name != w.Name || g.Kind != w.Kind || g.Quota != w.Quota || g.Per != w.Per || g.Burst != w.Burst {
					t.Errorf("limit %d = %+v, want %+v", i, g, w)
				}
			}
			if len(tt.res.Inferred[0].Kind) > 1 && !strings.Contains(text, "kind open: credits or bucket, written as credits") {
				t.Errorf("the open kind is not said:\n%s", text)
			}
		})
	}
	if err := WriteProbeProfile(&bytes.Buffer{}, &ProbeResult{}, now); err == nil {
		t.Error("a result without limits gave a profile")
	}
}
