package report

import (
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestCountRejectedRows checks that with count_rejected every row of a
// limit rejects exactly what the profile's own replay (policy_rejected)
// does, at the boundaries of the examples: a rejected request
// still fills the window or empties the bucket.
func TestCountRejectedRows(t *testing.T) {
	ms := time.Millisecond
	bucket := limitsim.Limit{Name: "b", Kind: limitsim.Bucket, Quota: 5, Per: time.Second, Burst: 10}
	window := limitsim.Limit{Name: "s", Kind: limitsim.Window, Quota: 1, Per: time.Second}
	// 0 admitted, 0.5 s rejected, 1.2 s: the rejected one is still in (0.2 s, 1.2 s].
	three := []scenarios.Record{{Time: at(0), Key: "k"}, {Time: at(500 * ms), Key: "k"}, {Time: at(1200 * ms), Key: "k"}}
	// 10 at 0 empty the bucket; 0.1 s finds half a token, rejected; with
	// count_rejected it spends that half, so 0.2 s finds half again.
	burst := append(spaced("k", 10, 0, 0, 0), scenarios.Record{Time: at(100 * ms), Key: "k", HasSize: true}, scenarios.Record{Time: at(200 * ms), Key: "k", HasSize: true})
	tests := []struct {
		name          string
		lim           limitsim.Limit
		interp        string
		arrivals      []scenarios.Record
		countRejected bool
		want          int64
	}{
		{"window counts the rejected", window, "sliding window", three, true, 2},
		{"window without", window, "sliding window", three, false, 1},
		{"bucket counts the rejected", bucket, "token bucket", burst, true, 2},
		{"bucket without", bucket, "token bucket", burst, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &limitsim.Profile{Name: "cr", Dialect: "none", CountRejected: tt.countRejected, Limits: []limitsim.Limit{tt.lim}}
			r := analyze(t, []*limitsim.Profile{p}, AnalyzerOptions{}, tt.arrivals)
			row := findRow(t, r, "k", tt.lim.Name, tt.interp)
			if row.Rejected != tt.want {
				t.Errorf("row rejects %d, want %d", row.Rejected, tt.want)
			}
			if got := r.PolicyRejected[0].Rejected; got != tt.want {
				t.Errorf("policy_rejected %d, want %d", got, tt.want)
			}
		})
	}
}
