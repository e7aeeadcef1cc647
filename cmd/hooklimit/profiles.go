package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/termtext"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report/render"
)

// profilesOptions holds the profiles command's dependencies and flags.
type profilesOptions struct {
	IO     *IOStreams
	Format *FormatFlag
}

// newProfilesCmd returns the profiles command and its show and validate
// subcommands.
func newProfilesCmd(d *Deps) *cobra.Command {
	opts := &profilesOptions{IO: d.IO, Format: NewFormatFlag(FormatTable)}
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "List, show, compare and validate rate-limit profiles",
		Long: `List the built-in rate-limit profiles, show one in full (its limits, the
vendor document its numbers come from, how they were read and the other
readings), show what changed between two, or validate a profile file.

The built-ins follow the vendors' documents. Where a vendor later changed
its numbers, the revision is a built-in of its own, listed after the profile
it revises and named by when: rewst@2026-02-18 (the page dates it),
workato@r1, r2, r3 (undated pages, in the order their wording implies).
Every command stays on the documented numbers unless given a revision's name.

Every command that takes --profile accepts a built-in name or the path of a
YAML profile file. A file can extend a built-in and change one number:

  extends: rewst
  limits:
    per_second:
      quota: 50`,
		Example: `  hooklimit profiles
  hooklimit profiles show workato
  hooklimit profiles diff rewst rewst@2026-02-18
  hooklimit profiles show rewst --format json
  hooklimit profiles validate my-limits.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return render.ProfileList(opts.IO.Out, render.Format(opts.Format.String()), limitsim.Builtins(), render.Width(opts.IO.Width))
		},
	}
	registerFormatFlag(cmd, opts.Format)
	cmd.AddCommand(newProfilesShowCmd(d), newProfilesValidateCmd(d), newProfilesDiffCmd(d))
	return cmd
}

func newProfilesShowCmd(d *Deps) *cobra.Command {
	opts := &profilesOptions{IO: d.IO, Format: NewFormatFlag(FormatTable)}
	cmd := &cobra.Command{
		Use:   "show PROFILE",
		Short: "Show a profile: its limits, source and interpretation",
		Long: `Show a profile in full: each limit with its kind, quota, period and burst,
the alternative interpretation hooklimit also checks, the vendor document the
numbers come from, and how its words were read. PROFILE is a built-in name or
the path of a YAML profile file.`,
		Example: `  hooklimit profiles show workato
  hooklimit profiles show rewst --format json
  hooklimit profiles show ./my-limits.yaml`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeProfiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := loadProfile(opts.IO, args[0])
			if err != nil {
				return asArgument(err, "PROFILE")
			}
			return render.ProfileShow(opts.IO.Out, render.Format(opts.Format.String()), p, render.Width(opts.IO.Width))
		},
	}
	registerFormatFlag(cmd, opts.Format)
	return cmd
}

func newProfilesDiffCmd(d *Deps) *cobra.Command {
	opts := &profilesOptions{IO: d.IO, Format: NewFormatFlag(FormatTable)}
	cmd := &cobra.Command{
		Use:   "diff A B",
		Short: "Show what changed between two profiles",
		Long: `Show what changed from profile A to profile B: limits added or removed,
each limit's kind, quota, period, burst and unit, the scope, the header
dialect, count_rejected and ordered. Limits are matched by name. A and B are
built-in names (a vendor's revision such as rewst@2026-02-18 included) or
paths of YAML profile files. It exits 0 when it printed, whatever changed: a
diff is not a verdict.`,
		Example: `  hooklimit profiles diff rewst rewst@2026-02-18
  hooklimit profiles diff workato workato@r3 --format markdown
  hooklimit profiles diff rewst ./my-limits.yaml --format json`,
		Args:              cobra.ExactArgs(2),
		ValidArgsFunction: completeProfiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := oneStdin("the first profile", args[0], "the second", args[1]); err != nil {
				return err
			}
			a, err := loadProfile(opts.IO, args[0])
			if err != nil {
				return err
			}
			b, err := loadProfile(opts.IO, args[1])
			if err != nil {
				return err
			}
			return render.ProfileDiff(opts.IO.Out, render.Format(opts.Format.String()), a, b, render.Width(opts.IO.Width))
		},
	}
	registerFormatFlag(cmd, opts.Format)
	return cmd
}

func newProfilesValidateCmd(d *Deps) *cobra.Command {
	opts := &profilesOptions{IO: d.IO}
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check profile files and report the first problem in each",
		Long: `Check profile files. Each valid file is summarised on one line; the first
problem in an invalid file is reported with its file, line and field, and the
command exits with code 2.`,
		Example: `  hooklimit profiles validate my-limits.yaml`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProfilesValidate(opts, args)
		},
	}
}

// runProfilesValidate validates every file, printing a summary of each
// valid one, and returns the first error.
func runProfilesValidate(opts *profilesOptions, files []string) error {
	var inputs []string
	for _, f := range files {
		inputs = append(inputs, "FILE", f)
	}
	if err := oneStdin(inputs...); err != nil {
		return err
	}
	var first error
	for _, f := range files {
		p, err := loadProfile(opts.IO, f)
		if err != nil {
			if first == nil {
				first = err
			} else {
				fmt.Fprintf(opts.IO.ErrOut, "hooklimit: %s\n", termtext.Escape(err.Error()))
			}
			continue
		}
		how := "profile " + p.Name
		if p.Extends != "" {
			how += ", extending " + p.Extends
		}
		fmt.Fprintf(opts.IO.Out, "%s: valid (%s)\n", termtext.Escape(f), termtext.Escape(how))
		for _, l := range p.Limits {
			fmt.Fprintf(opts.IO.Out, "  %s: %s\n", termtext.Escape(l.Name), termtext.Escape(l.String()))
		}
	}
	return first
}

// completeProfiles offers the built-in profile names, and files: for the
// one argument of show, or the two of diff.
func completeProfiles(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 && (cmd.Name() != "diff" || len(args) > 1) {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return limitsim.BuiltinNames(), cobra.ShellCompDirectiveDefault
}

// asArgument renames an error that names "flag --profile" to name the
// command's argument instead, for commands that take the profile as one.
func asArgument(err error, arg string) error {
	var ie *exitcode.InputError
	if errors.As(err, &ie) && ie.File == "flag --profile" {
		c := *ie
		c.File = "argument " + arg
		return &c
	}
	return err
}
