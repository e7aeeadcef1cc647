package limitsim

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Profile is a vendor's documented webhook limits: the limits that all
// apply to each partition (AND), how rejected requests count, and how the
// vendor answers (its header dialect). Every built-in number comes from a
// vendor document, recorded in Source.
type Profile struct {
	Name        string
	Description string
	// Scope says which requests share one limiter: "workspace" adds up
	// every key of a workspace; any other scope ("trigger", "webhook",
	// "tenant", "database", or empty) is per partition key. See
	// PartitionOf.
	Scope  string
	Limits []Limit
	// CountRejected says whether a rejected request still counts against
	// the limits (it does not, by default).
	CountRejected bool
	// Dialect names the headers and 429 body the vendor sends; see Dialects.
	Dialect string
	// Ordered says that the quotas of the limits must not decrease in the
	// order listed (perwebhook's documented rule minute <= hour <= day).
	Ordered bool

	Source         string // the vendor document the numbers come from
	Interpretation string // how the documented words were read
	Alternatives   string // the other readings, which check also reports
	Extends        string // for a profile file: the built-in it starts from
	// Excluded names the limits the user left out (see ExcludeLimits).
	Excluded []string

	// Revision says, for a vendor's later revision of a documented
	// profile, which profile it revises, when, where the page is and what
	// is assumed; nil for a documented profile.
	Revision *Revision
}

// Validate reports the first problem with p: a limit that is not valid,
// two limits of one name, an unknown dialect, or a broken ordering rule.
func (p *Profile) Validate() error {
	if len(p.Limits) == 0 {
		return fieldErr("limits", "a profile needs at least one limit")
	}
	seen := map[string]bool{}
	for i, l := range p.Limits {
		if l.Name == "" {
			return fieldErr(fmt.Sprintf("limits[%d].name", i), "is missing")
		}
		if seen[l.Name] {
			return fieldErr("limits."+l.Name, "is defined twice")
		}
		seen[l.Name] = true
		if err := l.Validate(); err != nil {
			fe := err.(*FieldError)
			return fieldErr("limits."+l.Name+"."+fe.Field, "%s", fe.Msg)
		}
	}
	if err := validateScope(p.Scope); err != nil {
		return err
	}
	if _, err := Dialects(p.Dialect); err != nil || strings.TrimSpace(p.Dialect) == "" {
		return fieldErr("headers", "unknown header dialect %q (want one of %s, or several joined by commas)", p.Dialect, strings.Join(DialectNames(), ", "))
	}
	if p.Ordered {
		for i := 1; i < len(p.Limits); i++ {
			a, b := p.Limits[i-1], p.Limits[i]
			if a.Quota > b.Quota {
				return fieldErr("limits."+b.Name+".quota", "must be at least %s's quota %d (the rule is %s)", a.Name, a.Quota, p.orderRule())
			}
		}
	}
	return nil
}

func (p *Profile) orderRule() string {
	names := make([]string, len(p.Limits))
	for i, l := range p.Limits {
		names[i] = l.Name
	}
	return strings.Join(names, " <= ")
}

// Clone returns a deep copy of p that can be changed freely.
func (p *Profile) Clone() *Profile {
	q := *p
	q.Limits = append([]Limit(nil), p.Limits...)
	q.Excluded = append([]string(nil), p.Excluded...)
	if p.Revision != nil {
		r := *p.Revision
		q.Revision = &r
	}
	return &q
}

// Limit returns the limit called name, or nil.
func (p *Profile) Limit(name string) *Limit {
	for i := range p.Limits {
		if p.Limits[i].Name == name {
			return &p.Limits[i]
		}
	}
	return nil
}

// HasBytes reports whether any of p's limits counts bytes.
func (p *Profile) HasBytes() bool {
	for _, l := range p.Limits {
		if l.Unit == Bytes {
			return true
		}
	}
	return false
}

