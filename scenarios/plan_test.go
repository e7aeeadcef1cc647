package scenarios

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/golden"
	"github.com/hooklimit/hooklimit/internal/workdir"
)

// TestPlanGoldens parses each plan in testdata/plans, plays it, and
// compares a description of both with its .golden file.
func TestPlanGoldens(t *testing.T) {
	files, _ := filepath.Glob("testdata/plans/*.yaml")
	if len(files) == 0 {
		t.Fatal("no plans in testdata/plans")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			plan, err := LoadPlan("", file)
			if err != nil {
				t.Fatal(err)
			}
			src, err := plan.Source()
			if err != nil {
				t.Fatal(err)
			}
			es := collect(t, src)
			checkStream(t, src, es)
			got := renderPlan(plan) + renderStream(src, es)
			golden.Assert(t, strings.TrimSuffix(file, ".yaml")+".golden", []byte(got))
		})
	}
}

// renderPlan describes a parsed plan, one field a line.
func renderPlan(p *Plan) string {
	var b strings.Builder
	line := func(field, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-12s %s (line %d)\n", field+":", v, p.Line(field))
		}
	}
	line("name", p.Name)
	line("profile", p.Profile)
	line("target", p.Target)
	line("retry", p.Retry)
	fmt.Fprintf(&b, "seed: %d, keys: %d, size: %d\n", p.Seed, p.Keys, p.Size)
	for i, th := range p.Thresholds {
		line(fmt.Sprintf("thresholds[%d]", i), th)
	}
	var phase func(ph Phase, indent string)
	phase = func(ph Phase, indent string) {
		fmt.Fprintf(&b, "%s%s (line %d):", indent, ph.Field, ph.Line)
		if ph.HasStart {
			fmt.Fprintf(&b, " start=%v", ph.Start)
		}
		if ph.Scenario == "" {
			b.WriteString(" parallel\n")
			for _, m := range ph.Parallel {
				phase(m, indent+"  ")
			}
			return
		}
		q := ph.Params
		fmt.Fprintf(&b, " %s", ph.Scenario)
		if !q.Rate.IsZero() {
			fmt.Fprintf(&b, " rate=%v", q.Rate)
		}
		if !q.To.IsZero() {
			fmt.Fprintf(&b, " to=%v", q.To)
		}
		for _, d := range []struct {
			n string
			v time.Duration
		}{{"duration", q.Duration}, {"over", q.Over}, {"gap", q.Gap}} {
			if d.v != 0 {
				fmt.Fprintf(&b, " %s=%v", d.n, d.v)
			}
		}
		for _, n := range []struct {
			n string
			v int64
		}{{"events", q.Events}, {"copies", int64(q.Copies)}, {"keys", int64(q.Keys)}, {"size", q.Size}} {
			if n.v != 0 {
				fmt.Fprintf(&b, " %s=%d", n.n, n.v)
			}
		}
		if q.Speed != 0 {
			fmt.Fprintf(&b, " speed=%g", q.Speed)
		}
		if ph.File != "" {
			fmt.Fprintf(&b, " file=%s", ph.File)
		}
		fmt.Fprintf(&b, " seed=%d\n", q.Seed)
	}
	for _, ph := range p.Phases {
		phase(ph, "")
	}
	for _, snd := range p.Senders {
		fmt.Fprintf(&b, "%s (line %d): %s sender=%q retry=%q\n", snd.Field, snd.Line, snd.Name, snd.Sender, snd.Retry)
		for _, ph := range snd.Phases {
			phase(ph, "  ")
		}
	}
	return b.String()
}

