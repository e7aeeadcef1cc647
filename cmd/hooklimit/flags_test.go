package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestFlagsOneForm walks every flag of every command: a duration flag
// reads "1d" as plan files do (durationVar), a flag name has one kind of
// value everywhere (one value or several, int or int64, alike), and no
// short flag stands for two long names.
func TestFlagsOneForm(t *testing.T) {
	d, _, _ := newTestDeps()
	root := newRootCmd(d)
	types := map[string]string{}
	shorts := map[string]string{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			where := c.CommandPath() + " --" + f.Name
			if f.Value.Type() == "duration" {
				if _, ok := f.Value.(*durationValue); !ok {
					t.Errorf("%s: a duration flag not defined with durationVar: it does not read 1d", where)
				}
			}
			if f.Hidden {
				return
			}
			kind := strings.NewReplacer("Array", "", "Slice", "", "64", "").Replace(f.Value.Type())
			if prev, ok := types[f.Name]; ok && prev != kind {
				t.Errorf("%s: a %s here, a %s elsewhere", where, kind, prev)
			}
			types[f.Name] = kind
			if f.Shorthand != "" {
				if prev, ok := shorts[f.Shorthand]; ok && prev != f.Name {
					t.Errorf("%s: -%s is --%s elsewhere", where, f.Shorthand, prev)
				}
				shorts[f.Shorthand] = f.Name
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if shorts["o"] != "output" || shorts["q"] != "quiet" {
		t.Errorf("-o is --%s and -q --%s, want --output and --quiet", shorts["o"], shorts["q"])
	}
}
