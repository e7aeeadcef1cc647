package main

import (
	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/spf13/cobra"
)

// outputUsage is the help of -o/--output.
const outputUsage = "write the formatted output (what --format renders) to this file instead of standard output; progress and notices stay on standard error"

// addOutputFlag adds -o/--output FILE to cmd, a command that renders
// through --format. withOutputFiles makes it work.
func addOutputFlag(cmd *cobra.Command) {
	cmd.Flags().StringP("output", "o", "", outputUsage)
}

// withOutputFiles wraps the run function of every command below root that
// has an --output flag: given a file name, the file is created (or
// truncated) before the command starts, as a shell's "> FILE" would be, and
// takes the place of standard output while the command runs, as a file
// that is not a terminal (its width COLUMNS, or none). "-" is standard
// output.
func withOutputFiles(root *cobra.Command, d *Deps) {
	for _, c := range root.Commands() {
		withOutputFiles(c, d)
	}
	if root.Flags().Lookup("output") == nil || root.RunE == nil {
		return
	}
	run := root.RunE
	root.RunE = func(cmd *cobra.Command, args []string) error {
		name, _ := cmd.Flags().GetString("output")
		if name == "" || name == "-" {
			return run(cmd, args)
		}
		f, err := d.Create(name)
		if err != nil {
			return exitcode.Runtimef("cannot write --output: %v", err)
		}
		out, term, width := d.IO.Out, d.IO.IsTerminal, d.IO.Width
		d.IO.Out, d.IO.IsTerminal, d.IO.Width = f, false, outWidth(f, d.LookupEnv)
		defer func() { d.IO.Out, d.IO.IsTerminal, d.IO.Width = out, term, width }()
		err = run(cmd, args)
		if cerr := f.Close(); cerr != nil && err == nil {
			err = exitcode.Runtimef("cannot write --output: %v", cerr)
		}
		return err
	}
}
