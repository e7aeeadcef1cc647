package scenarios

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/internal/yamlpos"
)

// topFields and phaseFields are the fields a plan and a phase may have.
const (
	topFields   = "name, description, profile, target, seed, retry, sender, keys, size, phases, senders, thresholds"
	phaseFields = "scenario, parallel, start, rate, to, duration, events, over, copies, gap, keys, size, seed, speed, file, workspace_field"
)

// top reads the plan's top-level mapping.
func (r *planReader) top(root *yaml.Node) error {
	p := r.plan
	var phases, senders *yaml.Node
	err := r.Fields(root, "", func(k, v *yaml.Node, field string) error {
		var err error
		switch k.Value {
		case "name":
			p.Name, err = r.scalar(v, field)
		case "description":
			p.Description, err = r.scalar(v, field)
		case "profile":
			p.Profile, err = r.scalar(v, field)
		case "target":
			p.Target, err = r.scalar(v, field)
		case "retry":
			p.Retry, err = r.scalar(v, field)
		case "sender":
			p.Sender, err = r.scalar(v, field)
		case "seed":
			p.Seed, err = r.seed(v, field)
		case "keys":
			var n int64
			n, err = r.whole(v, field, 1, maxKeys)
			p.Keys = int(n)
		case "size":
			p.Size, err = r.size(v, field)
		case "phases":
			phases = v
		case "senders":
			senders = v
		case "thresholds":
			err = r.thresholds(v)
		default:
			err = r.ErrAt(k, field, "unknown field (want %s)", topFields)
		}
		return err
	})
	if err != nil {
		return err
	}
	if senders != nil {
		if phases != nil {
			return r.ErrAt(phases, "phases", "a plan with senders gives each sender its phases: move these under a sender")
		}
		return r.senders(senders)
	}
	if phases == nil {
		return r.ErrAt(root, "phases", "missing: a plan needs at least one phase")
	}
	if phases.Kind != yaml.SequenceNode || len(phases.Content) == 0 {
		return r.ErrAt(phases, "phases", "must be a list of at least one phase (- scenario: steady ...)")
	}
	for i, n := range phases.Content {
		ph, err := r.phase(yamlpos.Deref(n), fmt.Sprintf("phases[%d]", i), true)
		if err != nil {
			return err
		}
		p.Phases = append(p.Phases, ph)
	}
	return nil
}

func (r *planReader) thresholds(v *yaml.Node) error {
	if v.Kind != yaml.SequenceNode {
		return r.ErrAt(v, "thresholds", "must be a list, e.g. [lost==0, 429_rate<1%%]")
	}
	for i, n := range v.Content {
		field := fmt.Sprintf("thresholds[%d]", i)
		n = yamlpos.Deref(n)
		r.plan.Lines[field] = n.Line
		s, err := r.scalar(n, field)
		if err != nil {
			return err
		}
		r.plan.Thresholds = append(r.plan.Thresholds, s)
	}
	return nil
}

// phase reads a phase, or with top false a member of a parallel group.
func (r *planReader) phase(n *yaml.Node, field string, top bool) (Phase, error) {
	ph := Phase{Field: field, Line: n.Line}
	r.plan.Lines[field] = n.Line
	if n.Kind != yaml.MappingNode {
		return ph, r.ErrAt(n, field, "must be a mapping (scenario: steady, rate: 20, ...)")
	}
	var group *yaml.Node
	var seeded bool
	err := r.Fields(n, field, func(k, v *yaml.Node, f string) error {
		var err error
		var s string
		p := &ph.Params
		switch k.Value {
		case "scenario":
			ph.Scenario, err = r.scalar(v, f)
		case "parallel":
			if !top {
				return r.ErrAt(k, f, "a parallel group cannot hold another")
			}
			group = v
		case "start":
			ph.HasStart = true
			if ph.Start, err = r.duration(v, f, true); err == nil {
				if _, ok := addTime(DefaultStart, int64(ph.Start)); !ok {
					return r.ErrAt(v, f, "is too late (after the year 2189)")
				}
			}
		case "rate", "to":
			if s, err = r.scalar(v, f); err == nil {
				rate, perr := ParseRate(s)
				if perr != nil {
					return r.ErrAt(v, f, "%v", perr)
				}
				if k.Value == "rate" {
					p.Rate = rate
				} else {
					p.To = rate
				}
			}
		case "duration":
			p.Duration, err = r.duration(v, f, false)
		case "over":
			p.Over, err = r.duration(v, f, true)
		case "gap":
			p.Gap, err = r.duration(v, f, true)
		case "events":
			p.Events, err = r.whole(v, f, 1, maxEvents)
		case "copies":
			var c int64
			c, err = r.whole(v, f, 1, maxCopies)
			p.Copies = int(c)
		case "keys":
			var c int64
			c, err = r.whole(v, f, 1, maxKeys)
			p.Keys = int(c)
		case "size":
			p.Size, err = r.size(v, f)
		case "seed":
			seeded = true
			p.Seed, err = r.seed(v, f)
		case "speed":
			if s, err = r.scalar(v, f); err == nil {
				p.Speed, err = strconv.ParseFloat(s, 64)
				if err != nil || !(p.Speed >= minSpeed && p.Speed <= maxSpeed) {
					return r.ErrAt(v, f, "must be a number from %s to %s, not %q", plainNumber(minSpeed), plainNumber(maxSpeed), s)
				}
			}
		case "file":
			if ph.File, err = r.scalar(v, f); err == nil && (ph.File == "" || ph.File == "-") {
				return r.ErrAt(v, f, "must be the path of a traffic file")
			}
		case "workspace_field":
			if ph.WorkspaceField, err = r.scalar(v, f); err == nil && ph.WorkspaceField == "" {
				return r.ErrAt(v, f, "must name the JSON field or CSV column that holds the workspace")
			}
		default:
			err = r.ErrAt(k, f, "unknown field (want %s)", phaseFields)
		}
		return err
	})
	if err != nil {
		return ph, err
	}
	if group != nil {
		return r.group(ph, group)
	}
	if r.shapes++; r.shapes > maxShapes {
		return ph, r.ErrAt(n, field, "too many phases (at most %d)", maxShapes)
	}
	if !seeded {
		ph.Params.Seed = r.plan.Seed + uint64(r.shapes-1)
	}
	return ph, r.checkShape(&ph)
}

