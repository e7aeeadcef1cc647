// Package probe is the sender: retry policies, open-model pacing, targets
// (the in-process simulator and HTTP), attempt records and limit discovery.
// It renders nothing; the report package turns what it records into tables
// and verdicts.
//
// Engine is the one scheduler both targets run on: it merges the source's
// emissions with the retries waiting in its queue (a retry first when both
// are due at once), paces them, asks the retry policy after each failed
// attempt and settles every delivery's fate. A Target only answers the
// attempts: SimTarget decides them with the simulator of a profile in
// virtual time, HTTPTarget sends them to a URL in real time through a
// Requester, the request builder limit discovery sends its probes with too.
//
// The leaf pieces the run engine builds on are:
//
//   - retry policies (Policy and its implementations None, Immediate, Fixed,
//     Exponential, RetryAfter, OutboundSync, Svix and the GiveUp wrapper),
//     written on the command line and in plan files as specs that
//     ParsePolicy reads and Policy.String writes back; Policies lists them
//     for `hooklimit scenarios`;
//   - Retryable, the one rule every policy shares about which responses are
//     worth another attempt;
//   - ParseRetryAfter, which reads a Retry-After header the way RFC 9110
//     defines it (and leniently a decimal);
//   - Signer, which signs and verifies requests per the Standard Webhooks
//     specification;
//   - Body, a per-event body template padded to an exact size.
//
// Nothing in this package reads the clock or a global random source: time
// and a *rand.Rand are parameters, so every schedule is deterministic for a
// seed and tests need no fake clock.
package probe
