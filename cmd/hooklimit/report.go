package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/render"
	"github.com/hooklimit/hooklimit/report/results"
)

// reportOptions holds the report command's dependencies and flags.
type reportOptions struct {
	IO         *IOStreams
	create     func(name string) (io.WriteCloser, error) // creates the --out file
	Files      []string
	Format     *FormatFlag
	Out        string
	Thresholds []string
}

func newReportCmd(d *Deps) *cobra.Command {
	opts := &reportOptions{IO: d.IO, create: d.Create, Format: NewFormatFlag(FormatTable, "junit", "html")}
	cmd := &cobra.Command{
		Use:   "report FILE... [flags]",
		Short: "Re-render and merge saved results (table, markdown, JSON, JUnit, HTML with charts)",
		Long: `Re-render saved results without running anything again, and merge the
results of several machines or CI jobs of one test into one report.

A results file is what run, check, serve or probe write with --out (JSON
Lines: one line per attempt or request, then the result), or the output of
--format json. "-" reads standard input; gzip-compressed files are read as
they are.

One file is rendered as it was measured. Several files of one kind merge:
runs with their attempt lines are replayed as one run (every number is
computed again from the attempts, histograms and compliance exactly);
runs without them, and checks, add up their results when no partition key
is in two files; serve sessions with their request lines are replayed as one
session. Comparisons of retry policies and probes do not merge, nor do
results of different kinds or profiles.

--format html writes one self-contained page (no script, nothing loaded
from the network): the traffic per second against each limit, bucket and
credit levels over time, latency and delivery-delay percentiles, and the
verdict tables.

The exit code is the verdict's: 0 when it passes (and every --threshold
holds), 1 when not, 2 for a bad results file (the message names the file,
line and field).`,
		Example: `  hooklimit report results.jsonl
  hooklimit report a.jsonl b.jsonl --format json
  hooklimit report results.jsonl --format html > report.html
  hooklimit report ci-*/results.jsonl --format markdown --threshold 'lost==0' >> "$GITHUB_STEP_SUMMARY"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			return runReport(opts)
		},
	}
	f := cmd.Flags()
	registerFormatFlag(cmd, opts.Format)
	f.StringVar(&opts.Out, "out", "", "also write the (merged) result to this file, as a results file with its result line only")
	f.StringArrayVar(&opts.Thresholds, "threshold", nil, "a condition that must hold, e.g. 'lost==0' (repeatable; metrics as in the command that wrote the results)")
	return cmd
}

// runReport reads every file, merges them, applies the thresholds and
// renders the report.
func runReport(opts *reportOptions) error {
	ths, err := parseThresholds(opts.Thresholds)
	if err != nil {
		return err
	}
	files := make([]*results.File, 0, len(opts.Files))
	stdin := false
	for _, name := range opts.Files {
		if name == "-" {
			if stdin {
				return exitcode.Usagef("standard input (-) can be read only once")
			}
			stdin = true
		}
		rf, err := results.ReadFile(opts.IO.Dir, name, opts.IO.In)
		if err != nil {
			return err
		}
		files = append(files, rf)
	}
	rep, err := results.Merge(files)
	if err != nil {
		return err
	}
	if err := rep.ApplyThresholds(ths); err != nil {
		return err
	}
	if opts.Out != "" {
		if err := writeResultFile(opts.create, opts.Out, rep.Result); err != nil {
			return err
		}
	}
	if err := render.Write(opts.IO.Out, rep, render.Format(opts.Format.String()), render.Width(opts.IO.Width)); err != nil {
		var in *exitcode.InputError
		if errors.As(err, &in) {
			return err
		}
		return exitcode.New(exitcode.Runtime, err)
	}
	for _, note := range rep.Notes {
		fmt.Fprintln(opts.IO.ErrOut, "note: "+note)
	}
	if rep.Verdict != report.VerdictPass || len(rep.Notes) > 0 {
		return exitcode.New(exitcode.Fail, nil) // a file cut short is incomplete: never a pass
	}
	return nil
}

// writeResultFile writes v as a results file of one result line, which
// create creates.
func writeResultFile(create func(string) (io.WriteCloser, error), name string, v any) error {
	f, err := create(name)
	if err != nil {
		return exitcode.Runtimef("cannot write results: %v", err)
	}
	if err := results.NewWriter(f).Result(v); err != nil {
		f.Close()
		return exitcode.Runtimef("cannot write results: %v", err)
	}
	if err := f.Close(); err != nil {
		return exitcode.Runtimef("cannot write results: %v", err)
	}
	return nil
}
