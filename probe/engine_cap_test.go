package probe

import (
	"testing"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
)

// TestEngineCaps sends a burst of 26 events on one key to Rewst (25 a
// second), honouring Retry-After: 25 are delivered at once, the 26th on
// its retry, 27 attempts in all. A cap of exactly 27 attempts lets the
// run finish; 26 stops it before the retry, which is cut off. The
// amplification cap counts attempts per delivery emitted: 27 attempts
// for 26 events is within 2 per event, not within 1, unless the cap
// starts past 27 attempts (MinCapped). Events the source still holds at
// the cap are not sent.
func TestEngineCaps(t *testing.T) {
	tests := []struct {
		name                string
		max, ratio, min     int64
		attempts, delivered int
		capped              bool
	}{
		{"no cap", 0, 0, 0, 27, 26, false},
		{"cap reached exactly", 27, 0, 0, 27, 26, false},
		{"cap exceeded", 26, 0, 0, 26, 25, true},
		{"cap of 1", 1, 0, 0, 1, 1, true},
		{"2 per event", 0, 2, 0, 27, 26, false},
		{"1 per event", 0, 1, 0, 26, 25, true},
		{"1 per event past 27", 0, 1, 27, 27, 26, false},
		{"1 per event past 26", 0, 1, 26, 26, 25, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prof, ok := limitsim.Builtin("rewst")
			if !ok {
				t.Fatal("no profile rewst")
			}
			rec, st, err := runEngine(t, &Engine{Source: burstOn(26, "t1"), Policy: retry.RetryAfter{Max: 100},
				Target: &SimTarget{Profile: prof}, MaxAttempts: tt.max, MaxAmplification: tt.ratio, MinCapped: tt.min})
			if err != nil {
				t.Fatal(err)
			}
			checkOneOutcomeEach(t, rec, st)
			f := rec.fates()
			if int(st.Attempts) != tt.attempts || f[Delivered] != tt.delivered || st.Capped != tt.capped {
				t.Errorf("%d attempts, fates %v, capped %v; want %d attempts, %d delivered, capped %v", st.Attempts, f, st.Capped, tt.attempts, tt.delivered, tt.capped)
			}
			if f[RunEnded] != int(st.Emissions)-tt.delivered {
				t.Errorf("fates %v of %d emissions: want the undelivered cut off (RunEnded)", f, st.Emissions)
			}
		})
	}
}
