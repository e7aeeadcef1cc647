package senders

// Preset is a real sender's model, with where its numbers come from.
type Preset struct {
	Name    string // what --sender takes: "autotask"
	Vendor  string // who sends: "Autotask PSA webhooks"
	Retry   string // the retry policy, as --retry takes it
	Sender  string // the discipline and quirks, as a sender spec
	Source  string // the vendor's document: title and address
	Quote   string // what it says, quoted
	Assumed string // what the model assumes where the vendor is silent
}

// presets are listed in the order `hooklimit senders` shows them.
var presets = []Preset{
	{
		Name: "autotask", Vendor: "Autotask PSA webhooks",
		Retry: "fixed,delay=30s,max=4", Sender: "ordered,disable-after=25,retry-after=ignore",
		Source: `Autotask developer help, "Webhooks error handling" (ww6.autotask.net/help/DeveloperHelp/Content/APIs/Webhooks/Webhooks_Error_Handling.htm)`,
		Quote: `"If new callout events are triggered for the same callout and type, they are queued up for delivery in the order they are triggered." ` +
			`"After 30 seconds, the API will send the callout again." "After a total of 5 attempts within 2 minutes, the API will stop attempting to deliver this payload." ` +
			`"If this callout fails for [25] consecutive attempts, it will be disabled."`,
		Assumed: "the 30 s count from the failed attempt; a partition is one callout and type; Retry-After is ignored (the page never mentions 429); " +
			"the 25 count events given up in a row and start again at a delivery; the 10 s timeout and the unpublished \"threshold limits\" are not modeled.",
	},
	{
		Name: "quickbooks", Vendor: "QuickBooks Online webhooks (Intuit)",
		Retry: "schedule,waits=10s/20s/30s/5m/20m/2h/4h/6h,then=6h,max=1000", Sender: "ordered,retry-after=ignore",
		Source: `Intuit developer docs, webhooks "Best practices" (developer.intuit.com/app/developer/qbo/docs/develop/webhooks/best-practices)`,
		Quote: `"The retry will happen at the following intervals: 10s, 20s, 30s, 5m, 20m, 2h, 4h, 6h, and then on stays at 6-hour intervals. ` +
			`You may not receive subsequent events from our system until you correctly acknowledge the first event."`,
		Assumed: "no limit on retries is documented: 1,000 (the most a spec takes); a partition is one company (realm); Retry-After is ignored; no disable rule.",
	},
	{
		Name: "hubspot", Vendor: "HubSpot workflows, \"Send a webhook\" action",
		Retry: "retry-after,max=100,fallback=(exponential,base=1m,cap=8h,max=30,jitter=none),giveup=3d", Sender: "pace=20/s,retry-after=ms",
		Source: `HubSpot, "Using webhooks in workflows" (developers.hubspot.com/docs/methods/workflows/webhook_information) and the knowledge-base article "How to trigger webhooks in HubSpot contact-based workflows"`,
		Quote: `"workflows will automatically retry after receiving a 429 response, and will respect the Retry-After header if present." ` +
			`"HubSpot will retry failed webhooks for up to three days, starting one minute after failure ... with a maximum gap of eight hours between tries." ` +
			`"Workflows will issue webhook attempts at up to 20 requests per second." The localized articles add that Retry-After is recorded in milliseconds.`,
		Assumed: "the retry curve doubles from 1 min up to 8 h; a 429 without Retry-After follows it; the 20 a second is one bucket for all partitions; no disable rule.",
	},
	{
		Name: "n8n", Vendor: "n8n HTTP Request node, Retry On Fail",
		Retry: "fixed,delay=5s,max=4", Sender: "parallel,retry-after=ignore",
		Source: `n8n docs, "Handle rate limits" (docs.n8n.io/integrations/builtin/rate-limits)`,
		Quote:  `"Retry On Fail allows at most five tries, up to 5 seconds apart."`,
		Assumed: "the most the setting allows: 5 tries, 5 s apart, with no jitter; Retry-After is ignored; " +
			"items run in parallel (batching is a workflow the user builds); an event that fails is lost.",
	},
	{
		Name: "svix", Vendor: "Svix (and senders built on it)",
		Retry: "svix", Sender: "parallel,retry-after=max(cap=2h)",
		Source: `Svix, "Retry Schedule" (docs.svix.com/retries); svix-webhooks pull request #2203 "Respect Retry-After on error responses"`,
		Quote: `"Immediately, 5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours, 10 hours, 10 hours". ` +
			`"The effective delay becomes max(internal_backoff, retry_after) and is capped at internal_backoff + 2h ... Based on the Cloud implementation".`,
		Assumed: "Svix Cloud as the pull request describes it (the open-source server clamps to twice the backoff instead); no jitter; " +
			"no endpoint throttle unless its operator set one; the endpoint disable after 5 days of failures is not modeled.",
	},
	{
		Name: "slack", Vendor: "Slack Events API",
		Retry: "schedule,waits=0s/1m/5m,max=3", Sender: "parallel,retry-after=ignore",
		Source: `Slack, "app_rate_limited event" (docs.slack.dev/reference/events/app_rate_limited); Java Slack SDK guide "Events API"`,
		Quote: `"Your app has to respond to the request within 3 seconds ... Otherwise, the Slack Platform may retry." ` +
			`"Event subscriptions may be limited and disabled when your app does not respond with a HTTP 200 OK to at [sic] 5% of event deliveries in the past 60 minutes."`,
		Assumed: "the schedule (at once, after 1 min, after 5 min) is from secondary sources, not a Slack page; Retry-After is ignored; the 5% disable rule is not modeled.",
	},
	{
		Name: "msgraph", Vendor: "Microsoft Graph change notifications",
		Retry: "exponential,base=10s,cap=1h,max=12,jitter=none,giveup=4h", Sender: "parallel,retry-after=ignore",
		Source: `Microsoft Learn, "Receive change notifications through webhooks" (learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks)`,
		Quote:  `"it continues to retry ... for up to 4 hours"; earlier revisions: "retried at exponential backoff intervals".`,
		Assumed: "no numbers are documented: doubling from 10 s, capped at 1 h, within 4 h; Retry-After is ignored; " +
			"the slow and drop states of a slow endpoint are not modeled.",
	},
	{
		Name: "stripe", Vendor: "Stripe webhooks",
		Retry: "exponential,base=1m,cap=12h,max=20,jitter=none,giveup=3d", Sender: "parallel,retry-after=ignore",
		Source:  `Stripe, "Process undelivered webhook events" (docs.stripe.com/webhooks/process-undelivered-events)`,
		Quote:   `"Stripe automatically resends the undelivered events to your endpoint for up to three days".`,
		Assumed: "no intervals are documented: doubling from 1 min, capped at 12 h, within 3 days; Retry-After is ignored; unordered.",
	},
	{
		Name: "make", Vendor: "Make.com scenarios, incomplete executions",
		Retry: "schedule,waits=1m/10m/10m/30m/30m/30m/3h/3h,max=8", Sender: "parallel,retry-after=ignore",
		Source: `Make help, "Automatic retry of incomplete executions" (help.make.com/automatic-retry-of-incomplete-executions)`,
		Quote:  `"1 minute | 10 minutes | 10 minutes | 30 minutes | 30 minutes | 30 minutes | 3 hours | 3 hours"; "If the 8th attempt fails, Make disables scheduling of the scenario."`,
		Assumed: "reruns with incomplete executions on; Retry-After is ignored; parallel processing (the default); " +
			"disabling the scenario's schedule is not modeled, since it stops the scenario, not the webhook.",
	},
	{
		Name: "zapier", Vendor: "Zapier, Autoreplay",
		Retry: "schedule,waits=5m/30m/1h/3h/6h,max=5", Sender: "parallel,retry-after=ignore",
		Source:  `Zapier help, "Autoreplay Tasks" (zapier.com/help/autoreplay)`,
		Quote:   `"Zapier will retry (replay) the task up to 5 times ... on this schedule: 5 minutes, 30 minutes, 1 hour, 3 hours, 6 hours".`,
		Assumed: "the Webhooks by Zapier step does not honor Retry-After (only platform apps are documented to); the Zap pause at 95% errors over 7 days is not modeled.",
	},
	{
		Name: "hookdeck", Vendor: "Hookdeck",
		Retry: "exponential,base=1h,cap=0s,max=5,jitter=none", Sender: "parallel,pace=1000/1m,retry-after=ignore",
		Source: `Hookdeck docs, "Set a rate limit" (hookdeck.com/docs/set-a-rate-limit) and "Automatically retry events"`,
		Quote: `"define a maximum rate at which Hookdeck will send requests to a destination ... per second, per minute, or per hour." ` +
			`"each retry is delayed twice as long as the previous (1 hour, 2 hours, 4 hours, etc.)"; "Events are limited to 50 automatic retries".`,
		Assumed: "the rate is the user's: 1,000 a minute here, a smooth bucket with burst 1 shared by retries; 5 retries of the up to 50; Retry-After is ignored.",
	},
	{
		Name: "convoy", Vendor: "Convoy",
		Retry: "fixed,delay=100s,max=10", Sender: "parallel,pace=5000/1m,retry-after=ignore",
		Source:  `Convoy docs, "Rate Limiting Endpoints" (getconvoy.io/docs/glossary/rate-limiting-endpoints) and "Retry Schedule"; frain-dev/convoy source`,
		Quote:   `"You can control the number of events you send to an endpoint by setting a rate limit and a rate-limit duration on each endpoint. The default is 5000 in 1m".`,
		Assumed: "the linear retry of the code's defaults (100 s, 10 retries); the code never reads Retry-After; a smooth bucket where Convoy may use a fixed window.",
	},
	{
		Name: "salesbuildr", Vendor: "Salesbuildr webhooks",
		Retry: "fixed,delay=2s,max=5", Sender: "parallel,retry-after=ignore",
		Source:  `Salesbuildr help centre, "API & Integration Errors"`,
		Quote:   `"Failed deliveries retry with a 2-second delay."`,
		Assumed: "everything but the 2 s: 5 retries, Retry-After ignored, parallel, no disable rule.",
	},
	{
		Name: "outboundsync", Vendor: "OutboundSync, Additional Endpoints",
		Retry: "outboundsync", Sender: "parallel,retry-after=ignore",
		Source:  `OutboundSync docs, "Webhook forwarding with Additional Endpoints"`,
		Quote:   `"OutboundSync applies exponential backoff retries up to seven times"; "TotalDelayForEachRetry = random(0–300s) + 2^(RetryNumber - 1) * 60s".`,
		Assumed: "the formula, where the page's table says 30 and 60 min for the last two; Retry-After is ignored; 5xx retried like 429.",
	},
}

// Presets returns every preset, in the order `hooklimit senders` lists
// them. The slice is a fresh copy.
func Presets() []Preset { return append([]Preset(nil), presets...) }

// Lookup returns the preset called name.
func Lookup(name string) (Preset, bool) {
	for _, p := range presets {
		if p.Name == name {
			return p, true
		}
	}
	return Preset{}, false
}
