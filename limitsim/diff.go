package limitsim

import (
	"strconv"

	"github.com/hooklimit/hooklimit/internal/units"
)

// The kinds of a Change.
const (
	Added   = "added"   // a limit only the second profile has
	Removed = "removed" // a limit only the first profile has
	Changed = "changed" // a setting both have, with other values
)

// Change is one difference between two profiles.
type Change struct {
	// Kind is Added, Removed or Changed.
	Kind string `json:"change"`
	// Field names what differs, as a profile file spells it: "scope",
	// "headers", "count_rejected", "ordered", "limits.NAME" for a limit
	// added or removed, "limits.NAME.FIELD" (kind, quota, per, burst,
	// unit) for a number or kind of a limit both have.
	Field string `json:"field"`
	// From is the first profile's value and To the second's; "" on the
	// side that lacks the limit. An added or removed limit's value is its
	// summary (Limit.String).
	From string `json:"from"`
	To   string `json:"to"`
}

// DiffProfiles returns what changed from profile a to profile b: scope,
// header dialect, count_rejected and ordered, then each limit of a in a's
// order (removed, or each of its kind, quota, per, burst and unit that
// changed), then each limit only b has (added). Limits are matched by
// name. Two profiles that differ only in name, description or source
// give none.
func DiffProfiles(a, b *Profile) []Change {
	var out []Change
	set := func(field, from, to string) {
		if from != to {
			out = append(out, Change{Kind: Changed, Field: field, From: from, To: to})
		}
	}
	set("scope", a.ScopeLabel(), b.ScopeLabel())
	set("headers", a.Dialect, b.Dialect)
	set("count_rejected", strconv.FormatBool(a.CountRejected), strconv.FormatBool(b.CountRejected))
	set("ordered", strconv.FormatBool(a.Ordered), strconv.FormatBool(b.Ordered))
	for _, la := range a.Limits {
		f := "limits." + la.Name
		lb := b.Limit(la.Name)
		if lb == nil {
			out = append(out, Change{Kind: Removed, Field: f, From: la.String()})
			continue
		}
		set(f+".kind", string(la.Kind), string(lb.Kind))
		set(f+".quota", strconv.FormatInt(la.Quota, 10), strconv.FormatInt(lb.Quota, 10))
		set(f+".per", units.FormatDuration(la.Per), units.FormatDuration(lb.Per))
		set(f+".burst", burstOf(la), burstOf(*lb))
		set(f+".unit", string(unitOf(&la)), string(unitOf(lb)))
	}
	for _, lb := range b.Limits {
		if a.Limit(lb.Name) == nil {
			out = append(out, Change{Kind: Added, Field: "limits." + lb.Name, To: lb.String()})
		}
	}
	return out
}

// burstOf is a limit's burst as a diff shows it: "" for the kinds that
// have none, so a window's unused Burst never shows as a change.
func burstOf(l Limit) string {
	if l.Kind != Bucket && l.Kind != Credits {
		return ""
	}
	return strconv.FormatInt(l.Burst, 10)
}
