// Package session judges the sender that talks to `hooklimit serve`: it
// takes a small Record of every request the receiver answered, in time
// order, and keeps the session's bookkeeping. A Recorder feeds the
// compliance analysis (every keyed request is an arrival), follows events
// across their retries by their id (attempts, duplicates, Retry-After
// honored or not, partition violations, events given up), observes the
// retry schedule, and returns a report.ServeResult whenever asked.
//
// Memory stays bounded however long a session runs: partition keys idle
// for the profile's idle horizon are retired into totals, events are
// remembered for Options.EventTTL and at most Options.MaxEvents at once,
// and histograms stand for the intervals. A session reads no clock: time
// is each Record's. The receiver feeds it while serving; package
// report/results replays request lines through it to rebuild a torn file
// or merge sessions, which is why it is a package of its own. It writes no
// file itself: Options.Log receives each request with what the recorder
// learnt of it.
package session
