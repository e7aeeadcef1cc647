package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

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
		lj := limitJSON(l)
		if alt, ok := l.Alternative(); ok {
			a := limitJSON(alt)
			lj.Alternative = &a
		}
		out.Limits = append(out.Limits, lj)
	}
	return out
}

func limitJSON(l limitsim.Limit) LimitJSON {
	u := l.Unit
	if u == "" {
		u = limitsim.Requests
	}
	return LimitJSON{
		Name: l.Name, Kind: string(l.Kind), Quota: l.Quota, Per: units.FormatDuration(l.Per),
		PerSeconds: l.Per.Seconds(), Burst: l.Burst, Unit: string(u), Summary: l.String(),
	}
}

// ProfileList writes the profiles as a table (or markdown, or JSON: a list
// of ProfileJSON), one row a profile; a revision's row, which follows the
// profile it revises, gives its date.
func ProfileList(w io.Writer, f Format, profiles []*limitsim.Profile) error {
	if f == JSON {
		all := make([]ProfileJSON, len(profiles))
		for i, p := range profiles {
			all[i] = NewProfileJSON(p)
		}
		return writeJSON(w, all)
	}
	t := NewTable(w, f, "profile", "partition", "limits", "headers", "revised")
	for _, p := range profiles {
		var ls []string
		for _, l := range p.Limits {
			ls = append(ls, shortLimit(l))
		}
		revised := "-"
		if p.Revision != nil {
			revised = p.Revision.Date
		}
		if err := t.Append(p.Name, orDash(p.Scope), strings.Join(ls, " + "), p.Dialect, revised); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if f == Table {
		_, err := fmt.Fprintln(w, "\nRun 'hooklimit profiles show NAME' for a profile's source and interpretation,\n'hooklimit profiles diff A B' for what a revision changed.")
		return err
	}
	return nil
}

// shortLimit writes a limit in a few characters: "25/1s window",
// "20/1s+18000 credits", "30 MB/1m+30 MB credits".
func shortLimit(l limitsim.Limit) string {
	s := amount(l, l.Quota) + "/" + units.FormatDuration(l.Per)
	if l.Kind == limitsim.Bucket || l.Kind == limitsim.Credits {
		s += " burst " + amount(l, l.Burst)
	}
	return s + " " + string(l.Kind)
}

// amount writes n units of l: bytes as "30 MB", counts as they are.
func amount(l limitsim.Limit, n int64) string {
	if l.Unit == limitsim.Bytes {
		return units.FormatBytes(n)
	}
	return fmt.Sprint(n)
}

// ProfileShow writes one profile in full: what it is, where its numbers
// come from, how they were read, and a table of its limits with their
// alternative interpretation.
func ProfileShow(w io.Writer, f Format, p *limitsim.Profile) error {
	if f == JSON {
		return writeJSON(w, NewProfileJSON(p))
	}
	bold := func(s string) string { return s }
	if f == Markdown {
		bold = func(s string) string { return "**" + s + "**" }
	}
	ew := &errWriter{w: w}
	ew.printf("%s %s\n", bold("Profile:"), p.Name)
	if p.Description != "" {
		ew.printf("%s\n", p.Description)
	}
	ew.printf("\n")
	if r := p.Revision; r != nil {
		if f == Markdown {
			ew.printf("- ")
		}
		ew.printf("%s of %s, %s: %s\n", bold("Revision:"), r.Of, r.Date, r.URL)
	}
	if f == Markdown {
		ew.printf("- ")
	}
	ew.printf("%s %s; headers: %s; rejected requests count: %v\n", bold("Partition:"), p.ScopeDescription(), p.Dialect, p.CountRejected)
	if f == Markdown {
		ew.printf("- ")
	}
	if dl, err := limitsim.Dialects(p.Dialect); err == nil {
		ew.printf("%s %s\n", bold("Headers:"), dl.Describe())
		if f == Markdown {
			ew.printf("- ")
		}
	}
	ew.printf("%s %s\n", bold("Source:"), p.Source)
	if p.Interpretation != "" {
		if f == Markdown {
			ew.printf("- ")
		}
		ew.printf("%s %s\n", bold("Interpretation:"), p.Interpretation)
	}
	if p.Alternatives != "" {
		if f == Markdown {
			ew.printf("- ")
		}
		ew.printf("%s %s\n", bold("Alternatives:"), p.Alternatives)
	}
	if p.Revision != nil {
		if f == Markdown {
			ew.printf("- ")
		}
		ew.printf("%s %s\n", bold("Assumed:"), p.Revision.Assumed)
	}
	ew.printf("\n")
	if ew.err != nil {
		return ew.err
	}
	t := NewTable(w, f, "limit", "kind", "quota", "per", "burst", "unit", "alternative interpretation")
	for _, l := range p.Limits {
		lj := limitJSON(l)
		burst := "-"
		if l.Kind == limitsim.Bucket || l.Kind == limitsim.Credits {
			burst = amount(l, l.Burst)
		}
		alt := "-"
		if a, ok := l.Alternative(); ok {
			alt = a.String()
		}
		if err := t.Append(l.Name, l.Kind.Describe(), amount(l, l.Quota), lj.Per, burst, lj.Unit, alt); err != nil {
			return err
		}
	}
	return t.Render()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// errWriter remembers the first write error, so a run of prints can be
// checked once. Its string arguments are escaped for a terminal (see
// escapeArgs).
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, escapeArgs(args)...)
	}
}
