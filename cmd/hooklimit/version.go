package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

// versionOptions holds the version command's dependencies and flags.
type versionOptions struct {
	IO     *IOStreams
	Build  BuildInfo
	Format *FormatFlag // text or json
}

// newVersionCmd returns the version command. runF, when not nil, replaces
// runVersion, so a test can check what the flags parse to.
func newVersionCmd(d *Deps, runF func(*versionOptions) error) *cobra.Command {
	opts := &versionOptions{
		IO:     d.IO,
		Build:  d.Build,
		Format: newFormatFlagOf("text", "text", FormatJSON),
	}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `Print hooklimit's version, the commit it was built from and when it was built.

A release binary carries all three. A binary built with go install shows the
module version, and one built from a Git checkout shows the commit.`,
		Example: `  hooklimit version
  hooklimit version --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runVersion(opts)
		},
	}
	registerFormatFlag(cmd, opts.Format)
	return cmd
}

// runVersion prints the build's description as one line of text or as JSON.
func runVersion(opts *versionOptions) error {
	if opts.Format.String() == FormatJSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(opts.Build)
	}
	_, err := fmt.Fprintln(opts.IO.Out, opts.Build.String())
	return err
}
