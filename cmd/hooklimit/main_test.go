package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/golden"
	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain sets the version the linker would have set for a release, and
// gives the scripts a hooklimit: the one scriptMain builds, or else the
// test binary itself, which runs main when a script runs "hooklimit".
func TestMain(m *testing.M) {
	version, commit, date = "1.2.3", "abc1234def5678abc1234def5678abc1234def56", "2026-11-25T10:00:00Z"
	scripts = &scriptMain{m: m}
	testscript.Main(scripts, map[string]func(){"hooklimit": main})
}

// TestScript runs the command-line tests in testdata/script. Besides the
// standard commands, a script can use
//
//	exitcode N command [args...]
//
// which runs command and checks that it exits with status N; its stdout and
// stderr are then checked as after exec; and
//
//	gentraffic FILE N SPAN KEY[@WORKSPACE]...
//
// which writes N JSON lines of 100 bytes each, evenly spread over SPAN (a
// Go duration) from 2026-02-17 09:00:00 UTC, the keys taken in turn.
//
// $RESULTS is testdata/results: results files that serve, probe and run
// --target wrote once in real time, for the goldens of their rendering.
// With -update, the golden files compared by "cmp stdout FILE" are
// rewritten inside the scripts.
func TestScript(t *testing.T) {
	bin, err := scripts.binDir()
	if err != nil {
		t.Logf("scripts run the test binary as hooklimit: %v", err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"exitcode": cmdExitcode, "gentraffic": cmdGentraffic, "advised": cmdAdvised},
		Setup:               func(env *testscript.Env) error { return setupScript(env, bin) },
		UpdateScripts:       golden.Update(),
	})
}

// setupScript prepares a script's environment: bin, the directory of the
// hooklimit to run, first in $PATH unless it is "", noRaceExitSleep, and
// $RESULTS.
func setupScript(env *testscript.Env, bin string) error {
	results, err := filepath.Abs(filepath.Join("testdata", "results"))
	if err != nil {
		return err
	}
	env.Setenv("RESULTS", results)
	if bin != "" {
		env.Setenv("PATH", bin+string(filepath.ListSeparator)+env.Getenv("PATH"))
	}
	return noRaceExitSleep(env)
}

// noRaceExitSleep keeps a race-enabled hooklimit from sleeping a second
// as it exits (the race runtime's default atexit_sleep_ms=1000, which
// waits for reports from goroutines still running): scripts run hundreds
// of commands. Races are still reported.
func noRaceExitSleep(env *testscript.Env) error {
	g := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	env.Setenv("GORACE", g)
	return nil
}

// cmdGentraffic implements the gentraffic script command.
func cmdGentraffic(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 4 {
		ts.Fatalf("usage: gentraffic FILE N SPAN KEY[@WORKSPACE]...")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	span, err := time.ParseDuration(args[2])
	ts.Check(err)
	keys := args[3:]
	var b strings.Builder
	t0 := time.Date(2026, 2, 17, 9, 0, 0, 0, time.UTC).UnixNano()
	for i := range n {
		key, ws, _ := strings.Cut(keys[i%len(keys)], "@")
		fmt.Fprintf(&b, `{"time":%d,"key":%q,"size":100`, t0+int64(i)*int64(span)/int64(n), key)
		if ws != "" {
			fmt.Fprintf(&b, `,"workspace":%q`, ws)
		}
		b.WriteString("}\n")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o644))
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
