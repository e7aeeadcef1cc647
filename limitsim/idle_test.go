package limitsim

import (
	"math"
	"testing"
	"time"
)

func TestFullReset(t *testing.T) {
	tests := []struct {
		l    Limit
		want time.Duration
	}{
		{Limit{Kind: Window, Quota: 25, Per: time.Second}, time.Second},
		{Limit{Kind: Fixed, Quota: 60, Per: time.Minute}, time.Minute},
		{Limit{Kind: Bucket, Quota: 3, Per: time.Second, Burst: 10}, 4 * time.Second},        // empty to full: 10/3 s, rounded up to whole periods
		{Limit{Kind: Credits, Quota: 20, Per: time.Second, Burst: 18000}, 901 * time.Second}, // 900 ticks to refill the store, plus the tick in progress
		{Limit{Kind: Bucket, Quota: 1, Per: math.MaxInt64 / 2, Burst: 10}, math.MaxInt64},
	}
	for _, tt := range tests {
		if got := tt.l.FullReset(); got != tt.want {
			t.Errorf("%v: FullReset = %v, want %v", tt.l, got, tt.want)
		}
	}
}

func TestIdleHorizon(t *testing.T) {
	for name, want := range map[string]time.Duration{
		"rewst":       time.Minute,
		"workato":     901 * time.Second, // the event credits, or their bucket reading (18,020 at 20/s)
		"salesbuildr": 10 * time.Minute,
		"perwebhook":  24 * time.Hour,
	} {
		p, err := LoadProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.IdleHorizon(); got != want {
			t.Errorf("%s: IdleHorizon = %v, want %v", name, got, want)
		}
	}
}
