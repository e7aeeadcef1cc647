// Package discover finds the rate limits a live endpoint enforces, for
// `hooklimit probe`, by sending it a bounded series of requests and
// reading its answers.
//
// Discover runs its steps in order (Plan lists them before anything is
// sent): it reads the limits the first response's headers advertise, sends
// a burst until the first rejection, checks the Retry-After of that
// rejection, searches for the rate the endpoint sustains per second,
// measures a limit on body bytes when asked, and infers longer windows and
// their kind (fixed or sliding) from when rejected traffic is admitted
// again. Every step stays within the caps on requests and time in
// DiscoverOptions.
//
// The requests go through a Sender (probe.HTTPSender in the command, a
// simulated endpoint in tests), timed on a probe.Clock, so tests run a
// discovery in virtual time. A Discovery holds what was found and the
// Findings about the endpoint's answers (a 429 without Retry-After, a 503
// used for rate limiting); it says nothing about whether that matches a
// profile: the report package compares.
package discover
