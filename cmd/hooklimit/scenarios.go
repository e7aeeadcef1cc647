package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/report/render"
	"github.com/hooklimit/hooklimit/scenarios"
)

func newScenariosCmd(d *Deps) *cobra.Command {
	format := NewFormatFlag(FormatTable)
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in traffic scenarios and retry policies",
		Long: `List the traffic scenarios 'hooklimit run' replays, the sender retry
policies it can use, and vendors' documented retry behaviours written as
policies. 'hooklimit scenarios show NAME' shows one in full.`,
		Example: `  hooklimit scenarios
  hooklimit scenarios show duplicate-storm
  hooklimit scenarios show exponential
  hooklimit scenarios --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return render.ScenarioList(d.IO.Out, render.Format(format.String()), scenarios.Builtins(), retry.Policies(), render.Width(d.IO.Width))
		},
	}
	registerFormatFlag(cmd, format)
	showFormat := NewFormatFlag(FormatTable)
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a scenario's or retry policy's parameters",
		Args:  cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			names := scenarios.Names()
			for _, p := range retry.Policies() {
				names = append(names, p.Name)
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			f := render.Format(showFormat.String())
			for _, s := range scenarios.Builtins() {
				if s.Name == args[0] {
					return render.ScenarioShow(d.IO.Out, f, &s, nil, render.Width(d.IO.Width))
				}
			}
			var pols []string
			for _, p := range retry.Policies() {
				if p.Name == args[0] {
					return render.ScenarioShow(d.IO.Out, f, nil, &p, render.Width(d.IO.Width))
				}
				pols = append(pols, p.Name)
			}
			return &exitcode.InputError{File: "argument NAME", Msg: fmt.Sprintf("unknown scenario or retry policy %q (scenarios: %s; retry policies: %s)",
				args[0], strings.Join(scenarios.Names(), ", "), strings.Join(pols, ", "))}
		},
	}
	registerFormatFlag(show, showFormat)
	cmd.AddCommand(show)
	return cmd
}
