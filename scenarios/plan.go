package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hooklimit/hooklimit/internal/bounded"
	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// Plan is a plan file: a run's traffic as a sequence of phases, with the
// profile, target, retry policy and thresholds to run it with, for CI.
//
//	name: nightly-sync
//	profile: rewst               # a built-in profile or a profile file
//	target: sim                  # or an http(s) URL
//	seed: 7
//	retry: retry-after,fallback=exponential
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
	Seed        uint64
	Keys        int   // 0 when not given
	Size        int64 // 0 when not given
	Phases      []Phase
	Thresholds  []string
	// Lines holds the line of every field the file gives, by its path:
	// "profile", "thresholds[1]", "phases[0]", "phases[2].parallel[1].rate".
	Lines map[string]int
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

// LoadPlan reads and parses the plan file path.
func LoadPlan(path string) (*Plan, error) {
	data, err := bounded.ReadFile(path, "plan", bounded.MaxConfigFile)
	if err != nil {
		return nil, err
	}
	return ParsePlan(path, data)
}

// ParsePlan parses a plan file's contents; file names it in messages and
// is where a replay phase's file is found from. Unknown fields, bad values
// and parameters a shape does not use are errors. Every error is an
// *exitcode.InputError naming the file, the line and the field, such as
//
//	nightly.yaml:9: phases[1].copies: steady does not use copies (it takes rate, duration, events, keys, size, start)
func ParsePlan(file string, data []byte) (*Plan, error) {
	r := &planReader{plan: &Plan{File: file, Lines: map[string]int{}}}
	root, err := r.decode(data)
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
	for f := field; f != ""; {
		if l, ok := p.Lines[f]; ok {
			return l
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return 0
}

// Errorf returns an *exitcode.InputError about field of the plan, with
// the plan's file and the field's line: for the caller's problems with
// profile, target, retry or a threshold ("thresholds[1]").
func (p *Plan) Errorf(field, format string, args ...any) error {
	return &exitcode.InputError{File: p.File, Line: p.Line(field), Field: field, Msg: fmt.Sprintf(format, args...)}
}

// planReader reads a plan from its YAML nodes.
type planReader struct {
	plan   *Plan
	shapes int    // shapes read so far
	events uint64 // their deliveries, as far as known up front
}

// decode parses data into the plan's root mapping.
func (r *planReader) decode(data []byte) (root *yaml.Node, err error) {
	defer func() {
		if v := recover(); v != nil {
			root, err = nil, &exitcode.InputError{File: r.plan.File, Msg: fmt.Sprintf("not valid YAML: %v", v)}
		}
	}()
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &exitcode.InputError{File: r.plan.File, Line: 1, Msg: "the plan is empty"}
		}
		return nil, r.yamlErr(err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		line := more.Line
		if err != nil {
			return nil, r.yamlErr(err)
		}
		return nil, &exitcode.InputError{File: r.plan.File, Line: line, Msg: "a plan file holds one YAML document, found a second"}
	}
	if len(doc.Content) != 1 || deref(doc.Content[0]).Kind != yaml.MappingNode {
		return nil, &exitcode.InputError{File: r.plan.File, Line: max(1, doc.Line), Msg: "a plan must be a YAML mapping (name:, profile:, phases:, ...)"}
	}
	return deref(doc.Content[0]), nil
}

// yamlErr turns a YAML syntax error into an input error with its line.
func (r *planReader) yamlErr(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, after, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n, after
			}
		}
	}
	return &exitcode.InputError{File: r.plan.File, Line: line, Msg: "not valid YAML: " + msg}
}

// errAt returns the error for field at node n.
func (r *planReader) errAt(n *yaml.Node, field, format string, args ...any) error {
	return &exitcode.InputError{File: r.plan.File, Line: n.Line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// deref follows an alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// fields calls f for each key and value of mapping m, recording the
// line of each field as path.key, and rejecting keys given twice and
// keys that are not strings.
func (r *planReader) fields(m *yaml.Node, path string, f func(k, v *yaml.Node, field string) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := deref(m.Content[i]), deref(m.Content[i+1])
		field := k.Value
		if path != "" {
			field = path + "." + k.Value
		}
		if k.Kind != yaml.ScalarNode {
			return r.errAt(k, path, "a field name must be a plain word")
		}
		if seen[k.Value] {
			return r.errAt(k, field, "is given twice")
		}
		seen[k.Value] = true
		r.plan.Lines[field] = k.Line
		if err := f(k, v, field); err != nil {
			return err
		}
	}
	return nil
}

// scalar returns the value of a single-valued field.
func (r *planReader) scalar(v *yaml.Node, field string) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", r.errAt(v, field, "must be a single value, not a list or mapping")
	}
	if v.Tag == "!!null" {
		return "", r.errAt(v, field, "needs a value")
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
		return 0, r.errAt(v, field, "must be a whole number from %d to %d, not %q", lo, hi, s)
	}
	return n, nil
}
