package render

import (
	"io"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/internal/termtext"
	"github.com/hooklimit/hooklimit/internal/units"

	"github.com/hooklimit/hooklimit/limitsim"
)

// ProfileDiffJSON is the JSON form of `hooklimit profiles diff A B`: the
// two profiles' names and what changed from the first to the second, an
// empty list when nothing did.
type ProfileDiffJSON struct {
	From    string            `json:"from"`
	To      string            `json:"to"`
	Changes []limitsim.Change `json:"changes"`
}

// ProfileDiff writes what changed from profile a to profile b
// (limitsim.DiffProfiles): a table (or markdown) with one row a change,
// giving what changed, the field as a profile file spells it, and the
// value in a and in b ("-" where a limit is absent), or JSON
// (ProfileDiffJSON). Two profiles with the same limits, scope, headers,
// count_rejected and ordered give one line that says so.
func ProfileDiff(w io.Writer, f Format, a, b *limitsim.Profile, opts ...Option) error {
	return fitted(w, f, opts, func(w io.Writer) error { return profileDiff(w, f, a, b) })
}

func profileDiff(w io.Writer, f Format, a, b *limitsim.Profile) error {
	changes := limitsim.DiffProfiles(a, b)
	if f == JSON {
		if changes == nil {
			changes = []limitsim.Change{}
		}
		return writeJSON(w, ProfileDiffJSON{From: a.Name, To: b.Name, Changes: changes})
	}
	if len(changes) == 0 {
		ew := &errWriter{w: w}
		ew.printf("%s and %s have the same limits, scope, headers, count_rejected and ordered.\n", a.Name, b.Name)
		return ew.err
	}
	// textTable escapes the cells of rows, not the header: a name can be a
	// file's path.
	t := textTable(w, f, "change", "field", termtext.Escape(a.Name), termtext.Escape(b.Name))
	for _, c := range changes {
		if err := t.Append(c.Kind, c.Field, diffValue(c.From), diffValue(c.To)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if f != Table {
		return nil
	}
	ew := &errWriter{w: w}
	ew.printf("\n%d change(s) from %s to %s.\n", len(changes), a.Name, b.Name)
	return ew.err
}

// diffValue writes a value of a profile diff's table: a count with
// thousands separators ("18,000"), anything else as it is, "-" for none.
func diffValue(v string) string {
	if v != "" && units.Digits(v) {
		return numfmt.CommaDigits(v)
	}
	return numfmt.DashIfEmpty(v)
}
