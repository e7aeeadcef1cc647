package report

import (
	"context"
	"reflect"
	"testing"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestSimulationNoHistograms runs one failing simulation with and without
// NoHistograms: the result must be the same but for the encoded
// histograms, which only the first has, and the percentiles stay.
func TestSimulationNoHistograms(t *testing.T) {
	prof, _ := limitsim.Builtin("rewst")
	run := func(no bool) *RunResult {
		src, err := scenarios.New("burst", scenarios.Params{Events: 60, Keys: 1})
		if err != nil {
			t.Fatal(err)
		}
		res, err := (&Simulation{Source: src, Profile: prof, Policy: retry.RetryAfter{Max: 2}, NoHistograms: no}).Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	with, without := run(false), run(true)
	if with.Delivery.Histograms == nil || without.Delivery.Histograms != nil {
		t.Fatalf("histograms: %v with, %v without", with.Delivery.Histograms != nil, without.Delivery.Histograms != nil)
	}
	if with.Delivery.Rejected429 == 0 || with.Delivery.Latency.Count == 0 {
		t.Fatalf("the simulation should see 429s and latencies: %+v", with.Delivery)
	}
	with.Delivery.Histograms = nil
	if !reflect.DeepEqual(with, without) {
		t.Errorf("results differ beyond the histograms:\n%+v\n%+v", with, without)
	}
}
