// Package render writes hooklimit's results for people and for machines:
// a plain-text table (ASCII boxes, stable in golden files), markdown (for
// CI step summaries), indented JSON (the results' stable schema), JUnit XML
// (a testcase per key and limit, for CI) and a self-contained HTML page with
// charts (for results read back from files).
//
// Write is the one entry point for results: a check, a run, a comparison of
// retry policies, a serve session, a probe, or a report.Report read from
// results files. The listings of profiles and scenarios and a probe's plan
// have functions of their own. Package render only writes: what a result
// says (verdicts, thresholds, analysis) is decided in package report, and
// every string that came from outside (a key, a URL path, a traffic file)
// is escaped so that it cannot drive a terminal or break a table or a page.
package render
