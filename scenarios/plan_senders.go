package scenarios

import (
	"fmt"
	"math"

	"go.yaml.in/yaml/v3"

	"github.com/hooklimit/hooklimit/internal/yamlpos"
)

// PlanSender is one of several senders of a plan, all sending into the
// plan's one profile and target: a PSA, an RMM and a billing tool feeding
// one workspace.
//
//	profile: workato
//	senders:
//	  - name: psa
//	    sender: autotask          # a preset or spec, as --sender takes it
//	    phases:
//	      - {scenario: bulk, events: 500, over: 1m}
//	  - name: rmm
//	    retry: exponential,max=5  # as --retry takes it
//	    phases:
//	      - {scenario: steady, rate: 5, duration: 2m}
//
// Each sender's phases are read and played as a plan's phases are (see
// Plan), all senders beginning together at the plan's start. The plan's
// keys, size and seed are the defaults of every sender's phases (a shape's
// seed counts the shapes of the senders before it too), and the plan's
// retry and sender are the defaults of a sender that gives none. Retry and
// Sender hold what the sender itself gives, as written.
type PlanSender struct {
	Field  string // where it is in the plan: "senders[1]"
	Line   int
	Name   string
	Retry  string
	Sender string
	Phases []Phase
}

// senderFields are the fields of a sender; maxSenders is the most a plan
// may have, and maxSenderName the longest name.
const (
	senderFields  = "name, sender, retry, phases"
	maxSenders    = 64
	maxSenderName = 40
)

// senders reads the plan's senders: list.
func (r *planReader) senders(list *yaml.Node) error {
	if list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return r.ErrAt(list, "senders", "must be a list of at least one sender (- name: psa, phases: [...])")
	}
	if len(list.Content) > maxSenders {
		return r.ErrAt(list, "senders", "has %d senders; a plan holds at most %d", len(list.Content), maxSenders)
	}
	seen := map[string]string{}
	for i, n := range list.Content {
		s, err := r.sender(yamlpos.Deref(n), fmt.Sprintf("senders[%d]", i))
		if err != nil {
			return err
		}
		if prev, ok := seen[s.Name]; ok {
			return r.plan.Errorf(s.Field+".name", "%q is also the name of %s: give each sender its own name", s.Name, prev)
		}
		seen[s.Name] = s.Field
		r.plan.Senders = append(r.plan.Senders, s)
	}
	return nil
}

// sender reads one entry of senders:.
func (r *planReader) sender(n *yaml.Node, field string) (PlanSender, error) {
	s := PlanSender{Field: field, Line: n.Line}
	r.plan.Lines[field] = n.Line
	if n.Kind != yaml.MappingNode {
		return s, r.ErrAt(n, field, "must be a mapping (name: psa, sender: autotask, phases: [...])")
	}
	var phases *yaml.Node
	err := r.Fields(n, field, func(k, v *yaml.Node, f string) error {
		var err error
		switch k.Value {
		case "name":
			if s.Name, err = r.scalar(v, f); err == nil {
				err = r.checkName(v, f, s.Name)
			}
		case "sender":
			s.Sender, err = r.scalar(v, f)
		case "retry":
			s.Retry, err = r.scalar(v, f)
		case "phases":
			phases = v
		default:
			err = r.ErrAt(k, f, "unknown field (want %s)", senderFields)
		}
		return err
	})
	if err != nil {
		return s, err
	}
	if s.Name == "" {
		return s, r.ErrAt(n, field+".name", "missing: every sender needs a name, for the report")
	}
	if phases == nil {
		return s, r.ErrAt(n, field+".phases", "missing: a sender needs at least one phase")
	}
	if phases.Kind != yaml.SequenceNode || len(phases.Content) == 0 {
		return s, r.ErrAt(phases, field+".phases", "must be a list of at least one phase (- scenario: steady ...)")
	}
	for i, m := range phases.Content {
		ph, err := r.phase(yamlpos.Deref(m), fmt.Sprintf("%s.phases[%d]", field, i), true)
		if err != nil {
			return s, err
		}
		s.Phases = append(s.Phases, ph)
	}
	return s, nil
}

// checkName accepts a sender's name: a short word of letters, digits,
// '.', '_' and '-', so that it reads well in a table and a results file.
func (r *planReader) checkName(v *yaml.Node, field, name string) error {
	if name == "" || len(name) > maxSenderName {
		return r.ErrAt(v, field, "must be 1 to %d characters, not %d", maxSenderName, len(name))
	}
	for _, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return r.ErrAt(v, field, "%q: use letters, digits, '.', '_' and '-' only", name)
		}
	}
	return nil
}

// SenderNames returns the names of the plan's senders, in order; nil for a
// plan with one sender.
func (p *Plan) SenderNames() []string {
	var names []string
	for _, s := range p.Senders {
		names = append(names, s.Name)
	}
	return names
}

// sendersSource plays every sender's phases from the plan's start, merged,
// each emission tagged with its sender's index.
func (p *Plan) sendersSource() (Source, error) {
	srcs := make([]Source, 0, len(p.Senders))
	for i, s := range p.Senders {
		src, err := p.phasesSource(s.Phases)
		if err != nil {
			closeAll(srcs)
			return nil, err
		}
		srcs = append(srcs, &senderSource{Source: src, sender: i})
	}
	return Merge(srcs...), nil
}

// senderSource tags the emissions of one sender's phases with its index.
type senderSource struct {
	Source
	sender int
}

func (s *senderSource) Next() (Emission, error) {
	e, err := s.Source.Next()
	e.Sender = s.sender
	return e, err
}

// Span is the span of the sender's phases, which are a Spanner.
func (s *senderSource) Span() (begin, end int64) {
	if sp, ok := s.Source.(Spanner); ok {
		return sp.Span()
	}
	return math.MaxInt64, math.MinInt64
}

func (s *senderSource) Close() error { return closeAll([]Source{s.Source}) }

// PlannedSpan is the planned span of the sender's phases.
func (s *senderSource) PlannedSpan() (begin, end int64, ok bool) { return PlannedSpan(s.Source) }