// renderStream summarizes a played plan: its span and counts, then every
// emission of a short stream, or the deliveries in each second of a long
// one, with runs of equal seconds on one line.
func renderStream(src Source, es []Emission) string {
	var b strings.Builder
	begin, end := src.(Spanner).Span()
	events := 0
	for _, e := range es {
		if e.Copy == 0 {
			events++
		}
	}
	fmt.Fprintf(&b, "span: +%v .. +%v, %d deliveries of %d events\n", time.Duration(begin-s0), time.Duration(end-s0), len(es), events)
	if len(es) <= 60 {
		for _, e := range es {
			fmt.Fprintf(&b, "  +%-14v event %-4d copy %d/%d key %-8s size %d", time.Duration(e.Time-s0), e.Event, e.Copy, e.Copies, e.Key, e.Size)
			if e.Sender != 0 {
				fmt.Fprintf(&b, " sender %d", e.Sender)
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	perSecond := make([]int, (es[len(es)-1].Time-s0)/1e9+1)
	for _, e := range es {
		perSecond[(e.Time-s0)/1e9]++
	}
	for i := 0; i < len(perSecond); {
		j := i
		for j+1 < len(perSecond) && perSecond[j+1] == perSecond[i] {
			j++
		}
		fmt.Fprintf(&b, "  second %3d", i)
		if j > i {
			fmt.Fprintf(&b, " to %3d", j)
		} else {
			b.WriteString("       ")
		}
		fmt.Fprintf(&b, ": %d deliveries each\n", perSecond[i])
		i = j + 1
	}
	return b.String()
}

func TestPlanErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "p.yaml:1: the plan is empty"},
		{"- a\n- b\n", "p.yaml:1: a plan must be a YAML mapping (name:, profile:, phases:, ...)"},
		{"name: [x\n", "p.yaml:1: not valid YAML: did not find expected ',' or ']'"},
		{"name: x\n", "p.yaml:1: phases: missing: a plan needs at least one phase"},
		{"phases: []\n", "p.yaml:1: phases: must be a list of at least one phase (- scenario: steady ...)"},
		{"name: x\nprofil: rewst\n", "p.yaml:2: profil: unknown field (want name, description, profile, target, seed, retry, sender, keys, size, phases, senders, thresholds)"},
		{"name: x\nname: y\n", "p.yaml:2: name: is given twice"},
		{"profile: [a, b]\n", "p.yaml:1: profile: must be a single value, not a list or mapping"},
		{"target:\n", "p.yaml:1: target: needs a value"},
		{"seed: -1\n", `p.yaml:1: seed: must be a whole number from 0 to 18446744073709551615, not "-1"`},
		{"keys: 0\n", `p.yaml:1: keys: must be a whole number from 1 to 1000000, not "0"`},
		{"size: 3 parsecs\n", `p.yaml:1: size: cannot parse "3 parsecs" as a size (want bytes, e.g. 512, 64KiB, 30MB)`},
		{"thresholds: lost==0\n", "p.yaml:1: thresholds: must be a list, e.g. [lost==0, 429_rate<1%]"},
		{"thresholds:\n  - lost==0\n  - {a: b}\n", "p.yaml:3: thresholds[1]: must be a single value, not a list or mapping"},
		{"phases:\n  - steady\n", "p.yaml:2: phases[0]: must be a mapping (scenario: steady, rate: 20, ...)"},
		{"phases:\n  - rate: 20\n", "p.yaml:2: phases[0]: needs a scenario (one of steady, poisson, ramp, burst, bulk, duplicate-storm, retry-storm, replay) or a parallel list"},
		{"phases:\n  - scenario: stedy\n", `p.yaml:2: phases[0].scenario: unknown scenario "stedy" (want one of steady, poisson, ramp, burst, bulk, duplicate-storm, retry-storm, replay)`},
		{"phases:\n  - scenario: steady\n    rate: 0.5\n", `p.yaml:3: phases[0].rate: cannot parse "0.5" as a rate (want a positive whole number per period, e.g. 30, 1000/1m, 1/2s)`},
		{"phases:\n  - scenario: steady\n    duration: 60\n", `p.yaml:3: phases[0].duration: duration "60" needs a unit (e.g. 60s)`},
		{"phases:\n  - scenario: steady\n    duration: 0s\n", `p.yaml:3: phases[0].duration: must be positive, not "0s"`},
		{"phases:\n  - scenario: steady\n    events: 10\n    duration: 1s\n", "p.yaml:3: phases[0].events: give duration or events, not both"},
		{"phases:\n  - scenario: steady\n    ratee: 5\n", "p.yaml:3: phases[0].ratee: unknown field (want scenario, parallel, start, rate, to, duration, events, over, copies, gap, keys, size, seed, speed, file, workspace_field)"},
		{"phases:\n  - scenario: steady\n\n    copies: 3\n", "p.yaml:4: phases[0].copies: steady does not use copies (it takes rate, duration, events, keys, size, start)"},
		{"phases:\n  - scenario: steady\n    file: x.jsonl\n", "p.yaml:3: phases[0].file: steady does not use file (it takes rate, duration, events, keys, size, start)"},
		{"phases:\n  - scenario: replay\n    speed: 2\n", "p.yaml:2: phases[0]: replay needs file: the traffic file to play"},
		{"phases:\n  - scenario: steady\n    workspace_field: ws\n", "p.yaml:3: phases[0].workspace_field: steady plays no traffic file, so it has no workspace field (generated events are all one workspace)"},
		{"phases:\n  - scenario: replay\n    file: x\n    workspace_field: ''\n", "p.yaml:4: phases[0].workspace_field: must name the JSON field or CSV column that holds the workspace"},
		{"phases:\n  - scenario: replay\n    file: '-'\n", "p.yaml:3: phases[0].file: must be the path of a traffic file"},
		{"phases:\n  - scenario: replay\n    file: x\n    speed: fast\n", `p.yaml:4: phases[0].speed: must be a number from 0.000001 to 1000000, not "fast"`},
		{"phases:\n  - scenario: bulk\n    over: 1m\n    duration: 30s\n", "p.yaml:4: phases[0].duration: must be at least over (1m0s): the quiet time comes after the updates"},
		{"phases:\n  - scenario: steady\n  - parallel:\n      - scenario: burst\n      - scenario: burst\n        events: -4\n", `p.yaml:6: phases[1].parallel[1].events: must be a whole number from 1 to 1000000000, not "-4"`},
		{"phases:\n  - parallel: []\n", "p.yaml:2: phases[0].parallel: must be a list of at least one shape (- scenario: burst ...)"},
		{"phases:\n  - parallel:\n      - parallel: []\n", "p.yaml:3: phases[0].parallel[0].parallel: a parallel group cannot hold another"},
		{"phases:\n  - rate: 5\n    parallel:\n      - scenario: burst\n", "p.yaml:2: phases[0].rate: a parallel group takes only parallel and start; give rate to its members"},
		{"phases:\n  - scenario: burst\n    parallel:\n      - scenario: burst\n", "p.yaml:2: phases[0]: has both scenario and parallel: give one"},
		{"phases:\n  - scenario: burst\n    start: -1s\n", "p.yaml:3: phases[0].start: must not be negative"},
		{"phases:\n  - scenario: burst\n    start: 300y\n", `p.yaml:3: phases[0].start: cannot parse "300y" as a duration (want e.g. 1s, 1m, 1h, 1d)`},
		{"phases:\n  - scenario: burst\n    start: 100000d\n", "p.yaml:3: phases[0].start: is too late (after the year 2189)"},
		{"phases:\n  - scenario: steady\n    rate: 1/1d\n    events: 100000\n", "p.yaml:4: phases[0].events: runs past the year 2189"},
		// A plan holds at most MaxRunEvents deliveries in all: the phase
		// that goes past it is named.
		{"phases:\n  - scenario: burst\n    events: 1000000000\n  - scenario: burst\n    events: 1\n", "p.yaml:5: phases[1].events: takes the plan to 1000000001 deliveries; a run holds at most 1000000000 (split the plan, or lower its events, rates or durations)"},
		{"phases:\n  - parallel:\n      - scenario: steady\n        rate: 600000000/1s\n        duration: 1s\n      - scenario: steady\n        rate: 400000001/1s\n        duration: 1s\n", "p.yaml:8: phases[0].parallel[1].duration: takes the plan to 1000000001 deliveries; a run holds at most 1000000000 (split the plan, or lower its events, rates or durations)"},
		{"phases:\n  - scenario: burst\n    events: 1000000000000\n", `p.yaml:3: phases[0].events: must be a whole number from 1 to 1000000000, not "1000000000000"`},
		{"senders: []\n", "p.yaml:1: senders: must be a list of at least one sender (- name: psa, phases: [...])"},
		{"senders:\n  - psa\n", "p.yaml:2: senders[0]: must be a mapping (name: psa, sender: autotask, phases: [...])"},
		{"senders:\n  - phases: [{scenario: burst}]\n", "p.yaml:2: senders[0].name: missing: every sender needs a name, for the report"},
		{"senders:\n  - name: psa\n", "p.yaml:2: senders[0].phases: missing: a sender needs at least one phase"},
		{"senders:\n  - name: psa\n    phases: []\n", "p.yaml:3: senders[0].phases: must be a list of at least one phase (- scenario: steady ...)"},
		{"senders:\n  - name: p s a\n", `p.yaml:2: senders[0].name: "p s a": use letters, digits, '.', '_' and '-' only`},
		{"senders:\n  - name: ''\n", "p.yaml:2: senders[0].name: must be 1 to 40 characters, not 0"},
		{"senders:\n  - name: psa\n    pace: 5\n", "p.yaml:3: senders[0].pace: unknown field (want name, sender, retry, phases)"},
		{"senders:\n  - name: psa\n    phases: [{scenario: burst}]\n  - name: psa\n    phases: [{scenario: burst}]\n", `p.yaml:4: senders[1].name: "psa" is also the name of senders[0]: give each sender its own name`},
		{"senders:\n  - name: psa\n    phases:\n      - scenario: steady\n        copies: 2\n", "p.yaml:5: senders[0].phases[0].copies: steady does not use copies (it takes rate, duration, events, keys, size, start)"},
		{"phases: [{scenario: burst}]\nsenders:\n  - name: psa\n    phases: [{scenario: burst}]\n", "p.yaml:1: phases: a plan with senders gives each sender its phases: move these under a sender"},
		{"senders:\n  - name: a\n    phases: [{scenario: burst, events: 999999999}]\n  - name: b\n    phases: [{scenario: burst, events: 2}]\n", "p.yaml:5: senders[1].phases[0].events: takes the plan to 1000000001 deliveries; a run holds at most 1000000000 (split the plan, or lower its events, rates or durations)"},
		{"name: a\n---\nname: b\n", "p.yaml:2: a plan file holds one YAML document, found a second"},
		{"phases:\n  - {scenario: burst, ? [a]: b}\n", "p.yaml:2: phases[0]: a field name must be a plain word"},
	}
	for _, tt := range tests {
		_, err := ParsePlan("p.yaml", []byte(tt.in))
		var in *exitcode.InputError
		if !errors.As(err, &in) || err.Error() != tt.want {
			t.Errorf("ParsePlan(%q):\n got %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

func TestPlanDefaultsAndSeeds(t *testing.T) {
	plan, err := ParsePlan("p.yaml", []byte(`
seed: 10
keys: 4
size: 2KiB
phases:
  - scenario: poisson
  - scenario: poisson
    seed: 3
    keys: 2
  - parallel:
      - scenario: burst
        size: 100
      - scenario: replay
        file: x.jsonl
`))
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		seed       uint64
		keys       int
		size       int64
		scenario   string
		line       int
		fieldLines int
	}
	var all []got
	for _, ph := range plan.Phases {
		for _, m := range append([]Phase{ph}, ph.Parallel...) {
			if m.Scenario != "" {
				all = append(all, got{m.Params.Seed, m.Params.Keys, m.Params.Size, m.Scenario, m.Line, plan.Line(m.Field + ".size")})
			}
		}
	}
	want := []got{
		{10, 4, 2048, "poisson", 6, 6},
		{3, 2, 2048, "poisson", 7, 7},
		{12, 4, 100, "burst", 11, 12},
		{13, 0, 2048, "replay", 13, 13},
	}
	if !slices.Equal(all, want) {
		t.Errorf("got  %v\nwant %v", all, want)
	}
	// The first phase plays as `hooklimit run poisson --seed 10 --keys 4 --size 2KiB` would.
	first := collect(t, mustNew(t, "poisson", Params{Seed: 10, Keys: 4, Size: 2048}))
	single, err := ParsePlan("p.yaml", []byte("seed: 10\nkeys: 4\nsize: 2KiB\nphases:\n  - scenario: poisson\n"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := single.Source()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(collect(t, src), first) {
		t.Error("a one-phase plan differs from the shape it names")
	}
	// Errorf names the plan's file and the field's line.
	if err := plan.Errorf("thresholds[0]", "bad"); err.Error() != "p.yaml: thresholds[0]: bad" {
		t.Errorf("Errorf: %v", err)
	}
	if err := plan.Errorf("keys", "bad %d", 1); err.Error() != "p.yaml:3: keys: bad 1" {
		t.Errorf("Errorf: %v", err)
	}
}

func TestPlanSourceErrors(t *testing.T) {
	dir := t.TempDir()
	plan, err := ParsePlan(filepath.Join(dir, "p.yaml"), []byte("phases:\n  - scenario: replay\n    file: missing.jsonl\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = plan.Source()
	var in *exitcode.InputError
	if !errors.As(err, &in) || !strings.Contains(err.Error(), "missing.jsonl: cannot open") {
		t.Errorf("Source: %v", err)
	}
	if _, err := LoadPlan("", filepath.Join(dir, "none.yaml")); err == nil || !strings.HasSuffix(err.Error(), "none.yaml: cannot read plan: no such file or directory") {
		t.Errorf("LoadPlan: %v", err)
	}
}

// TestLoadPlanFromDir: a plan loaded from a working directory is read
// from there, and its replay phase's file is found from the plan's own
// directory there, while messages name both as given.
func TestLoadPlanFromDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "plans", "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("plans/p.yaml", "phases:\n  - scenario: replay\n    file: data/t.jsonl\n")
	write("plans/data/t.jsonl", `{"time":"2026-02-17T09:00:00Z","key":"a"}`+"\n"+`{"time":"2026-02-17T09:00:01Z","key":"a"}`+"\n")
	plan, err := LoadPlan(workdir.Dir(dir), "plans/p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src, err := plan.Source()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for {
		_, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("replayed %d events, want the file's 2", n)
	}
	write("plans/q.yaml", "phases:\n  - scenario: replay\n    file: data/none.jsonl\n")
	plan, err = LoadPlan(workdir.Dir(dir), "plans/q.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.Source(); err == nil || !strings.HasPrefix(err.Error(), filepath.Join("plans", "data", "none.jsonl")+": cannot open") {
		t.Errorf("missing replay file: %v; want it named from the plan's directory, as given", err)
	}
	if _, err := LoadPlan(workdir.Dir(dir), "none.yaml"); err == nil || !strings.HasPrefix(err.Error(), "none.yaml: cannot read plan") {
		t.Errorf("missing plan: %v; want it named as given", err)
	}
}

// FuzzParsePlan checks that ParsePlan never panics, that its errors are
// input errors naming the file, and that a plan it accepts plays in order.
func FuzzParsePlan(f *testing.F) {
	files, _ := filepath.Glob("testdata/plans/*.yaml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"phases:\n  - scenario: steady\n", "phases: &a\n  - *a\n", "a: &x [*x]\n",
		"phases:\n  - {scenario: ramp, rate: 1/1h, to: 9/1ns, duration: 1s}\n",
		"phases:\n  - parallel: &p [{scenario: burst}, {scenario: poisson, events: 3}]\n  - parallel: *p\n",
		"phases:\n  - scenario: duplicate-storm\n    gap: 1ns\n    copies: 10000\n    start: 0s\n",
		"senders:\n  - {name: a, sender: autotask, phases: [{scenario: burst, events: 3}]}\n  - {name: b, retry: none, phases: [{scenario: steady, events: 2}]}\n",
		"senders: &s\n  - {name: a, phases: *s}\n",
		"\t", "{", "? ? ?", "phases: [{scenario: bulk, over: 0s}]", "!!binary x: y",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		plan, err := ParsePlan("fuzz.yaml", data)
		if err != nil {
			var in *exitcode.InputError
			if !errors.As(err, &in) || in.File != "fuzz.yaml" {
				t.Fatalf("error %v (%T) is not an input error naming the file", err, err)
			}
			return
		}
		phases := plan.Phases
		for _, s := range plan.Senders {
			phases = append(phases, s.Phases...)
		}
		for _, ph := range phases {
			for _, m := range append([]Phase{ph}, ph.Parallel...) {
				if m.File != "" {
					return // do not open files the fuzzer names
				}
			}
		}
		src, err := plan.Source()
		if err != nil {
			t.Fatalf("a parsed plan does not play: %v", err)
		}
		var prev Emission
		for i := range 2000 {
			e, err := src.Next()
			if err != nil {
				if err.Error() == "EOF" || err == errTimeRange {
					break
				}
				t.Fatalf("emission %d: %v", i, err)
			}
			if i > 0 && e.Time < prev.Time {
				t.Fatalf("emission %d at %d before %d", i, e.Time, prev.Time)
			}
			if e.Sender < 0 || e.Sender >= max(1, len(plan.Senders)) {
				t.Fatalf("emission %d has sender %d of %d", i, e.Sender, len(plan.Senders))
			}
			prev = e
		}
	})
}

// TestPlanSendersPlannedSpan checks that a plan with senders knows its
// span before it plays: from the start to the end of its longest sender.
func TestPlanSendersPlannedSpan(t *testing.T) {
	plan, err := ParsePlan("p.yaml", []byte("senders:\n  - {name: a, phases: [{scenario: steady, rate: 1, duration: 10s}]}\n  - {name: b, phases: [{scenario: steady, rate: 1, duration: 20s}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := plan.Source()
	if err != nil {
		t.Fatal(err)
	}
	b, e, ok := PlannedSpan(src)
	if !ok || b != DefaultStart || time.Duration(e-b) != 20*time.Second {
		t.Errorf("planned span %v %v %v, want 20s from the start", time.Duration(b-DefaultStart), time.Duration(e-b), ok)
	}
}
