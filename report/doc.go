// Package report turns what hooklimit measured into answers: the
// compliance analysis of a trace against a profile's limits (Analyzer,
// and BoundedCompliance when keys must retire), delivery metrics and the
// one Retry-After judge of run and serve, verdicts and thresholds, the
// histograms behind every percentile and their encoding, timelines, and
// the result types of check, run, serve and probe (Result), with Report,
// a result read back. It never sends traffic, reads no file and never
// writes for people: package report/results writes, reads and merges
// results files, package receiver/session keeps a serve session's
// bookkeeping, and package render writes results in each output format.
package report
