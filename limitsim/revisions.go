package limitsim

import "time"

// Revision is a vendor's later revision of a documented profile: the
// vendor changed its numbers after the document the default follows. A
// revision is a built-in profile of its own, so that every command stays
// on the documented numbers unless the user names the revision.
//
// Its name is the revised profile's, "@", and when: BASE@YYYY-MM-DD when
// the page dates the change (rewst@2026-02-18), BASE@rN (r1, r2, ...) in
// the order the wording implies when the pages are undated (workato@r1).
// Both sort in time order right after the profile they revise, use no
// character a shell or a profile list (--profile a,b) treats specially,
// and never claim a date the vendor did not give.
type Revision struct {
	Of      string // the documented profile it revises: "rewst"
	Date    string // when: "2026-02-18", or "undated" and the order
	URL     string // the page that gives the revised numbers
	Assumed string // what the profile assumes where the page is silent
}

// The sources of the revisions.
const (
	rewstURL         = "https://docs.rewst.help/security/webhook-trigger-rate-limits"
	workatoURL       = "https://docs.workato.com/troubleshooting/webhook-gateway-limits.html"
	workatoFAQURL    = "https://docs.workato.com/connectors/workato-webhooks/webhooks-faqs.html"
	workatoEnvQuote  = "\"The following limits apply per environment, such as Dev, Test, or Prod: Steady rate: 20 events per second, equivalent to 72,000 events per hour. "
	workatoEnvAssume = "the environment is named where a workspace is (--workspace-field, a plan's workspace_field, serve --workspace): under this scope only the environment decides what adds up, so a value that names it (acme-prod) is all it takes; without one all traffic is one environment. The byte limit of the documented profile (30 MB a minute, 30 MB burst, per workspace) is left out: the later pages name a byte limit but give no number for it. The headers are the documented profile's"
)

// revisions are the vendors' later revisions of the documented profiles,
// each in time order after the profile it revises.
var revisions = []*Profile{
	{
		Name:        "rewst@2026-02-18",
		Description: "Rewst webhook triggers as revised for February 18, 2026: 50 requests per second and 1,000 per minute, per trigger, counted at ingest; Envoy answers the 429",
		Scope:       ScopeTrigger,
		Limits: []Limit{
			{Name: "per_second", Kind: Fixed, Quota: 50, Per: time.Second, Unit: Requests},
			{Name: "per_minute", Kind: Fixed, Quota: 1000, Per: time.Minute, Unit: Requests},
		},
		Dialect:        "rewst-envoy",
		Source:         "Rewst docs, \"Webhook trigger rate limits\" (current page): rate limits enabled \"on February 18, 2026\"; \"50 requests per second, 1000 requests per minute\"; \"These limits apply individually to each webhook trigger\"; \"The rate limit occurs at ingest rather than after trigger criteria are considered.\" Its example 429: x-envoy-ratelimited: true, x-ratelimit-remaining: 0, x-ratelimit-reset: 10, Retry-After: 10, Server: istio-envoy, Content-Length: 0; \"Wait 10 seconds before retrying the request.\"",
		Interpretation: "fixed windows aligned to the clock second and minute, as Envoy's rate-limit service counts; every request counts at ingest, including one the trigger's criteria would then drop; every 429 says Retry-After: 10 and x-ratelimit-reset: 10 whatever the windows hold",
		Alternatives:   "sliding windows: at most 50 in any 1 s and 1,000 in any 60 s",
		Revision: &Revision{
			Of: "rewst", Date: "2026-02-18", URL: rewstURL,
			Assumed: "the page does not say which limiter Envoy runs: fixed windows are assumed, sliding windows are the alternative. Retry-After and x-ratelimit-reset are the example's 10 on every 429, so a sender that waits them out can meet the per-minute limit again. Rejected requests do not count (the page is silent). An admitted request gets no rate-limit header (the page shows only the 429)",
		},
	},
	{
		Name:        "workato@r1",
		Description: "Workato webhook gateway, first revision: 20 events per second with an 18,000 burst, per environment (DEV, TEST, PROD)",
		Scope:       ScopeEnvironment,
		Limits: []Limit{
			{Name: "events", Kind: Credits, Quota: 20, Per: time.Second, Burst: 18000, Unit: Requests},
		},
		Dialect:        "workato",
		Source:         "Workato docs, \"Webhook Gateway Limits\" (a later copy): \"Rate limits are applied on a workspace environment. If your workspace have multiple environments (i.e. DEV, TEST, PROD), each environment has its own individual rate limits\"; \"72,000 events per hour\", \"18,000 events in a burst\"; \"You start with a burst allowance of 18,000 events.\"",
		Interpretation: "the documented credit model per environment: 20 fresh credits each second, spent before a burst store of at most 18,000 that starts full; so 18,020 events fit in the first second and an emptied store refills in 900 s",
		Alternatives:   "a continuous token bucket of 20/s and capacity 18,020",
		Revision: &Revision{
			Of: "workato", Date: "undated, 1st later page", URL: workatoURL,
			Assumed: "the pages are undated: the order (18,000 per environment, then 9,000, then 1,000) is read from their wording. " + workatoEnvAssume,
		},
	},
	{
		Name:        "workato@r2",
		Description: "Workato webhook gateway, second revision: 20 events per second with a 9,000 burst, per environment",
		Scope:       ScopeEnvironment,
		Limits: []Limit{
			{Name: "events", Kind: Credits, Quota: 20, Per: time.Second, Burst: 9000, Unit: Requests},
		},
		Dialect:        "workato",
		Source:         "Workato docs, \"Webhook gateway limits\" (a later copy): " + workatoEnvQuote + "Burst allowance: 9,000 events\"; \"Webhooks FAQs\" (" + workatoFAQURL + ") gives the same",
		Interpretation: "the documented credit model per environment: 20 fresh credits each second, spent before a burst store of at most 9,000 that starts full; so 9,020 events fit in the first second and an emptied store refills in 450 s",
		Alternatives:   "a continuous token bucket of 20/s and capacity 9,020",
		Revision: &Revision{
			Of: "workato", Date: "undated, 2nd later page", URL: workatoURL,
			Assumed: "the page is undated: it comes after the 18,000 per environment and before the 1,000 by its wording. " + workatoEnvAssume,
		},
	},
	{
		Name:        "workato@r3",
		Description: "Workato webhook gateway, third revision: 20 events per second with a 1,000 burst, per environment",
		Scope:       ScopeEnvironment,
		Limits: []Limit{
			{Name: "events", Kind: Credits, Quota: 20, Per: time.Second, Burst: 1000, Unit: Requests},
		},
		Dialect:        "workato",
		Source:         "Workato docs, \"Webhook gateway limits\" (latest copy): " + workatoEnvQuote + "Burst allowance: 1,000 events that can be processed beyond the steady rate in a burst.\" \"If you exceed both the steady rate (20 events per second) and the burst allowance (1,000 events), the webhook gateway returns a 429 Too Many Requests\"",
		Interpretation: "the documented credit model per environment: 20 fresh credits each second, spent before a burst store of at most 1,000 that starts full; so 1,020 events fit in the first second and an emptied store refills in 50 s",
		Alternatives:   "a continuous token bucket of 20/s and capacity 1,020",
		Revision: &Revision{
			Of: "workato", Date: "undated, 3rd later page", URL: workatoURL,
			Assumed: "the page is undated: it is the latest copy (the FAQ in Japanese also says 1,000); one copy drops \"per environment\", which is kept here. " + workatoEnvAssume,
		},
	},
}
