package scenarios

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		p    Params
		want string
	}{
		{"stedy", Params{}, `argument SCENARIO: unknown scenario "stedy" (want one of steady, poisson, ramp, burst, bulk, duplicate-storm, retry-storm, replay)`},
		{"steady", Params{Copies: 3}, "flag --copies: steady does not use copies (it takes rate, duration, events, keys, size, start)"},
		{"burst", Params{Rate: Rate{5, time.Second}}, "flag --rate: burst does not use rate (it takes events, over, keys, size, start)"},
		{"replay", Params{Keys: 2}, "flag --keys: replay does not use keys (it takes file, speed, size, start)"},
		{"replay", Params{}, "flag --file: replay needs recorded traffic (a traffic file)"},
		{"steady", Params{Rate: Rate{-1, time.Second}}, "flag --rate: must be a positive whole number of events per period (e.g. 30 or 1000/1m)"},
		{"ramp", Params{To: Rate{5, 0}}, "flag --to: must be a positive whole number of events per period (e.g. 30 or 1000/1m)"},
		{"steady", Params{Duration: -time.Second}, "flag --duration: must not be negative"},
		{"steady", Params{Duration: time.Second, Events: 5}, "flag --events: give duration or events, not both"},
		{"steady", Params{Events: -1}, "flag --events: must be between 1 and 1000000000, the most deliveries a run holds"},
		{"duplicate-storm", Params{Copies: 10_001}, "flag --copies: must be between 1 and 10000, not 10001"},
		{"steady", Params{Keys: 2_000_000}, "flag --keys: must be between 1 and 1000000, not 2000000"},
		{"burst", Params{Size: -5}, "flag --size: must not be negative"},
		{"replay", Params{Speed: 1e7, Records: &recordList{}}, "flag --speed: must be between 0.000001 and 1000000 (2 plays twice as fast, 0.5 half as fast), not 10000000"},
		{"steady", Params{Rate: Rate{1_000_000, time.Nanosecond}, Duration: 24 * time.Hour}, "flag --duration: gives more than 1000000000 events at 1000000/1ns"},
		{"steady", Params{Rate: Rate{1, 24 * time.Hour}, Events: 100_000}, "flag --events: runs past the year 2189"},
		{"bulk", Params{Over: time.Minute, Duration: time.Second}, "flag --duration: must be at least over (1m0s): the quiet time comes after the updates"},
		{"retry-storm", Params{Rate: Rate{1_000_000, time.Nanosecond}}, "flag --over: queues more than 1000000000 events"},
		{"duplicate-storm", Params{Gap: 1 << 62, Copies: 4}, "flag --gap: is too long"},
		{"poisson", Params{Start: 1 << 62, Duration: 1 << 62, Rate: Rate{1, time.Hour}}, "flag --duration: runs past the year 2189"},
		// A run holds at most MaxRunEvents deliveries, copies included.
		{"steady", Params{Rate: Rate{1_000_000_001, time.Second}, Duration: time.Second}, "flag --duration: gives more than 1000000000 events at 1000000001/s"},
		{"duplicate-storm", Params{Events: 100_000_001, Copies: 10}, "flag --copies: gives 1000000010 deliveries; a run holds at most 1000000000 (split it into shorter runs, or lower the rate)"},
		{"poisson", Params{Rate: Rate{1_000_000_001, time.Second}, Duration: time.Second}, "flag --duration: gives more than 1000000000 events at 1000000001/s"},
		{"ramp", Params{Rate: Rate{1, time.Second}, To: Rate{2_000_000_001, time.Second}, Duration: time.Second}, "flag --duration: gives more than 1000000000 events"},
		{"retry-storm", Params{Rate: Rate{1_000_000_000, time.Second}, Over: time.Second, Duration: time.Second}, "flag --duration: gives 2000000000 deliveries; a run holds at most 1000000000 (split it into shorter runs, or lower the rate)"},
	}
	for _, tt := range tests {
		_, err := New(tt.name, tt.p)
		var in *exitcode.InputError
		if !errors.As(err, &in) || err.Error() != tt.want {
			t.Errorf("New(%q, %+v):\n got %v\nwant %s", tt.name, tt.p, err, tt.want)
		}
	}
}

