// Package limitsim models the rate limits webhook receivers enforce, and
// decides, request by request, what such a receiver would answer. Every
// other part of hooklimit asks it: check replays recorded traffic through
// it, run's simulator target sends to it, serve answers real senders with
// it, and probe compares what it found with it.
//
// Time is always a parameter: nothing here reads a clock. Times are Unix
// nanoseconds (int64) in the range InTimeRange accepts, and a decision at
// time t depends only on the requests decided before it, so the same
// traffic always gets the same answers, in a test or over a month of
// recorded traffic.
//
// The pieces, from the smallest:
//
//   - A Limit is one rule: a Kind (Window, a sliding log; Fixed, aligned
//     windows; Bucket, a continuous token bucket; Credits, Workato's
//     discrete ticks with a burst store), a Quota per Per, a Burst for the
//     kinds that have one, and a Unit (requests, or body bytes). Costs are
//     1 per request, or the body size; arithmetic is exact integers.
//   - A Limiter enforces one Limit (NewLimiter). Check asks whether a cost
//     fits at a time without taking it, and when it does not, the earliest
//     time it would.
//   - A Profile is a receiver's set of limits, all of which apply: its
//     Scope (which requests share one set of limiters: per key, or per
//     workspace or environment, adding up every key), whether rejected
//     requests still count (CountRejected), its header Dialect and the
//     vendor document its numbers come from. Built-in profiles follow
//     the vendors' documents (Builtin, Builtins); dated revisions of them
//     name the page that changed the numbers (Revision, DiffProfiles);
//     profile files are YAML (LoadProfile, ParseProfile).
//   - A Partition is one scope's limiters: Decide admits a request only
//     if every limit admits it, and returns a Decision (admitted or not,
//     when to retry, what each limit has left). Profile.PartitionOf says
//     which partition a request belongs to, the one rule check, run and
//     serve all follow.
//   - A Simulator holds a profile's partitions, made on first use, and is
//     safe for concurrent use; Expire drops partitions idle long enough to
//     be full again.
//   - A Dialect writes what a decision looks like on the wire: the
//     status, Retry-After (whole seconds, rounded up, never 0), and the
//     vendor's rate-limit header fields, or the IETF RateLimit fields.
//     Profile.SendsRetryAfter says whether a profile's 429 carries one.
//   - Handler is the simulator as an http.Handler, for serve and for
//     tests: it takes the partition key from the request (KeySource),
//     decides at the time its Now function gives (the handler never reads
//     the clock itself), and answers in the dialect.
//
// A problem with one field of a limit is a *FieldError; the profile reader
// turns it into an input error (exit code 2) that also names the file and
// the line.
package limitsim
