package main

import (
	"slices"
	"strconv"
	"strings"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/spf13/cobra"
)

// completionOptions holds the completion command's dependencies and flags.
type completionOptions struct {
	IO             *IOStreams
	Root           *cobra.Command // the command tree to complete
	Shell          string
	NoDescriptions bool
}

// completionShells are the shells completion can generate a script for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// completionArgs accepts exactly one of completionShells, and otherwise
// names the shells there are.
func completionArgs(_ *cobra.Command, args []string) error {
	if len(args) == 1 && slices.Contains(completionShells, args[0]) {
		return nil
	}
	want := strings.Join(completionShells, ", ")
	if len(args) == 0 {
		return exitcode.Usagef("argument SHELL: missing (want one of %s)", want)
	}
	return exitcode.Usagef("argument SHELL: unknown shell %s (want one of %s)", strconv.Quote(strings.Join(args, " ")), want)
}

// newCompletionCmd returns the completion command, which prints a shell's
// completion script using cobra's generators.
func newCompletionCmd(d *Deps) *cobra.Command {
	opts := &completionOptions{IO: d.IO}
	cmd := &cobra.Command{
		Use:   "completion {bash|zsh|fish|powershell}",
		Short: "Print the shell completion script for bash, zsh, fish or PowerShell",
		Long: `Print a script that makes the shell complete hooklimit's commands, flags and
flag values. Install it once, then start a new shell.

Bash (needs the bash-completion package):

  # this shell only
  source <(hooklimit completion bash)
  # every new shell, Linux
  hooklimit completion bash > /etc/bash_completion.d/hooklimit
  # every new shell, macOS with Homebrew
  hooklimit completion bash > $(brew --prefix)/etc/bash_completion.d/hooklimit

Zsh (completion must be on: add "autoload -U compinit; compinit" to ~/.zshrc):

  # this shell only
  source <(hooklimit completion zsh)
  # every new shell, Linux
  hooklimit completion zsh > "${fpath[1]}/_hooklimit"
  # every new shell, macOS with Homebrew
  hooklimit completion zsh > $(brew --prefix)/share/zsh/site-functions/_hooklimit

Fish:

  # this shell only
  hooklimit completion fish | source
  # every new shell
  hooklimit completion fish > ~/.config/fish/completions/hooklimit.fish

PowerShell:

  # this shell only
  hooklimit completion powershell | Out-String | Invoke-Expression
  # every new shell: add the line above to your profile ($PROFILE)`,
		Args:                  completionArgs,
		ValidArgs:             completionShells,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Root = cmd.Root()
			opts.Shell = args[0]
			return runCompletion(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NoDescriptions, "no-descriptions", false, "leave out the descriptions of commands and flags")
	return cmd
}

// runCompletion writes the completion script for opts.Shell.
func runCompletion(opts *completionOptions) error {
	out, root, desc := opts.IO.Out, opts.Root, !opts.NoDescriptions
	switch opts.Shell {
	case "bash":
		return root.GenBashCompletionV2(out, desc)
	case "zsh":
		if desc {
			return root.GenZshCompletion(out)
		}
		return root.GenZshCompletionNoDesc(out)
	case "fish":
		return root.GenFishCompletion(out, desc)
	case "powershell":
		if desc {
			return root.GenPowerShellCompletionWithDesc(out)
		}
		return root.GenPowerShellCompletion(out)
	}
	return exitcode.Usagef("completion: unsupported shell %q (want bash, zsh, fish or powershell)", opts.Shell)
}
