package report

import (
	"context"
	"reflect"
	"testing"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestSimulationCountsOnly runs one failing simulation with and without
// CountsOnly (with the Retry-After hint a caller works out once): the
// result must be the same but for the encoded histograms and the
// timeline, which only the first has, and the percentiles stay.
func TestSimulationCountsOnly(t *testing.T) {
	prof, _ := limitsim.Builtin("rewst")
	sends := prof.SendsRetryAfter()
	run := func(no bool) *RunResult {
		src, err := scenarios.New("burst", scenarios.Params{Events: 60, Keys: 1})
		if err != nil {
			t.Fatal(err)
		}
		res, err := (&Simulation{Source: src, Profile: prof, Policy: retry.RetryAfter{Max: 2}, CountsOnly: no, SendsRetryAfter: map[bool]*bool{true: &sends}[no]}).Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	with, without := run(false), run(true)
	if with.Delivery.Histograms == nil || without.Delivery.Histograms != nil || with.Timeline == nil || without.Timeline != nil {
		t.Fatalf("histograms: %v with, %v without; timeline: %v with, %v without", with.Delivery.Histograms != nil, without.Delivery.Histograms != nil,
			with.Timeline != nil, without.Timeline != nil)
	}
	if with.Delivery.Rejected429 == 0 || with.Delivery.Latency.Count == 0 {
		t.Fatalf("the simulation should see 429s and latencies: %+v", with.Delivery)
	}
	if with.Delivery.RetryAfterHonored == 0 {
		t.Fatalf("the retries should honour Retry-After: %+v", with.Delivery)
	}
	with.Delivery.Histograms, with.Timeline = nil, nil
	if !reflect.DeepEqual(with, without) {
		t.Errorf("results differ beyond the histograms and the timeline:\n%+v\n%+v", with, without)
	}
}
