package scenarios

import (
	"os"
	"testing"
	"time"
)

// TestPlannedSpan checks that every shape knows before it is played the
// span it ends up covering: exactly, but for a Poisson source with an
// event count, which plans its expected end.
func TestPlannedSpan(t *testing.T) {
	tests := []struct {
		shape string
		p     Params
		slack float64 // how far the end may be from the planned one, as a fraction of the span
	}{
		{"steady", Params{Rate: Rate{30, time.Second}, Duration: time.Minute}, 0},
		{"steady", Params{Rate: Rate{3, time.Second}, Events: 4}, 0},
		{"burst", Params{}, 0},
		{"bulk", Params{}, 0},
		{"duplicate-storm", Params{}, 0},
		{"ramp", Params{}, 0},
		{"poisson", Params{Rate: Rate{20, time.Second}, Duration: time.Hour}, 0},
		{"poisson", Params{Rate: Rate{20, time.Second}, Events: 20000}, 0.03},
	}
	for _, tt := range tests {
		src := mustNew(t, tt.shape, tt.p)
		pb, pe, ok := PlannedSpan(src)
		if !ok {
			t.Errorf("%s %+v: no planned span", tt.shape, tt.p)
			continue
		}
		collect(t, src)
		b, e := src.(Spanner).Span()
		if pb != b {
			t.Errorf("%s %+v: planned begin %d, span begins at %d", tt.shape, tt.p, pb-s0, b-s0)
		}
		if diff := float64(pe-e) / float64(e-b); diff > tt.slack || -diff > tt.slack {
			t.Errorf("%s %+v: planned end +%v, span ends at +%v", tt.shape, tt.p, time.Duration(pe-s0), time.Duration(e-s0))
		}
	}
}

// TestPlannedSpanPlan checks a plan's planned span, phases in sequence
// and in parallel, against the span it covers once played; and that a
// plan that replays a file has none.
func TestPlannedSpanPlan(t *testing.T) {
	for _, tt := range []struct {
		file string
		ok   bool
	}{{"testdata/plans/nightly.yaml", true}, {"testdata/plans/starts.yaml", true}, {"testdata/plans/replay.yaml", false}} {
		data, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		p, err := ParsePlan(tt.file, data)
		if err != nil {
			t.Fatal(err)
		}
		src, err := p.Source()
		if err != nil {
			t.Fatal(err)
		}
		pb, pe, ok := PlannedSpan(src)
		if ok != tt.ok {
			t.Errorf("%s: planned span known: %v, want %v", tt.file, ok, tt.ok)
			continue
		}
		collect(t, src)
		if b, e := src.(Spanner).Span(); ok && (pb != b || pe != e) {
			t.Errorf("%s: planned span +%v..+%v, played +%v..+%v", tt.file, time.Duration(pb-s0), time.Duration(pe-s0), time.Duration(b-s0), time.Duration(e-s0))
		}
	}
}
