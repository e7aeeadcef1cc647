package report

import (
	"fmt"
	"slices"

	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/limitsim"
)

// ProfileSpec is the profile a result was measured against, as much of it
// as re-analysing a trace and charting it need: its name, whether
// rejected requests count, and its limits. A result carries it so that it
// can be merged and charted without the profile file it came from.
type ProfileSpec struct {
	Name string `json:"name"`
	// Scope is the profile's scope (limitsim.Profile.Scope): "workspace"
	// adds up every key of a workspace, "environment" every key of an
	// environment, any other is per key. A file
	// written before it was recorded has none: a built-in profile's is
	// then assumed.
	Scope         string      `json:"scope,omitempty"`
	CountRejected bool        `json:"count_rejected"`
	Limits        []LimitJSON `json:"limits"`
}

// NewProfileSpec returns the spec of p.
func NewProfileSpec(p *limitsim.Profile) *ProfileSpec {
	s := &ProfileSpec{Name: p.Name, Scope: p.Scope, CountRejected: p.CountRejected, Limits: make([]LimitJSON, len(p.Limits))}
	for i, l := range p.Limits {
		s.Limits[i] = NewLimitJSON(l)
	}
	return s
}

// BuiltinSpec returns the spec of the built-in profile called name, or nil.
func BuiltinSpec(name string) *ProfileSpec {
	p, ok := limitsim.Builtin(name)
	if !ok {
		return nil
	}
	return NewProfileSpec(p)
}

// Limit returns the i-th limit as a limitsim.Limit.
func (s *ProfileSpec) Limit(i int) (limitsim.Limit, error) {
	lj := s.Limits[i]
	per, err := units.ParseDuration(lj.Per)
	if err != nil {
		return limitsim.Limit{}, fmt.Errorf("limits[%d].per: %v", i, err)
	}
	l := limitsim.Limit{Name: lj.Name, Kind: limitsim.Kind(lj.Kind), Quota: lj.Quota, Per: per, Burst: lj.Burst, Unit: limitsim.Unit(lj.Unit)}
	if err := l.Validate(); err != nil {
		return l, fmt.Errorf("limits[%d].%v", i, err)
	}
	return l, nil
}

// Profile returns the profile the spec describes, validated, with the
// header dialect of the built-in profile of the same name (or none), and
// that profile's scope when the spec records none. An invalid spec is an
// error naming the field.
func (s *ProfileSpec) Profile() (*limitsim.Profile, error) {
	p := &limitsim.Profile{Name: s.Name, Scope: s.scope(), CountRejected: s.CountRejected, Dialect: "none"}
	if b, ok := limitsim.Builtin(s.Name); ok {
		p.Dialect = b.Dialect
	}
	for i := range s.Limits {
		l, err := s.Limit(i)
		if err != nil {
			return nil, err
		}
		p.Limits = append(p.Limits, l)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// scope returns the spec's scope, or the built-in profile's when it
// records none.
func (s *ProfileSpec) scope() string {
	if b, ok := limitsim.Builtin(s.Name); ok && s.Scope == "" {
		return b.Scope
	}
	return s.Scope
}

// PartitionNoun names one partition of the spec's profile: "workspace"
// for a workspace-scoped profile, "environment" for an environment-scoped
// one, else "key".
func (s *ProfileSpec) PartitionNoun() string {
	if s != nil && limitsim.AggregateScope(s.scope()) {
		return s.scope()
	}
	return "key"
}

// equal reports whether two specs describe the same limits.
func (s *ProfileSpec) Equal(o *ProfileSpec) bool {
	if s == nil || o == nil {
		return s == o
	}
	return s.Name == o.Name && s.scope() == o.scope() && s.CountRejected == o.CountRejected &&
		slices.EqualFunc(s.Limits, o.Limits, func(a, b LimitJSON) bool {
			return a.Name == b.Name && a.Kind == b.Kind && a.Quota == b.Quota && a.Per == b.Per && a.Burst == b.Burst && a.Unit == b.Unit
		})
}
