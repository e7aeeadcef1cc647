package main

import (
	"errors"
	"os/exec"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary stand in for hooklimit in the scripts: when
// a script runs "hooklimit", testscript runs main, with the version the
// linker would have set for a release.
func TestMain(m *testing.M) {
	version, commit, date = "1.2.3", "abc1234def5678abc1234def5678abc1234def56", "2026-11-25T10:00:00Z"
	testscript.Main(m, map[string]func(){"hooklimit": main})
}

// TestScript runs the command-line tests in testdata/script. Besides the
// standard commands, a script can use
//
//	exitcode N command [args...]
//
// which runs command and checks that it exits with status N; its stdout and
// stderr are then checked as after exec.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"exitcode": cmdExitcode},
	})
}

// cmdExitcode implements the exitcode script command.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad status %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = exit.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