// TestBuiltinsDefaults checks that the defaults Builtins lists are the
// ones New uses, by giving them explicitly and comparing the streams.
func TestBuiltinsDefaults(t *testing.T) {
	for _, info := range Builtins() {
		if info.Name == "replay" {
			continue
		}
		var yaml strings.Builder
		yaml.WriteString("phases:\n  - scenario: " + info.Name + "\n")
		for _, pi := range info.Params {
			if pi.Default != "" && pi.Default != "2×over" && !(pi.Name == "over" && pi.Default == "0") && pi.Name != "gap" {
				yaml.WriteString("    " + pi.Name + ": " + pi.Default + "\n")
			}
		}
		plan, err := ParsePlan("defaults.yaml", []byte(yaml.String()))
		if err != nil {
			t.Fatalf("%s: %v\n%s", info.Name, err, yaml.String())
		}
		src, err := plan.Source()
		if err != nil {
			t.Fatal(err)
		}
		explicit := collect(t, src)
		implicit := collect(t, mustNew(t, info.Name, Params{}))
		if len(explicit) != len(implicit) || len(explicit) == 0 || explicit[len(explicit)-1] != implicit[len(implicit)-1] {
			t.Errorf("%s: the listed defaults give %d emissions, New's %d", info.Name, len(explicit), len(implicit))
		}
		if info.Summary == "" || info.Doc == "" || !strings.HasPrefix(info.Example, "hooklimit run "+info.Name) {
			t.Errorf("%s: incomplete description %+v", info.Name, info)
		}
	}
}

// TestSteadyNoAlloc checks that a steady source allocates nothing per
// emission, and emits exactly the events asked for.
func TestSteadyNoAlloc(t *testing.T) {
	src := mustNew(t, "steady", Params{Rate: Rate{1000, time.Second}, Events: 200_000, Keys: 5})
	n := 0
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := src.Next(); err != nil {
			t.Fatal(err)
		}
		n++
	})
	if allocs != 0 {
		t.Errorf("%v allocations per emission", allocs)
	}
	if testing.Short() {
		return
	}
	for {
		_, err := src.Next()
		if err == io.EOF {
			break
		}
		n++
	}
	if n != 200_000 {
		t.Errorf("%d events, want 200,000", n)
	}
}

// BenchmarkSteady measures a steady source; the target is at least 20
// million emissions per second with no allocation.
func BenchmarkSteady(b *testing.B) {
	src, err := New("steady", Params{Rate: Rate{1_000_000, time.Second}, Events: maxEvents, Keys: 7})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := src.Next(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "emissions/s")
}

func BenchmarkDuplicateStorm(b *testing.B) {
	src, err := New("duplicate-storm", Params{Rate: Rate{1_000_000, time.Second}, Events: maxEvents / 10, Copies: 3})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := src.Next(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "emissions/s")
}

func BenchmarkPoisson(b *testing.B) {
	src, err := New("poisson", Params{Rate: Rate{1_000_000, time.Second}, Events: maxEvents})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := src.Next(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "emissions/s")
}

// TestMaxRunEventsBoundary checks that a run of exactly MaxRunEvents
// deliveries is accepted, without streaming them.
func TestMaxRunEventsBoundary(t *testing.T) {
	for _, tt := range []struct {
		name string
		p    Params
	}{
		{"burst", Params{Events: MaxRunEvents}},
		{"steady", Params{Rate: Rate{MaxRunEvents, time.Second}, Duration: time.Second}},
		{"duplicate-storm", Params{Events: MaxRunEvents / 10, Copies: 10}},
		{"ramp", Params{Rate: Rate{1, time.Second}, To: Rate{1_999_999_999, time.Second}, Duration: time.Second}},
	} {
		if _, err := New(tt.name, tt.p); err != nil {
			t.Errorf("New(%q, %+v): %v", tt.name, tt.p, err)
		}
	}
}
