package scenarios

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hooklimit/hooklimit/internal/bounded"
	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/workdir"
	"github.com/hooklimit/hooklimit/internal/yamlpos"
)

// Plan is a plan file: a run's traffic as a sequence of phases, with the
// profile, target, retry policy and thresholds to run it with, for CI.
//
//	name: nightly-sync
//	profile: rewst               # a built-in profile or a profile file
//	target: sim                  # or an http(s) URL
//	seed: 7
//	retry: retry-after,fallback=exponential
//	sender: ordered,pace=1000/1m # a sender preset or spec (hooklimit senders)
//	keys: 3                      # defaults for the phases
//	size: 512
//	phases:                      # run one after another
//	  - scenario: steady
//	    rate: 20
//	    duration: 60s
//	  - parallel:                # these run together
//	      - {scenario: burst, events: 100}
//	      - {scenario: duplicate-storm, rate: 5, copies: 3, duration: 30s}
//	  - scenario: replay
//	    file: traffic.jsonl      # relative to the plan file
//	    speed: 10
//	    start: 5m                # from the plan's start, not after the phase before
//	thresholds:
//	  - lost==0
//	  - 429_rate<1%
//
// A phase is a built-in shape (scenario: and the parameters of
// Builtins, under the same names as the flags of `hooklimit run`), or a
// parallel: list of shapes that run at the same time. Each phase begins
// where the one before it ended (see Sequence), unless it gives a start:
// an offset from the plan's start, DefaultStart. A member of a parallel
// group may give a start too, an offset from the group's beginning. The
// plan's keys and size apply to the phases that do not give their own,
// and a phase without a seed gets the plan's seed plus its position among
// the shapes (0 for the first, counting members of groups), so that the
// phases' randomness differs but the first phase matches `hooklimit run`
// with the same seed.
//
// A plan may instead give senders: a list of senders that all send into
// its one profile and target, each with its own name, phases and sender
// model (see PlanSender); phases: then goes under each sender.
//
// Profile, target, retry and thresholds are kept as written, for the
// caller to interpret; Errorf reports a problem in one of them with the
// plan's file and line.
type Plan struct {
	File        string // the file it was read from, for messages
	Name        string
	Description string
	Profile     string
	Target      string
	Retry       string
	Sender      string // the sender model, as --sender takes it
	Seed        uint64
	Keys        int   // 0 when not given
	Size        int64 // 0 when not given
	Phases      []Phase
	// Senders, when the plan gives senders:, are the senders that send
	// into its one profile and target, each with its own phases and
	// sender model; Phases is then empty (see PlanSender).
	Senders    []PlanSender
	Thresholds []string
	// Lines holds the line of every field the file gives, by its path:
	// "profile", "thresholds[1]", "phases[0]", "phases[2].parallel[1].rate".
	Lines map[string]int
	// Dir is the working directory the plan's file names are found
	// from: a replay phase's file, relative to the plan file's own
	// directory, is found from there. The zero Dir is the process's.
	Dir workdir.Dir
}

// Phase is one phase of a plan: a shape, or a group of shapes that run at
// the same time.
type Phase struct {
	Field    string // where it is in the plan: "phases[1]", "phases[1].parallel[0]"
	Line     int
	Scenario string        // the shape's name; "" for a parallel group
	Params   Params        // as given, with the plan's defaults; Start is not set
	Start    time.Duration // the start offset, if HasStart
	HasStart bool
	File     string // for replay, the traffic file as written
	// WorkspaceField, for replay, names the field of the traffic file
	// that holds each record's workspace; "" for none.
	WorkspaceField string
	Parallel       []Phase // for a parallel group, its members
}

// maxShapes is the most shapes a plan may hold, counting group members.
const maxShapes = 10_000

// LoadPlan reads and parses the plan file path, found from the working
// directory dir, which is also where the plan's replay files are found
// from (see Plan.Dir).
func LoadPlan(dir workdir.Dir, path string) (*Plan, error) {
	data, err := bounded.ReadFile(dir, path, "plan", bounded.MaxConfigFile)
	if err != nil {
		return nil, err
	}
	p, err := ParsePlan(path, data)
	if p != nil {
		p.Dir = dir
	}
	return p, err
}

// ParsePlan parses a plan file's contents; file names it in messages and
// is where a replay phase's file is found from. Unknown fields, bad values
// and parameters a shape does not use are errors. Every error is an
// *exitcode.InputError naming the file, the line and the field, such as
//
//	nightly.yaml:9: phases[1].copies: steady does not use copies (it takes rate, duration, events, keys, size, start)
func ParsePlan(file string, data []byte) (*Plan, error) {
	yr := yamlpos.New(file, "plan")
	r := &planReader{Reader: yr, plan: &Plan{File: file, Lines: yr.Lines}}
	root, err := r.Decode(data, "name:, profile:, phases:, ...")
	if err != nil {
		return nil, err
	}
	if err := r.top(root); err != nil {
		return nil, err
	}
	return r.plan, nil
}

// Line returns the line of field in the plan file, or of the nearest
// field that contains it, or 0.
func (p *Plan) Line(field string) int {
	return yamlpos.Lines(p.Lines).Line(field)
}

// Errorf returns an *exitcode.InputError about field of the plan, with
// the plan's file and the field's line: for the caller's problems with
// profile, target, retry or a threshold ("thresholds[1]").
func (p *Plan) Errorf(field, format string, args ...any) error {
	return &exitcode.InputError{File: p.File, Line: p.Line(field), Field: field, Msg: fmt.Sprintf(format, args...)}
}

// ValueError returns err, the error of a value the plan's field gives, as
// an error at that field's line. The parsers that read such values (retry
// and sender specs, thresholds) name the flag they serve ("flag --retry:
// delay: ..."); in a plan, the field takes the flag's place ("plan.yaml:4:
// retry: delay: ...").
func (p *Plan) ValueError(field string, err error) error {
	var ie *exitcode.InputError
	if !errors.As(err, &ie) || !strings.HasPrefix(ie.File, "flag ") {
		return p.Errorf(field, "%v", err)
	}
	if ie.Field != "" {
		return p.Errorf(field, "%s: %s", ie.Field, ie.Msg)
	}
	return p.Errorf(field, "%s", ie.Msg)
}

// planReader reads a plan from its YAML nodes.
type planReader struct {
	*yamlpos.Reader
	plan   *Plan
	shapes int    // shapes read so far
	events uint64 // their deliveries, as far as known up front
}

// scalar returns the value of a single-valued field.
func (r *planReader) scalar(v *yaml.Node, field string) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", r.ErrAt(v, field, "must be a single value, not a list or mapping")
	}
	if v.Tag == "!!null" {
		return "", r.ErrAt(v, field, "needs a value")
	}
	return v.Value, nil
}

// whole returns a field's value as a whole number of at least lo.
func (r *planReader) whole(v *yaml.Node, field string, lo, hi int64) (int64, error) {
	s, err := r.scalar(v, field)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, r.ErrAt(v, field, "must be a whole number from %d to %d, not %q", lo, hi, s)
	}
	return n, nil
}