// group reads the members of a parallel group; ph holds the group's own
// fields, of which only start is allowed.
func (r *planReader) group(ph Phase, list *yaml.Node) (Phase, error) {
	field := ph.Field
	if l, ok := r.plan.Lines[field+".scenario"]; ok {
		return ph, r.ErrAt(&yaml.Node{Line: l}, field, "has both scenario and parallel: give one")
	}
	for _, name := range strings.Split(phaseFields, ", ") {
		if l, ok := r.plan.Lines[field+"."+name]; ok && name != "parallel" && name != "start" {
			return ph, r.ErrAt(&yaml.Node{Line: l}, field+"."+name, "a parallel group takes only parallel and start; give %s to its members", name)
		}
	}
	if list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return ph, r.ErrAt(list, field+".parallel", "must be a list of at least one shape (- scenario: burst ...)")
	}
	for i, m := range list.Content {
		member, err := r.phase(yamlpos.Deref(m), fmt.Sprintf("%s.parallel[%d]", field, i), false)
		if err != nil {
			return ph, err
		}
		ph.Parallel = append(ph.Parallel, member)
	}
	return ph, nil
}

// checkShape applies the plan's defaults to a shape phase and checks its
// parameters as New would.
func (r *planReader) checkShape(ph *Phase) error {
	if ph.Scenario == "" {
		return r.ErrAt(&yaml.Node{Line: ph.Line}, ph.Field, "needs a scenario (one of %s) or a parallel list", strings.Join(Names(), ", "))
	}
	s, perr := lookup(ph.Scenario)
	if perr == nil {
		if ph.Params.Keys == 0 && s.uses("keys") {
			ph.Params.Keys = r.plan.Keys
		}
		if ph.Params.Size == 0 && s.uses("size") {
			ph.Params.Size = r.plan.Size
		}
		switch {
		case ph.File != "" && !s.uses("file"):
			perr = perrf("file", "%s does not use file (it takes %s)", ph.Scenario, strings.Join(s.names(), ", "))
		case ph.File == "" && s.uses("file"):
			perr = perrf("", "%s needs file: the traffic file to play", ph.Scenario)
		case ph.WorkspaceField != "" && !s.uses("file"):
			perr = perrf("workspace_field", "%s plays no traffic file, so it has no workspace field (generated events are all one workspace)", ph.Scenario)
		default:
			p := ph.Params
			p.Start = DefaultStart + int64(ph.Start)
			var q Params
			if s, q, perr = check(ph.Scenario, p); perr == nil {
				perr = r.count(s, q)
			}
		}
	}
	if perr == nil {
		return nil
	}
	f := ph.Field + ".scenario"
	if perr.param != "" {
		f = ph.Field + "." + perr.param
	} else if ph.File == "" && ph.Scenario == "replay" {
		f = ph.Field
	}
	return r.plan.Errorf(f, "%s", perr.msg)
}

func (r *planReader) duration(v *yaml.Node, field string, zero bool) (d time.Duration, err error) {
	s, err := r.scalar(v, field)
	if err != nil {
		return 0, err
	}
	d, err = units.ParseDuration(s)
	if err != nil {
		return 0, r.ErrAt(v, field, "%v", err)
	}
	if d < 0 && zero {
		return 0, r.ErrAt(v, field, "must not be negative")
	}
	if d <= 0 && !zero {
		return 0, r.ErrAt(v, field, "must be positive, not %q", s)
	}
	return d, nil
}

func (r *planReader) size(v *yaml.Node, field string) (int64, error) {
	s, err := r.scalar(v, field)
	if err != nil {
		return 0, err
	}
	n, err := units.ParseSize(s)
	if err != nil {
		return 0, r.ErrAt(v, field, "%v", err)
	}
	if n == 0 {
		return 0, r.ErrAt(v, field, "must be at least 1 byte")
	}
	return n, nil
}

func (r *planReader) seed(v *yaml.Node, field string) (uint64, error) {
	s, err := r.scalar(v, field)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil {
		return 0, r.ErrAt(v, field, "must be a whole number from 0 to %d, not %q", uint64(math.MaxUint64), s)
	}
	return n, nil
}

// count adds a shape's deliveries to the plan's, and rejects the shape that
// takes the plan past MaxRunEvents.
func (r *planReader) count(s *shapeDef, p Params) *paramError {
	n, ok := emissions(s, p)
	if !ok {
		return nil
	}
	if r.events += n; r.events > MaxRunEvents {
		perr := tooManyEvents(p, r.events)
		perr.msg = fmt.Sprintf("takes the plan to %d deliveries; a run holds at most %d (split the plan, or lower its events, rates or durations)", r.events, int64(MaxRunEvents))
		return perr
	}
	return nil
}
