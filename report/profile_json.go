package report

import (
	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/limitsim"
)

// ProfileJSON is the JSON form of a profile, as `hooklimit profiles show
// NAME --format json` prints it.
type ProfileJSON struct {
	Name           string      `json:"name"`
	Description    string      `json:"description,omitempty"`
	Scope          string      `json:"scope,omitempty"`
	Extends        string      `json:"extends,omitempty"`
	Headers        string      `json:"headers"`
	CountRejected  bool        `json:"count_rejected"`
	Ordered        bool        `json:"ordered,omitempty"`
	Limits         []LimitJSON `json:"limits"`
	Source         string      `json:"source"`
	Interpretation string      `json:"interpretation,omitempty"`
	Alternatives   string      `json:"alternatives,omitempty"`

	// Revision is there for a vendor's revision of a documented profile.
	Revision *RevisionJSON `json:"revision,omitempty"`
}

// RevisionJSON is the JSON form of a revision (limitsim.Revision): the
// profile it revises, when, the page and what is assumed.
type RevisionJSON struct {
	Of      string `json:"of"`
	Date    string `json:"date"`
	URL     string `json:"url"`
	Assumed string `json:"assumed"`
}

// LimitJSON is the JSON form of one limit. Per is a duration such as "1s"
// or "1m", and PerSeconds the same in seconds.
type LimitJSON struct {
	Name        string     `json:"name"`
	Kind        string     `json:"kind"`
	Quota       int64      `json:"quota"`
	Per         string     `json:"per"`
	PerSeconds  float64    `json:"per_seconds"`
	Burst       int64      `json:"burst,omitempty"`
	Unit        string     `json:"unit"`
	Summary     string     `json:"summary"`
	Alternative *LimitJSON `json:"alternative,omitempty"`
}

// NewProfileJSON returns the JSON form of p.
func NewProfileJSON(p *limitsim.Profile) ProfileJSON {
	out := ProfileJSON{
		Name: p.Name, Description: p.Description, Scope: p.Scope, Extends: p.Extends,
		Headers: p.Dialect, CountRejected: p.CountRejected, Ordered: p.Ordered,
		Source: p.Source, Interpretation: p.Interpretation, Alternatives: p.Alternatives,
	}
	if r := p.Revision; r != nil {
		out.Revision = &RevisionJSON{Of: r.Of, Date: r.Date, URL: r.URL, Assumed: r.Assumed}
	}
	for _, l := range p.Limits {
		lj := NewLimitJSON(l)
		if alt, ok := l.Alternative(); ok {
			a := NewLimitJSON(alt)
			lj.Alternative = &a
		}
		out.Limits = append(out.Limits, lj)
	}
	return out
}

// NewLimitJSON returns the JSON form of l.
func NewLimitJSON(l limitsim.Limit) LimitJSON {
	u := l.Unit
	if u == "" {
		u = limitsim.Requests
	}
	return LimitJSON{
		Name: l.Name, Kind: string(l.Kind), Quota: l.Quota, Per: units.FormatDuration(l.Per),
		PerSeconds: l.Per.Seconds(), Burst: l.Burst, Unit: string(u), Summary: l.String(),
	}
}
