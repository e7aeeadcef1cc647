// Package probe is the sender: open-model pacing, targets (the in-process
// simulator and HTTP), attempt records, and the HTTP sender of limit
// discovery. It renders nothing; the report package turns what it records
// into tables and verdicts.
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
//   - Pace, the pacer, and the catch-up bound of a profile's windows,
//     which say when an attempt that is due may leave;
//   - Attempt and Outcome, what an Observer is told of every request and
//     of every delivery's fate;
//   - Body, a per-event body template padded to an exact size;
//   - run ids (NewRunID, RunIDHeader), which tell one run's requests from
//     another's at the receiver.
//
// The rest of the sender lives beside it:
//
//   - probe/retry: the retry policies a run follows, the specs that name
//     them, and the reading of Retry-After;
//   - probe/discover: limit discovery for `hooklimit probe`, which sends
//     through HTTPSender;
//   - internal/signing: Standard Webhooks signing, shared with the
//     receiver that verifies it.
//
// Nothing in this package reads the clock or a global random source: time
// and a *rand.Rand are parameters, so every schedule is deterministic for a
// seed and tests need no fake clock.
package probe