// builtins are the documented profiles, each naming the vendor document
// its numbers come from in Source, and then their revisions.
var builtins = append([]*Profile{
	{
		Name:        "rewst",
		Description: "Rewst webhook triggers: 25 requests per second and 1,000 per minute, per trigger",
		Scope:       "trigger",
		Limits: []Limit{
			{Name: "per_second", Kind: Window, Quota: 25, Per: time.Second, Unit: Requests},
			{Name: "per_minute", Kind: Window, Quota: 1000, Per: time.Minute, Unit: Requests},
		},
		Dialect:        "rewst",
		Source:         "Rewst docs, \"Webhook trigger rate limits\" (limits enabled February 17, 2026): \"25 requests per second, 1000 requests per minute\", \"apply individually to each webhook trigger\"; 429 Too Many Requests with Retry-After",
		Interpretation: "sliding windows: at most 25 in any 1 s and 1,000 in any 60 s",
		Alternatives:   "fixed windows aligned to the clock second and minute, which admit up to 50 across a second boundary and 2,000 across a minute boundary",
	},
	{
		Name:        "workato",
		Description: "Workato webhook gateway: 20 events per second with an 18,000 burst, and 30 MB per minute with a 30 MB burst, per workspace",
		Scope:       "workspace",
		Limits: []Limit{
			{Name: "events", Kind: Credits, Quota: 20, Per: time.Second, Burst: 18000, Unit: Requests},
			{Name: "bytes", Kind: Credits, Quota: 30_000_000, Per: time.Minute, Burst: 30_000_000, Unit: Bytes},
		},
		Dialect:        "workato",
		Source:         "Workato docs, \"Webhook Gateway Limits\": 1,200 events per minute (20 per second) and 18,000 in a burst; 30MB per minute and 30MB in a burst, limits that \"apply across all your real-time triggers in your workspace\"; Retry-After, X-Rate-Limit-Remaining, X-Rate-Limit-Reset, X-Byte-Limit-Remaining, X-Byte-Limit-Reset on every event",
		Interpretation: "the documented credit model: 20 fresh credits each second (30 MB each minute), spent before the burst store, unused ones saved up to the cap, the store full at the start; so 18,020 events fit in the first second and an emptied store refills in 900 s. MB is read as 10^6 bytes",
		Alternatives:   "a continuous token bucket of 20/s and capacity 18,020 (bytes: 30 MB/min, capacity 60 MB); MB as 2^20 bytes would be a 4.9% larger byte limit",
	},
	{
		Name:        "salesbuildr",
		Description: "Salesbuildr: 500 requests per 10-minute rolling window, per tenant",
		Scope:       "tenant",
		Limits: []Limit{
			{Name: "per_10_minutes", Kind: Window, Quota: 500, Per: 10 * time.Minute, Unit: Requests},
		},
		Dialect:        "salesbuildr",
		Source:         "Salesbuildr docs, \"API & Integration Errors\": \"500 requests per 10-minute rolling window per tenant\"; Retry-After and X-RateLimit-Remaining; failed webhook deliveries retry after 2 seconds",
		Interpretation: "a sliding window of 10 minutes",
		Alternatives:   "fixed 10-minute windows aligned to the clock",
	},
	{
		Name:        "autotask",
		Description: "Autotask REST API: 10,000 requests per rolling 60 minutes, per database",
		Scope:       "database",
		Limits: []Limit{
			{Name: "per_hour", Kind: Window, Quota: 10000, Per: time.Hour, Unit: Requests},
		},
		Dialect:        "none",
		Source:         "Salesbuildr docs, \"API & Integration Errors\", on Autotask: \"limit of 10,000 REST API requests within a rolling 60-minute window\"; no response headers are documented",
		Interpretation: "a sliding window of 60 minutes",
		Alternatives:   "fixed hours aligned to the clock",
	},
	{
		Name:        "perwebhook",
		Description: "Per-webhook delivery limits: 60 per minute, 1,000 per hour, 10,000 per day, per webhook",
		Scope:       "webhook",
		Limits: []Limit{
			{Name: "minute", Kind: Fixed, Quota: 60, Per: time.Minute, Unit: Requests},
			{Name: "hour", Kind: Fixed, Quota: 1000, Per: time.Hour, Unit: Requests},
			{Name: "day", Kind: Fixed, Quota: 10000, Per: 24 * time.Hour, Unit: Requests},
		},
		Dialect:        "perwebhook",
		Ordered:        true,
		Source:         "\"Webhook Rate Limiting - Quick Reference\": per minute 60, per hour 1,000, per day 10,000 deliveries; limits positive integers with per_minute <= per_hour <= per_day; X-RateLimit-Limit-{Minute,Hour,Day} and X-RateLimit-Remaining-{Minute,Hour,Day}; 429 body with code WEBHOOK_RATE_LIMIT_EXCEEDED",
		Interpretation: "fixed calendar windows in UTC (current_minute_usage, current_hour_usage, current_day_usage)",
		Alternatives:   "sliding windows of a minute, an hour and a day",
	},
}, revisions...)

// Builtin returns a copy of the built-in profile called name.
func Builtin(name string) (*Profile, bool) {
	for _, p := range builtins {
		if p.Name == name {
			return p.Clone(), true
		}
	}
	return nil, false
}

// Builtins returns copies of every built-in profile, sorted by name.
func Builtins() []*Profile {
	out := make([]*Profile, len(builtins))
	for i, p := range builtins {
		out[i] = p.Clone()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// BuiltinNames returns the names of the built-in profiles, sorted.
func BuiltinNames() []string {
	var names []string
	for _, p := range Builtins() {
		names = append(names, p.Name)
	}
	return names
}
