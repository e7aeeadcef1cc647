package main

import (
	"time"

	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/spf13/pflag"
)

// durationValue is the value of a duration flag. It reads what a plan file
// and a rate read (units.ParseDuration: "90s", "1m30s", "1d") and writes
// a value, its default in --help included, the way a user types it: "1m",
// "5m", "10s", not Go's "1m0s".
type durationValue time.Duration

// durationVar defines a duration flag name on f with default def, stored
// in p: pflag's DurationVar, with durationValue's forms.
func durationVar(f *pflag.FlagSet, p *time.Duration, name string, def time.Duration, usage string) {
	*p = def
	f.Var((*durationValue)(p), name, usage)
}

// Set parses s as units.ParseDuration does.
func (d *durationValue) Set(s string) error {
	v, err := units.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = durationValue(v)
	return nil
}

// Type names the value in --help.
func (d *durationValue) Type() string { return "duration" }

// String writes the value as units.FormatDuration does, and 0 as "0",
// which --help leaves out as the zero value.
func (d *durationValue) String() string {
	if *d == 0 {
		return "0"
	}
	return units.FormatDuration(time.Duration(*d))
}
