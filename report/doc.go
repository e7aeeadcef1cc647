// Package report turns what hooklimit measured into answers: the
// compliance analysis of a trace against a profile's limits, delivery
// metrics, verdicts and thresholds, and the result types of check, run,
// serve and probe (Result), with the results files they are written to,
// read back from and merged. It never sends traffic and never writes for
// people: package render writes results in each output format.
package report
