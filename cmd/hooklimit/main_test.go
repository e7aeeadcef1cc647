package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/golden"
	"github.com/hooklimit/hooklimit/internal/testmain"
	"github.com/hooklimit/hooklimit/internal/workdir"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"
)

// TestMain sets the version the linker would have set for a release, and
// gives the scripts the hooklimit binary that scriptMain builds. Four
// parallel tests run at once: hey's and wrk's wait on real time for
// seconds, all four of them together, and beside the scripts (TestScript
// is parallel too), whose work fills the time they wait.
func TestMain(m *testing.M) {
	version, commit, date = "1.2.3", "abc1234def5678abc1234def5678abc1234def56", "2026-11-25T10:00:00Z"
	scripts = &scriptMain{m: m}
	testmain.RunWaiting(scripts, 4)
}

// TestScript runs the command-line tests in testdata/script. A script runs
// hooklimit in one of two ways:
//
//	exec hooklimit [args...]
//	hooklimit [args...]
//
// exec starts the hooklimit binary the scripts were given, in a process of
// its own. The bare form runs the same commands in the test process,
// through the same Deps a process builds (the system clock and network,
// the script's environment and directory, empty standard input; see
// runInProcess): a start of the binary costs tens of milliseconds of CPU,
// most of a command that only parses its flags or reads a small file,
// and scripts run hundreds of them. Use exec for a command that does
// real work (the race detector, on in the test process, slows that work
// several times over: a simulation of thousands of events, a large file),
// reads standard input (the stdin command feeds only exec), runs in the
// background (&) or gets a signal, and for the few lines that check the
// binary itself; use the bare form for the rest. Besides the standard
// commands, a script can use
//
//	exitcode N [exec] hooklimit [args...]
//
// which runs hooklimit, in a process with exec, and checks that it exits
// with status N; its stdout and stderr are then checked as after exec
// (exitcode N exec CMD runs any other command CMD too); and
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
	t.Parallel()
	bin, err := scripts.binDir()
	if err != nil {
		t.Fatalf("the scripts' hooklimit: %v", err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"hooklimit": cmdHooklimit, "exitcode": cmdExitcode, "gentraffic": cmdGentraffic, "advised": cmdAdvised},
		Setup:         func(env *testscript.Env) error { return setupScript(env, bin) },
		UpdateScripts: golden.Update(),
	})
}

// setupScript prepares a script's environment: bin, the directory of the
// hooklimit that exec runs, first in $PATH, noRaceExitSleep, and
// $RESULTS.
func setupScript(env *testscript.Env, bin string) error {
	results, err := filepath.Abs(filepath.Join("testdata", "results"))
	if err != nil {
		return err
	}
	env.Setenv("RESULTS", results)
	env.Setenv("PATH", bin+string(filepath.ListSeparator)+env.Getenv("PATH"))
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
	if len(args) < 2 || args[1] != "hooklimit" && (args[1] != "exec" || len(args) < 3) {
		ts.Fatalf("usage: exitcode N [exec] hooklimit [args...], or exitcode N exec command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad status %q", args[0])
	}
	got, name := 0, args[1]
	if name == "hooklimit" {
		got = runInProcess(ts, args[2:])
	} else {
		name = args[2]
		if err := ts.Exec(name, args[3:]...); err != nil {
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				ts.Fatalf("exitcode: %v", err)
			}
			got = exit.ExitCode()
		}
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", name, got, want)
	}
}

// cmdHooklimit implements the bare hooklimit script command: hooklimit run
// in the test process (see TestScript). Like exec, it fails the script when
// hooklimit exits with a status other than 0, or with 0 after "!".
func cmdHooklimit(ts *testscript.TestScript, neg bool, args []string) {
	code := runInProcess(ts, args)
	switch {
	case neg && code == 0:
		ts.Fatalf("unexpected success")
	case !neg && code != 0:
		ts.Fatalf("hooklimit exited with status %d", code)
	}
}

// runInProcess runs hooklimit with args in the test process, as Execute
// runs it in its own: the Deps of newDeps, with the build of a release
// (TestMain's version, commit and date), the script's environment, its
// current directory as the working directory, and empty standard input.
// Standard output and error are the script's, for stdout, stderr and cmp.
// It returns the exit status. No signal reaches it: a command that must
// be interrupted runs with exec.
func runInProcess(ts *testscript.TestScript, args []string) int {
	bi, _ := debug.ReadBuildInfo()
	env := func(key string) (string, bool) {
		v := ts.Getenv(key)
		return v, v != ""
	}
	d := newDeps(resolveBuild(version, commit, date, bi), strings.NewReader(""), ts.Stdout(), ts.Stderr(), env, workdir.Dir(ts.MkAbs(".")))
	return execute(context.Background(), newRootCmd(d), d.IO.ErrOut, args)
}

// TestScriptsExecWhereNeeded: a script line that feeds standard input
// (stdin) or runs in the background (&) runs hooklimit with exec, since
// the bare, in-process hooklimit gets neither: the input would be left
// for the next exec.
func TestScriptsExecWhereNeeded(t *testing.T) {
	files, err := filepath.Glob("testdata/script/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	bare := regexp.MustCompile(`^(! )?(exitcode \d+ )?hooklimit\b`)
	for _, f := range files {
		a, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		stdin := false
		for i, line := range strings.Split(string(a.Comment), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if bare.MatchString(line) && (stdin || strings.HasSuffix(line, "&")) {
				t.Errorf("%s:%d: %q: run it with exec hooklimit (standard input or the background)", f, i+1, line)
			}
			stdin = strings.HasPrefix(line, "stdin ")
		}
	}
}
