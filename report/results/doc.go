// Package results writes, reads back and merges hooklimit's results
// files: the --out files of run, serve, probe and check, and what
// `hooklimit report` reads.
//
// # The file, line by line
//
// A results file is JSON Lines, one object a line, each with a "type":
//
//   - "start", the first line of run and serve: what was being measured
//     (scenario, target, retry policy, seed, run id and thresholds for a
//     run; listen URL, key source and the recorder's give-up horizon,
//     event memory and thresholds for a session) and the profile, whole,
//     nested under the kind's name (see RunStart, ServeStart);
//   - "attempt" (run): one line per attempt, in the order attempts were
//     sent: event, copy, key, attempt number, size, intended, sent and done
//     times, status, Retry-After, latency, and the target's rate-limit
//     headers (see Writer.Attempt);
//   - "request" (serve): one line per request the receiver answered, in
//     the order the session counted them: time, key, size, status, the
//     event id and where it came from, the attempt number, and how a retry
//     kept the Retry-After it was sent (see Writer.Request);
//   - "probe_request" (probe): one line per request a probe made (see
//     Writer.ProbeRequest);
//   - "result", the last line of every command: the whole result
//     (report.RunResult, report.CompareResult, report.CheckResult,
//     report.ServeResult or report.ProbeResult), by its "kind".
//
// Lines of other types are counted and skipped, so that files written by a
// newer hooklimit still read. Request headers, bodies, URL paths and query
// strings are never written, so secrets cannot leak into a results file.
// The output of --format json (a result alone, one JSON document) reads as
// a results file too, and gzip-compressed files read as they are.
//
// Lines go out through a LineWriter, which writes whole lines only and at
// most LineFlushEvery after they came: a file cut by a crash, a kill or a
// full disk ends with whole lines, but for the one being written.
//
// # Reading, and a torn file
//
// ReadFile (and Parse, for a file held in memory) checks every line and
// names the file, the line and the field of anything wrong, as an
// *exitcode.InputError. A last line with no line ending that is not whole
// JSON is a torn line, the mark of a writer that was killed: it is dropped
// and the file is Truncated. A file with no result line but a start line
// is rebuilt: its attempt or request lines are replayed through a fresh
// report.RunCollector or session.Recorder, with the profile and options of
// the start line, and the result says it was rebuilt. A rebuilt or torn
// result is incomplete (report.CutTruncated), and never passes.
//
// # Merging
//
// Merge puts results files of one kind and one profile together as if
// what they measured had been one run, session or traffic file, exactly or
// not at all. Runs whose files all hold their attempt lines, and serve
// sessions whose files all hold their request lines, are replayed in time
// order through one fresh collector or recorder. Runs without attempt
// lines, and checks, merge their results: counters add up, the HDR
// histograms merge, timelines add up, and the compliance rows are put
// together, which is exact only when no partition key is in two files (a
// merge that would need it is refused). Comparisons of retry policies and
// probes do not merge. The thresholds of the inputs apply again to the
// merged numbers.
package results
