package main

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func TestDurationFlag(t *testing.T) {
	tests := []struct {
		arg  string
		want time.Duration
		err  bool
	}{
		{"90s", 90 * time.Second, false},
		{"1m30s", 90 * time.Second, false},
		{"1d", 24 * time.Hour, false},
		{"250ms", 250 * time.Millisecond, false},
		{"0", 0, false},
		{"60", 0, true}, // seconds or minutes?
		{"1x", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		var d time.Duration
		f := pflag.NewFlagSet("t", pflag.ContinueOnError)
		durationVar(f, &d, "wait", time.Minute, "")
		err := f.Parse([]string{"--wait=" + tt.arg})
		if (err != nil) != tt.err {
			t.Errorf("--wait=%s: error %v, want error %v", tt.arg, err, tt.err)
		}
		if err == nil && d != tt.want {
			t.Errorf("--wait=%s: %v, want %v", tt.arg, d, tt.want)
		}
	}
	for d, want := range map[time.Duration]string{0: "0", time.Minute: "1m", 5 * time.Minute: "5m", 10 * time.Second: "10s", 90 * time.Second: "90s", time.Millisecond: "1ms", 24 * time.Hour: "1d"} {
		v := durationValue(d)
		if got := v.String(); got != want {
			t.Errorf("String(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestHelpDefaultsAsTyped: no command's --help prints a default in Go's
// form ("1m0s", "1h0m0s", "5m0s"), and every duration flag shows its
// default as typed ("1m").
func TestHelpDefaultsAsTyped(t *testing.T) {
	goForm := regexp.MustCompile(`\(default [^)]*[0-9]+[hm]0s`)
	d, out, errOut := newTestDeps()
	var walk func(c *cobra.Command)
	var cmds []string
	walk = func(c *cobra.Command) {
		cmds = append(cmds, c.CommandPath())
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(newRootCmd(d))
	for _, path := range cmds {
		out.Reset()
		args := append(regexp.MustCompile(`\s+`).Split(path, -1)[1:], "--help")
		if code := execute(context.Background(), newRootCmd(d), errOut, args); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if m := goForm.FindString(out.String()); m != "" {
			t.Errorf("%s --help: %q", path, m)
		}
	}
	out.Reset()
	if code := execute(context.Background(), newRootCmd(d), errOut, []string{"run", "--help"}); code != 0 {
		t.Fatal(errOut)
	}
	if !regexp.MustCompile(`--drain duration +.*\(default 1m\)`).MatchString(out.String()) {
		t.Errorf("run --help: --drain's default is not 1m:\n%s", out)
	}
}
