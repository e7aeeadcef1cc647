package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"
)

// deprecatedAlias adds old to f as a second name of the flag name, hidden
// from --help: a value given to old goes to name's value, and the first
// use prints "hooklimit: flag --old is deprecated: use --name" on errOut,
// standard error, so the scripts written before the rename keep working
// and say what to change. (pflag's MarkDeprecated would print through
// cobra to standard output, into the results.)
func deprecatedAlias(f *pflag.FlagSet, name, old string, errOut io.Writer) {
	fl := f.Lookup(name)
	if fl == nil {
		panic("deprecatedAlias: no flag --" + name)
	}
	v := &aliasValue{Value: fl.Value, notice: func() {
		fmt.Fprintf(errOut, "hooklimit: flag --%s is deprecated: use --%s\n", old, name)
	}}
	f.AddFlag(&pflag.Flag{Name: old, Usage: fl.Usage, Value: v, DefValue: fl.DefValue, NoOptDefVal: fl.NoOptDefVal, Hidden: true})
}

// aliasValue is the value of a deprecated alias: the new flag's value,
// which prints a notice when first set.
type aliasValue struct {
	pflag.Value
	notice func()
	told   bool
}

// Set prints the notice, once, and sets the new flag's value.
func (v *aliasValue) Set(s string) error {
	if !v.told {
		v.told = true
		v.notice()
	}
	return v.Value.Set(s)
}
