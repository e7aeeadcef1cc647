package testmain

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"
)

func TestMain(m *testing.M) {
	if code := os.Getenv("TESTMAIN_EXIT"); code != "" {
		n, _ := strconv.Atoi(code)
		Exit(n)
	}
	Run(m)
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
