package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/termtext"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/render"
	"github.com/hooklimit/hooklimit/scenarios"
)

// checkOptions holds the check command's dependencies and flags.
type checkOptions struct {
	Quiet       bool
	IO          *IOStreams
	Now         func() time.Time
	Getenv      func(string) string
	create      func(string) (io.WriteCloser, error)
	Files       []string
	Profile     string
	Format      *FormatFlag
	InputFormat string
	TimeField   string
	KeyField    string
	WsField     string
	SizeField   string
	KeyPattern  string
	Key         string
	SkipInvalid bool
	MaxDisorder time.Duration
	// KeyFieldGiven is whether --key-field was given: then a field no
	// record has is an error, not one key for all traffic.
	KeyFieldGiven bool
	Thresholds    []string
	Out           string
	Exclude       []string
	ShowKeys      int
}

func newCheckCmd(d *Deps) *cobra.Command {
	opts := &checkOptions{IO: d.IO, Now: d.Now, Getenv: d.Getenv, create: d.Create, Format: NewFormatFlag(FormatTable, "junit")}
	cmd := &cobra.Command{
		Use:   "check FILE... [flags]",
		Short: "Check whether recorded traffic stays under a profile's limits",
		Long: `Check recorded webhook traffic against a profile's limits, offline: would
this traffic have been rate-limited?

A profile's scope decides what adds up: Rewst's limits apply to each
trigger (partition key) alone, Workato's to every trigger of a workspace
together. Name the field that holds the workspace with --workspace-field;
without it all the traffic is one workspace, and the output says so.

For every partition and every limit, check reports the peak under each
interpretation of the limit (sliding and fixed windows; the credit model and
its token-bucket counterpart), how many requests the limiter would have
rejected, when the first would have been, and the headroom. A limit passes
when the traffic is under it in every interpretation; "partial" names the
interpretations under which it is. A limit that cannot be judged (a byte
limit and records without a size, or a window finer than whole-second times
allow) is "unknown", not a pass: give sizes (--size-field) or leave the
limit out (--exclude-limit PROFILE.LIMIT). The exit code is 0 when
everything passes, 1 when something does not, is unknown (or a --threshold
is breached), 2 for bad input, 130 when interrupted.

Input is JSON lines ({"time": ..., "key": ..., "size": ...}), CSV with a
header row, or an nginx/Apache access log; gzip-compressed files are read as
they are, and "-" reads standard input. Times may be RFC 3339 with a zone
(Z or an offset) or epoch seconds, milliseconds, microseconds or nanoseconds. Records a little out of
order (up to --max-disorder) are put back in order; several files are merged
by time.`,
		Example: `  hooklimit check traffic.jsonl --profile rewst
  hooklimit check traffic.jsonl --profile rewst,workato --format json
  hooklimit check traffic.jsonl --profile workato --workspace-field workspace
  hooklimit check access.log --profile rewst --input-format access-log
  cat traffic.csv | hooklimit check - --profile workato --input-format csv
  hooklimit check traffic.jsonl --profile rewst --threshold 'peak_ratio<0.8'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			opts.KeyFieldGiven = cmd.Flags().Changed("key-field")
			return runCheck(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Profile, "profile", "p", "rewst", "profiles to check against: built-in names or profile files, comma-separated")
	registerFormatFlag(cmd, opts.Format)
	f.StringVar(&opts.InputFormat, "input-format", "", "input format: jsonl, csv or access-log (default: detected)")
	f.StringVar(&opts.TimeField, "time-field", "time", "JSON field or CSV column holding the time")
	f.StringVar(&opts.KeyField, "key-field", "key", "JSON field or CSV column holding the partition key (absent: one partition)")
	f.StringVar(&opts.WsField, "workspace-field", "", "JSON field or CSV column holding the workspace, for workspace-scoped profiles such as workato, or the environment for environment-scoped ones such as workato@r3 (absent: all traffic is one workspace)")
	f.StringVar(&opts.SizeField, "size-field", "size", "JSON field or CSV column holding the body size in bytes")
	f.StringVar(&opts.KeyPattern, "key-pattern", "", "access logs: a regexp whose first group picks the key from the request path, query string left out (default: the whole path)")
	f.StringVar(&opts.Key, "key", "", "check only this partition key")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, quietUsage+"; without the skipped lines of --skip-invalid")
	f.BoolVar(&opts.SkipInvalid, "skip-invalid", false, "skip invalid lines, count them and report the first few, instead of stopping")
	durationVar(f, &opts.MaxDisorder, "max-disorder", scenarios.DefaultMaxDisorder, "how far out of time order records may be (0: input must be in order)")
	f.StringArrayVar(&opts.Thresholds, "threshold", nil, "a condition that must hold, e.g. 'peak_ratio<0.8' (repeatable)")
	f.StringVar(&opts.Out, "out", "", "also write the result to this results file (JSON Lines), for hooklimit report")
	f.StringSliceVar(&opts.Exclude, "exclude-limit", nil, excludeLimitUsage)
	f.IntVar(&opts.ShowKeys, "show-keys", report.DefaultShowKeys, "rows for at most this many keys, the worst first; the summary covers every key (0: every key)")
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfileFlag)
	_ = cmd.RegisterFlagCompletionFunc("input-format", cobra.FixedCompletions([]string{scenarios.FormatJSONL, scenarios.FormatCSV, scenarios.FormatAccessLog}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// runCheck reads every file, analyses the traffic and writes the report.
func runCheck(ctx context.Context, opts *checkOptions) error {
	inputs := []string{"--profile", opts.Profile}
	for _, f := range opts.Files {
		inputs = append(inputs, "FILE", f)
	}
	if err := oneStdin(inputs...); err != nil {
		return err
	}
	if opts.ShowKeys < 0 {
		return exitcode.Usagef("flag --show-keys: must be 0 (every key) or more, not %d", opts.ShowKeys)
	}
	if opts.MaxDisorder < 0 {
		return exitcode.Usagef("flag --max-disorder: must be 0 (records in order) or more, not %s", opts.MaxDisorder)
	}
	profiles, err := loadProfiles(opts.IO, opts.Profile)
	if err != nil {
		return err
	}
	if profiles, err = excludeLimits(profiles, opts.Exclude); err != nil {
		return err
	}
	ths, err := parseThresholds(opts.Thresholds)
	if err != nil {
		return err
	}
	ro := scenarios.ReadOptions{
		Format: opts.InputFormat, TimeField: opts.TimeField, KeyField: opts.KeyField, SizeField: opts.SizeField,
		WorkspaceField: opts.WsField, SkipInvalid: opts.SkipInvalid, MaxDisorder: opts.MaxDisorder, RequireKey: opts.KeyFieldGiven,
	}
	if opts.MaxDisorder <= 0 {
		ro.MaxDisorder = -1
	}
	if opts.KeyPattern != "" {
		re, err := regexp.Compile(opts.KeyPattern)
		if err != nil {
			return &exitcode.InputError{File: "flag --key-pattern", Msg: err.Error()}
		}
		ro.KeyPattern = re
	}
	var readers []scenarios.Reader
	for _, name := range opts.Files {
		ro.Dir = opts.IO.Dir
		r, c, err := scenarios.Open(name, opts.IO.In, ro)
		if err != nil {
			return err
		}
		defer c.Close()
		readers = append(readers, r)
	}
	in := scenarios.MergeReaders(readers...)
	// check holds little per line and much per key: collecting garbage at
	// half the live heap instead of at all of it keeps a million keys under
	// 1 GB (0.88 GB, from 1.08) at no cost in speed (a 3 M-line file of 200
	// keys takes as long). GOGC set by the user wins.
	if opts.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(50))
	}
	res, err := report.CheckTraffic(ctx, in, profiles, report.CheckOptions{
		Files: opts.Files, Key: opts.Key, ShowKeys: opts.ShowKeys, Thresholds: ths, Now: opts.Now,
	})
	if err != nil {
		return err
	}
	interrupted := res.Incomplete != nil
	if opts.Out != "" {
		if err := writeResultFile(opts.create, opts.Out, res); err != nil {
			return err
		}
	}
	if err := render.Write(opts.IO.Out, res, render.Format(opts.Format.String()), render.Width(opts.IO.Width)); err != nil {
		return exitcode.New(exitcode.Runtime, err)
	}
	if n := in.Skipped(); n > 0 && !opts.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "hooklimit: skipped %d invalid line(s); the first:\n", n)
		for _, e := range in.FirstSkipped() {
			fmt.Fprintf(opts.IO.ErrOut, "  %s\n", termtext.Escape(e.Error()))
		}
	}
	switch {
	case interrupted:
		return exitcode.New(exitcode.Interrupted, errors.New("interrupted: the report covers the records read so far"))
	case res.Verdict != report.VerdictPass:
		return exitcode.New(exitcode.Fail, nil)
	}
	return nil
}

// completeProfileFlag offers the built-in profile names for --profile.
func completeProfileFlag(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return completeProfiles(cmd, nil, toComplete)
}
