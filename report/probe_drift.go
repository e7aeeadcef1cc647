package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/discover"
)

// ProbeDrift compares what a probe inferred with a built-in profile and
// every dated revision of it (limitsim.Revision): which of them the
// endpoint enforces. It is set only when the profile compared with is a
// built-in one that has revisions.
type ProbeDrift struct {
	// Profile is the profile compared with; Matches names those of the
	// family (the documented profile and its revisions, in time order)
	// whose every compared limit matches what was inferred.
	Profile    string          `json:"profile"`
	Matches    []string        `json:"matches"`
	Candidates []ProbeRevision `json:"candidates"`
	// Message says it in one sentence, for example "enforces 50/s and
	// 1,000/min: this is rewst@2026-02-18 (revised 2026-02-18), not the
	// 25/s that rewst documents".
	Message string `json:"message"`
}

// ProbeRevision is one profile of the family compared with: its name,
// its revision's date ("" for the documented profile), and whether what
// was inferred matches it (match, mismatch, or not determined when no
// limit could be compared).
type ProbeRevision struct {
	Name    string `json:"name"`
	Date    string `json:"date,omitempty"`
	Verdict string `json:"verdict"`
}

// probeDrift compares d with p's family: the documented built-in profile
// p is or revises, and each of its revisions. It returns nil when p is
// not built in or has no revision.
func probeDrift(d *discover.Discovery, p *limitsim.Profile, tol float64) *ProbeDrift {
	if p == nil {
		return nil
	}
	base := p.Name
	if p.Revision != nil {
		base = p.Revision.Of
	}
	if _, ok := limitsim.Builtin(p.Name); !ok {
		return nil
	}
	doc, ok := limitsim.Builtin(base)
	if !ok {
		return nil
	}
	family := []*limitsim.Profile{doc}
	for _, q := range limitsim.Builtins() {
		if q.Revision != nil && q.Revision.Of == base {
			family = append(family, q)
		}
	}
	if len(family) == 1 {
		return nil
	}
	dr := &ProbeDrift{Profile: p.Name, Matches: []string{}}
	for _, q := range family {
		c := ProbeRevision{Name: q.Name, Verdict: familyVerdict(compareLimits(d, q, tol))}
		if q.Revision != nil {
			c.Date = q.Revision.Date
		}
		if c.Verdict == ProbeMatch {
			dr.Matches = append(dr.Matches, q.Name)
		}
		dr.Candidates = append(dr.Candidates, c)
	}
	dr.Message = driftMessage(d, dr, p, doc)
	return dr
}

// familyVerdict is a profile's verdict over its compared rows: mismatch
// when any row mismatches, match when at least one matches, else not
// determined.
func familyVerdict(rows []ProbeLimitRow) string {
	v := ProbeUndetermined
	for _, r := range rows {
		switch r.Verdict {
		case ProbeMismatch:
			return ProbeMismatch
		case ProbeMatch:
			v = ProbeMatch
		}
	}
	return v
}

// driftMessage says which profile of the family the endpoint enforces.
func driftMessage(d *discover.Discovery, dr *ProbeDrift, chosen, doc *limitsim.Profile) string {
	enforces := "enforces " + ratesText(d)
	docRows, _, _ := documentedRows(doc)
	var docText []string
	for _, r := range docRows {
		docText = append(docText, rateText(r.limit, r.window))
	}
	documents := fmt.Sprintf("the %s that %s documents", strings.Join(docText, " and "), doc.Name)
	switch {
	case len(dr.Matches) == 0:
		names := make([]string, len(dr.Candidates))
		for i, c := range dr.Candidates {
			names[i] = c.Name
		}
		return fmt.Sprintf("%s: none of %s matches", enforces, strings.Join(names, ", "))
	case slices.Contains(dr.Matches, chosen.Name) && chosen.Revision == nil:
		return fmt.Sprintf("%s: as %s documents", enforces, doc.Name)
	case slices.Contains(dr.Matches, chosen.Name):
		return fmt.Sprintf("%s: this is %s (revised %s), not %s", enforces, chosen.Name, chosen.Revision.Date, documents)
	}
	var revs []string
	for _, c := range dr.Candidates {
		if slices.Contains(dr.Matches, c.Name) {
			if c.Date != "" {
				revs = append(revs, fmt.Sprintf("%s (revised %s)", c.Name, c.Date))
			} else {
				revs = append(revs, c.Name)
			}
		}
	}
	if chosen.Revision == nil {
		return fmt.Sprintf("%s: this is %s, not %s", enforces, strings.Join(revs, " or "), documents)
	}
	return fmt.Sprintf("%s: this is %s, not %s", enforces, strings.Join(revs, " or "), chosen.Name)
}

// ratesText writes the inferred limits as "50/s and 1,000/min".
func ratesText(d *discover.Discovery) string {
	if len(d.Inferred) == 0 {
		return "no limit found within the caps"
	}
	parts := make([]string, len(d.Inferred))
	for i, l := range d.Inferred {
		parts[i] = rateText(l.Limit, l.WindowSeconds)
	}
	return strings.Join(parts, " and ")
}

// rateText writes n per window w seconds as "25/s", "1,000/min",
// "500/10min" or "60/90s".
func rateText(n, w int64) string {
	unit := map[int64]string{1: "s", 60: "min", 3600: "h", 86400: "day"}[w]
	switch {
	case unit != "":
	case w%3600 == 0:
		unit = fmt.Sprint(w/3600, "h")
	case w%60 == 0:
		unit = fmt.Sprint(w/60, "min")
	default:
		unit = fmt.Sprint(w, "s")
	}
	return numfmt.WithCommas(n) + "/" + unit
}
