// Package retry holds the retry policies a sender follows after a failed
// attempt, and the reading of the Retry-After header they may honour.
//
// A Policy decides, after each failed attempt of an event, whether to try
// again and after how long. It is a pure value: the sender keeps the
// numbers of each event (the attempt that failed, the time since the first
// emission, the previous wait) and passes them in a Failure, and any
// randomness comes from the *rand.Rand passed in, so one Policy serves
// every event and a schedule is deterministic for a seed. Retryable is the
// rule every policy shares about which responses are worth another try.
//
// The policies are None, Immediate, Fixed, Exponential (with the jitter
// modes of AWS's "Exponential Backoff And Jitter"), RetryAfter, and the
// documented schedules of OutboundSync and Svix; GiveUp bounds any of them
// in time. Policies lists them, with their parameters, defaults and the
// vendors' presets, for `hooklimit scenarios`.
//
// A policy is written as a spec, on the command line (--retry) and in plan
// files: a name, then comma-separated NAME=VALUE parameters in any order,
// every one left out taking its default.
//
//	none
//	fixed,delay=2s,max=5
//	exponential,base=1s,cap=5m,max=7,jitter=full
//	retry-after,max-wait=10m,fallback=(fixed,delay=2s,max=5),giveup=1h
//	svix,giveup=1d
//
// ParsePolicy reads a spec and Policy.String writes the canonical one
// back; SplitPolicies splits a --compare-retry list into specs.
// ParseRetryAfter reads a Retry-After value the way RFC 9110 defines it.
package retry
