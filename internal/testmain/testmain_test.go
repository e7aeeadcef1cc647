package testmain

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	if os.Getenv("TESTMAIN_WAITING") != "" {
		RunWaiting(printParallel{}, 8)
	}
	if code := os.Getenv("TESTMAIN_EXIT"); code != "" {
		n, _ := strconv.Atoi(code)
		Exit(n)
	}
	Run(m)
}

// printParallel is a Runner that prints -test.parallel.
type printParallel struct{}

func (printParallel) Run() int {
	fmt.Print(flag.Lookup("test.parallel").Value.String())
	return 0
}

// TestRunWaiting: RunWaiting lets 8 parallel tests run at once, unless
// the command line says how many.
func TestRunWaiting(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{{nil, "8"}, {[]string{"-test.parallel=3"}, "3"}} {
		cmd := exec.Command(os.Args[0], tc.args...)
		cmd.Env = append(os.Environ(), "TESTMAIN_WAITING=1")
		out, err := cmd.Output()
		if err != nil || string(out) != tc.want {
			t.Errorf("%v: -test.parallel %q (%v), want %s", tc.args, out, err, tc.want)
		}
	}
}

// TestExitStatus runs this test binary again with TESTMAIN_EXIT set: it
// must exit with that status, 0 or not, race detector or not.
func TestExitStatus(t *testing.T) {
	for _, want := range []int{0, 1, 3} {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "TESTMAIN_EXIT="+strconv.Itoa(want))
		err := cmd.Run()
		got := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			got = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("Exit(%d): status %d", want, got)
		}
	}
}

// TestEveryPackageUsesIt: every package of the module with tests ends
// its test binary through this package, so that none pays the race
// detector's second again (a new package's tests would).
func TestEveryPackageUsesIt(t *testing.T) {
	root := filepath.Join("..", "..")
	withTests := map[string]bool{} // directory -> uses testmain
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir := filepath.Dir(path)
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		withTests[dir] = withTests[dir] || strings.Contains(string(src), "testmain.Run(") || strings.Contains(string(src), "testmain.RunWaiting(") || strings.Contains(string(src), "testmain.Exit(")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(withTests) < 10 {
		t.Fatalf("found %d packages with tests under %s: not the module", len(withTests), root)
	}
	for dir, uses := range withTests {
		if !uses && filepath.Base(dir) != "testmain" {
			t.Errorf("%s: its tests do not end through internal/testmain: add func TestMain(m *testing.M) { testmain.Run(m) }", dir)
		}
	}
}
