package main

import (
	"strings"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/spf13/cobra"
)

// completeList returns a flag completion function that offers names and
// never file names. A value that is a comma-separated list (such as
// --header-dialect workato,ietf) has its last item completed, the items
// before it kept.
func completeList(names func() []string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		head := toComplete[:strings.LastIndex(toComplete, ",")+1]
		var out []cobra.Completion
		for _, n := range names() {
			out = append(out, head+n)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// retryNames returns the names of the built-in retry policies.
func retryNames() []string {
	var names []string
	for _, p := range retry.Policies() {
		names = append(names, p.Name)
	}
	return names
}

// keySourceForms are the forms of serve's --key-from and --workspace, the
// ones ending in ":" to be followed by a number or a name.
var keySourceForms = []string{"path", "path:", "header:", "query:", "/hooks/{key}"}

// completeKeySource offers the forms of a key source; after one ending in
// ":" the shell adds no space, so the name can follow.
func completeKeySource(_ *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return keySourceForms, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// registerRunCompletions completes run's retry policies and senders.
func registerRunCompletions(cmd *cobra.Command) {
	_ = cmd.RegisterFlagCompletionFunc("retry", completeList(retryNames))
	_ = cmd.RegisterFlagCompletionFunc("compare-retry", completeList(retryNames))
	_ = cmd.RegisterFlagCompletionFunc("sender", completeList(senderNames))
	_ = cmd.RegisterFlagCompletionFunc("compare-sender", completeList(senderNames))
}

// registerServeCompletions completes serve's header dialects and key
// sources.
func registerServeCompletions(cmd *cobra.Command) {
	_ = cmd.RegisterFlagCompletionFunc("header-dialect", completeList(limitsim.DialectNames))
	_ = cmd.RegisterFlagCompletionFunc("key-from", completeKeySource)
	_ = cmd.RegisterFlagCompletionFunc("workspace", completeKeySource)
}
