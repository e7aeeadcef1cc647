package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// The output formats every command that renders results accepts.
const (
	FormatTable    = "table"
	FormatMarkdown = "markdown"
	FormatJSON     = "json"
)

// FormatFlag is the value of a --format flag. It implements pflag.Value: a
// value that is not one of the allowed formats is rejected while the flags
// are parsed, with an error that names the flag and lists the choices, and
// the command exits with code 2. Values are case-insensitive and stored in
// lower case.
//
// Most commands take the standard formats plus any extras of their own:
//
//	opts.Format = addFormatFlag(cmd, FormatTable, "junit", "html")
//	...
//	switch opts.Format.String() { case FormatJSON: ... }
type FormatFlag struct {
	value   string
	allowed []string
}

// NewFormatFlag returns a FormatFlag that allows table, markdown and json,
// followed by extra, and starts at def.
func NewFormatFlag(def string, extra ...string) *FormatFlag {
	return newFormatFlagOf(def, append([]string{FormatTable, FormatMarkdown, FormatJSON}, extra...)...)
}

// newFormatFlagOf returns a FormatFlag that allows exactly the formats in
// allowed, for a command (such as version) whose output is not a table.
func newFormatFlagOf(def string, allowed ...string) *FormatFlag {
	if !slices.Contains(allowed, def) {
		panic(fmt.Sprintf("format flag: default %q is not one of %s", def, strings.Join(allowed, ", ")))
	}
	return &FormatFlag{value: def, allowed: allowed}
}

// String returns the chosen format.
func (f *FormatFlag) String() string { return f.value }

// Set chooses the format s, or returns an error listing the allowed formats.
func (f *FormatFlag) Set(s string) error {
	v := strings.ToLower(strings.TrimSpace(s))
	if !slices.Contains(f.allowed, v) {
		return fmt.Errorf("must be one of %s", strings.Join(f.allowed, ", "))
	}
	f.value = v
	return nil
}

// Type returns the name shown for the flag's value in help.
func (f *FormatFlag) Type() string { return "format" }

// Allowed returns the formats the flag accepts, in the order they were given.
func (f *FormatFlag) Allowed() []string { return slices.Clone(f.allowed) }

// addFormatFlag adds a --format flag with the standard formats and extra to
// cmd, with shell completion of the choices, and returns its value.
func addFormatFlag(cmd *cobra.Command, def string, extra ...string) *FormatFlag {
	f := NewFormatFlag(def, extra...)
	registerFormatFlag(cmd, f)
	return f
}

// registerFormatFlag adds f to cmd as --format and completes its choices,
// and adds -o/--output FILE for what the format renders.
func registerFormatFlag(cmd *cobra.Command, f *FormatFlag) {
	addOutputFlag(cmd)
	cmd.Flags().Var(f, "format", "output format: "+strings.Join(f.allowed, ", "))
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return f.Allowed(), cobra.ShellCompDirectiveNoFileComp
	})
}
