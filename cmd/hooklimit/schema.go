package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/schema"
)

func newSchemaCmd(d *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "schema [KIND]",
		Short: "Print the JSON Schema of a kind of result",
		Long: `Print the JSON Schema (draft 2020-12) of the results of one kind: what
--format json prints and what the result line of a results file holds.
Without KIND, list the kinds. Every result carries "schema_version"
(` + report.CurrentSchemaVersion + ` here); the schemas are strict, and a field is present
or absent, never null.`,
		Example: `  hooklimit schema
  hooklimit schema check > check.schema.json`,
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: schema.Kinds,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				for _, k := range schema.Kinds {
					fmt.Fprintln(d.IO.Out, k)
				}
				return nil
			}
			b, err := schema.Get(args[0])
			if err != nil {
				return &exitcode.InputError{File: "argument KIND", Msg: err.Error()}
			}
			_, err = d.IO.Out.Write(b)
			return err
		},
	}
}
