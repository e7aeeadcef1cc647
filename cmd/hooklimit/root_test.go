package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/spf13/cobra"
)

// testRoot returns the root command with an extra command "probe-test"
// whose run function returns runErr, and that has a required flag --url
// and takes at most one argument.
func testRoot(runErr error) (root *cobra.Command, d *Deps) {
	d, _, _ = newTestDeps()
	root = newRootCmd(d)
	cmd := &cobra.Command{
		Use:  "probe-test [NAME]",
		Args: cobra.MaximumNArgs(1),
		RunE: func(*cobra.Command, []string) error { return runErr },
	}
	cmd.Flags().String("url", "", "target")
	_ = cmd.MarkFlagRequired("url")
	cmd.Flags().Bool("a", false, "")
	cmd.Flags().Bool("b", false, "")
	cmd.MarkFlagsMutuallyExclusive("a", "b")
	root.AddCommand(cmd)
	return root, d
}

func TestExecuteExitCodes(t *testing.T) {
	const usageHint = "\nRun 'hooklimit probe-test --help' for usage.\n"
	tests := []struct {
		name       string
		args       []string
		runErr     error
		wantCode   int
		wantStderr string // exact
	}{
		{"success", []string{"probe-test", "--url", "x"}, nil, 0, ""},
		{"failed verdict, already reported", []string{"probe-test", "--url", "x"}, exitcode.New(exitcode.Fail, nil), 1, ""},
		{"failed verdict with a message", []string{"probe-test", "--url", "x"},
			exitcode.New(exitcode.Fail, errors.New("2 thresholds breached")), 1, "hooklimit: 2 thresholds breached\n"},
		{"input error: no usage hint", []string{"probe-test", "--url", "x"},
			&exitcode.InputError{File: "plan.yaml", Line: 3, Field: "rate", Msg: "must be positive"}, 2,
			"hooklimit: plan.yaml:3: rate: must be positive\n"},
		{"plain error from a run is a runtime error", []string{"probe-test", "--url", "x"},
			errors.New("dial tcp: connection refused"), 3, "hooklimit: dial tcp: connection refused\n"},
		{"wrapped coded error keeps its code", []string{"probe-test", "--url", "x"},
			fmt.Errorf("probe: %w", exitcode.Usagef("bad header")), 2, "hooklimit: probe: bad header\n"},
		{"input error quoting a key: control characters escaped", []string{"probe-test", "--url", "x"},
			&exitcode.InputError{File: "t\x1b]0;x\x07.jsonl", Line: 2, Field: "key", Msg: "unknown key \x1b[2J\x1b[32mPASS\r\nok\u202e"}, 2,
			`hooklimit: t\x1b]0;x\a.jsonl:2: key: unknown key \x1b[2J\x1b[32mPASS\r` + "\n" + `ok\u202e` + "\n"},
		{"a message of several lines keeps them, and escapes the rest", []string{"probe-test", "--url", "x"},
			errors.Join(errors.New("close a\x00: broken"), errors.New("close b:\tgone\r\n")), 3,
			"hooklimit: close a\\x00: broken\nclose b:\tgone\\r\n"},
		{"missing required flag", []string{"probe-test"}, nil, 2,
			`hooklimit: required flag(s) "url" not set` + usageHint},
		{"mutually exclusive flags", []string{"probe-test", "--url", "x", "--a", "--b"}, nil, 2,
			"hooklimit: if any flags in the group [a b] are set none of the others can be; [a b] were all set" + usageHint},
		{"too many arguments", []string{"probe-test", "--url", "x", "one", "two"}, nil, 2,
			"hooklimit: accepts at most 1 arg(s), received 2" + usageHint},
		{"unknown flag", []string{"probe-test", "--urk", "x"}, nil, 2,
			"hooklimit: unknown flag: --urk" + usageHint},
		{"bad flag value", []string{"version", "--format", "xml"}, nil, 2,
			"hooklimit: invalid argument \"xml\" for \"--format\" flag: must be one of text, json\nRun 'hooklimit version --help' for usage.\n"},
		{"unknown command", []string{"frobnicate"}, nil, 2,
			"hooklimit: unknown command \"frobnicate\" for \"hooklimit\"\nRun 'hooklimit --help' for usage.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, d := testRoot(tt.runErr)
			code := execute(context.Background(), root, d.IO.ErrOut, tt.args)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			if got := errOut(d); got != tt.wantStderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tt.wantStderr)
			}
		})
	}
}

func TestExecuteInterrupted(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		runErr     error
		wantCode   int
		wantStderr string
	}{
		{"cancelled run", []string{"probe-test", "--url", "x"}, context.Canceled, 130, "hooklimit: interrupted\n"},
		{"run that stopped cleanly", []string{"probe-test", "--url", "x"}, nil, 130, "hooklimit: interrupted\n"},
		{"run with its own message", []string{"probe-test", "--url", "x"},
			fmt.Errorf("partial results written to out.jsonl: %w", context.Canceled), 130,
			"hooklimit: partial results written to out.jsonl: context canceled\n"},
		{"usage error wins", []string{"probe-test"}, nil, 2,
			"hooklimit: required flag(s) \"url\" not set\nRun 'hooklimit probe-test --help' for usage.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			root, d := testRoot(tt.runErr)
			if code := execute(ctx, root, d.IO.ErrOut, tt.args); code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			if got := errOut(d); got != tt.wantStderr {
				t.Errorf("stderr %q, want %q", got, tt.wantStderr)
			}
		})
	}
}

// TestExecuteGivesCommandsTheContext checks that a command sees the context
// execute was given.
func TestExecuteGivesCommandsTheContext(t *testing.T) {
	type key struct{}
	d, _, _ := newTestDeps()
	root := newRootCmd(d)
	var got any
	root.AddCommand(&cobra.Command{Use: "ctx", RunE: func(cmd *cobra.Command, _ []string) error {
		got = cmd.Context().Value(key{})
		return nil
	}})
	ctx := context.WithValue(context.Background(), key{}, "here")
	if code := execute(ctx, root, d.IO.ErrOut, []string{"ctx"}); code != 0 || got != "here" {
		t.Errorf("code %d, context value %v; want 0, here", code, got)
	}
}

// errOut returns what was written to the test streams' standard error.
func errOut(d *Deps) string {
	return d.IO.ErrOut.(fmt.Stringer).String()
}

func TestUsageError(t *testing.T) {
	if code := exitcode.Of(usageError(errors.New("x"))); code != exitcode.Usage {
		t.Errorf("plain error: code %d, want 2", code)
	}
	if code := exitcode.Of(usageError(exitcode.Runtimef("x"))); code != exitcode.Runtime {
		t.Errorf("runtime error: code %d, want 3", code)
	}
	in := &exitcode.InputError{File: "f", Msg: "m"}
	if err := usageError(in); err != in {
		t.Errorf("input error rewrapped: %v", err)
	}
	if !strings.Contains(usageError(errors.New("boom")).Error(), "boom") {
		t.Error("usage error lost the message")
	}
}
