package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report"
)

// ProfileList writes the profiles as a table (or markdown, or JSON: a list
// of ProfileJSON), one row a profile; a revision's row, which follows the
// profile it revises, gives its date.
func ProfileList(w io.Writer, f Format, profiles []*limitsim.Profile, opts ...Option) error {
	return fitted(w, f, opts, func(w io.Writer) error { return profileList(w, f, profiles) })
}

func profileList(w io.Writer, f Format, profiles []*limitsim.Profile) error {
	if f == JSON {
		all := make([]report.ProfileJSON, len(profiles))
		for i, p := range profiles {
			all[i] = report.NewProfileJSON(p)
		}
		return writeJSON(w, all)
	}
	t := textTable(w, f, "profile", "partition", "limits", "headers", "revised")
	for _, p := range profiles {
		var ls []string
		for _, l := range p.Limits {
			ls = append(ls, shortLimit(l))
		}
		revised := "-"
		if p.Revision != nil {
			revised = p.Revision.Date
		}
		if err := t.Append(p.Name, numfmt.DashIfEmpty(p.Scope), strings.Join(ls, " + "), p.Dialect, revised); err != nil {
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
	return numfmt.WithCommas(n)
}

// ProfileShow writes one profile in full: what it is, where its numbers
// come from, how they were read, and a table of its limits with their
// alternative interpretation.
func ProfileShow(w io.Writer, f Format, p *limitsim.Profile, opts ...Option) error {
	return fitted(w, f, opts, func(w io.Writer) error { return profileShow(w, f, p) })
}

func profileShow(w io.Writer, f Format, p *limitsim.Profile) error {
	if f == JSON {
		return writeJSON(w, report.NewProfileJSON(p))
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
	t := textTable(w, f, "limit", "kind", "quota", "per", "burst", "unit", "alternative interpretation")
	for _, l := range p.Limits {
		lj := report.NewLimitJSON(l)
		burst := "-"
		if l.Kind == limitsim.Bucket || l.Kind == limitsim.Credits {
			burst = amount(l, l.Burst)
		}
		alt := "-"
		if a, ok := l.Alternative(); ok {
			alt = numfmt.CommaDigits(a.String())
		}
		if err := t.Append(l.Name, l.Kind.Describe(), amount(l, l.Quota), lj.Per, burst, lj.Unit, alt); err != nil {
			return err
		}
	}
	return t.Render()
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
