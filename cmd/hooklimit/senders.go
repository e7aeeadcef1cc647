package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/senders"
)

func newSendersCmd(d *Deps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "senders",
		Short: "List the sender models of real webhook senders, for run --sender",
		Long: `List the sender presets 'hooklimit run --sender NAME' takes: each is a
real sender's retry policy, delivery discipline and Retry-After quirks, with
the numbers its vendor documents. 'hooklimit senders show NAME' quotes the
source and says what the model assumes where the vendor is silent.

A sender spec, as --sender also takes, is:

` + probe.SenderSyntax,
		Example: `  hooklimit senders
  hooklimit senders show autotask
  hooklimit run --sender autotask
  hooklimit run --sender ordered,pause-on-429,pace=1000/1m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return listSenders(d.IO.Out)
		},
	}
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a sender preset: its model, its source quoted, and what it assumes",
		Args:  cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return senderNames(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			p, ok := senders.Lookup(strings.ToLower(args[0]))
			if !ok {
				return &exitcode.InputError{File: "argument NAME", Msg: fmt.Sprintf("unknown sender %q; want one of %s", args[0], strings.Join(senderNames(), ", "))}
			}
			return showSender(d.IO.Out, &p)
		},
	}
	cmd.AddCommand(show)
	return cmd
}

func senderNames() []string {
	var names []string
	for _, p := range senders.Presets() {
		names = append(names, p.Name)
	}
	return names
}

// listSenders writes one line per preset.
func listSenders(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SENDER\tVENDOR\tDISCIPLINE AND QUIRKS\tRETRY")
	for _, p := range senders.Presets() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Name, p.Vendor, p.Sender, p.Retry)
	}
	return tw.Flush()
}

// showSender writes one preset in full.
func showSender(w io.Writer, p *senders.Preset) error {
	_, err := fmt.Fprintf(w, "%s: %s\n\n  discipline and quirks  %s\n  retry policy           %s\n\nSource: %s\n  %s\n\nAssumed where the vendor is silent: %s\n",
		p.Name, p.Vendor, p.Sender, p.Retry, p.Source, p.Quote, p.Assumed)
	return err
}
