package main

import "github.com/spf13/pflag"

// deprecatedAlias adds old to f as a second name of the flag name, hidden
// from --help: a value given to old goes to name's value, and pflag prints
// "Flag --old has been deprecated, use --name instead" on standard error,
// so the scripts written before the rename keep working.
func deprecatedAlias(f *pflag.FlagSet, name, old string) {
	fl := f.Lookup(name)
	if fl == nil {
		panic("deprecatedAlias: no flag --" + name)
	}
	f.AddFlag(&pflag.Flag{Name: old, Usage: fl.Usage, Value: fl.Value, DefValue: fl.DefValue, NoOptDefVal: fl.NoOptDefVal})
	_ = f.MarkDeprecated(old, "use --"+name+" instead")
}

// changed reports whether the flag name, or its deprecated alias old, was
// given.
func changed(f *pflag.FlagSet, name, old string) bool {
	return f.Changed(name) || f.Changed(old)
}
