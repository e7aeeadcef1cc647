package discover

import (
	"strings"
	"testing"
)

// TestAdvertisedFindings compares what a header advertises with what was
// enforced, at the edge of the 10% tolerance: 100 advertised per minute
// and 90 or 110 enforced is no finding, 89 or 111 is; a limit read from
// the headers themselves, a bytes limit and another window are never
// compared.
func TestAdvertisedFindings(t *testing.T) {
	adv := func(w, n int64, bytes bool) Advertised {
		return Advertised{Limits: []AdvertisedLimit{{Name: "1m", WindowSeconds: w, Limit: n, Bytes: bytes, Field: "X-RateLimit-Limit"}}}
	}
	tests := []struct {
		name string
		adv  Advertised
		inf  InferredLimit
		want string
	}{
		{"enforced 10% under", adv(60, 100, false), InferredLimit{WindowSeconds: 60, Limit: 90, Basis: "measured"}, ""},
		{"enforced 10% over", adv(60, 100, false), InferredLimit{WindowSeconds: 60, Limit: 110, Basis: "readmission"}, ""},
		{"enforced 89", adv(60, 100, false), InferredLimit{WindowSeconds: 60, Limit: 89, Basis: "measured"},
			"the header X-RateLimit-Limit says 100 per 60s, but 89 per 60s is enforced"},
		{"enforced 111", adv(60, 100, false), InferredLimit{WindowSeconds: 60, Limit: 111, Basis: "measured"}, "but 111 per 60s is enforced"},
		{"60 of 100", adv(60, 100, false), InferredLimit{WindowSeconds: 60, Limit: 60, Basis: "retry-after"}, "says 100 per 60s, but 60 per 60s"},
		{"read from the headers", adv(60, 100, false), InferredLimit{WindowSeconds: 60, Limit: 60, Basis: "advertised"}, ""},
		{"bytes", adv(60, 100, true), InferredLimit{WindowSeconds: 60, Limit: 60, Basis: "measured"}, ""},
		{"another window", adv(1, 100, false), InferredLimit{WindowSeconds: 60, Limit: 60, Basis: "measured"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := advertisedFindings(&Discovery{Advertised: tt.adv, Inferred: []InferredLimit{tt.inf}})
			switch {
			case tt.want == "" && len(got) != 0:
				t.Errorf("findings %+v, want none", got)
			case tt.want != "" && (len(got) != 1 || got[0].Code != CodeAdvertisedNotEnforced || got[0].Severity != SeverityWarning ||
				!strings.Contains(got[0].Message, tt.want)):
				t.Errorf("findings %+v, want one warning %s with %q", got, CodeAdvertisedNotEnforced, tt.want)
			}
		})
	}
}
