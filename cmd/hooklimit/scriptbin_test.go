package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// scriptMain wraps the tests' testing.M so that the scripts can run a
// hooklimit built the way the release is: go build, static, with the
// linker setting the release's version, commit and date, without the race
// detector, which slows every start and makes a heavy command several
// times slower (the commands the scripts run in process, and the
// package's Go tests, keep the race detector on the command code).
//
// The binary is built once, the first time a script needs it, into the
// user's cache directory (hooklimit-test/ and a hash of this checkout's
// path, so that two checkouts never share one), where go build finds it
// up to date and skips the link when nothing changed since the last run,
// as go run does with its own cache: the link is seconds of CPU, and
// every script waits for it. The scripts run a copy in a temporary
// directory, removed when the tests end (without a cache directory, the
// build goes there). Without the go command, or when the build fails,
// TestScript fails and says why.
type scriptMain struct {
	m *testing.M

	dir   string // a temporary directory, removed when the tests end
	cache string // where go build keeps hooklimit between runs; "" for none
	once  sync.Once
	built string // the directory holding hooklimit, "" when not built
	err   error
}

// Run runs the tests, removes the binary they ran and returns their
// status.
func (s *scriptMain) Run() int {
	if cache, err := os.UserCacheDir(); err == nil {
		if here, err := os.Getwd(); err == nil {
			s.cache = filepath.Join(cache, "hooklimit-test", fmt.Sprintf("%x", sha256.Sum256([]byte(here)))[:16])
		}
	}
	dir, err := os.MkdirTemp("", "hooklimit-script")
	if err != nil {
		s.err = err
		return s.m.Run()
	}
	s.dir = dir
	defer os.RemoveAll(dir)
	return s.m.Run()
}

// binDir returns the directory holding the built hooklimit, building it
// on first use, or why it could not be built.
func (s *scriptMain) binDir() (string, error) {
	s.once.Do(func() {
		if s.err != nil {
			return
		}
		goCmd, err := exec.LookPath("go")
		if err != nil {
			s.err = err
			return
		}
		out := filepath.Join(s.dir, "hooklimit")
		if s.cache != "" && os.MkdirAll(s.cache, 0o755) == nil {
			out = filepath.Join(s.cache, "hooklimit")
		}
		ldflags := "-X main.version=" + version + " -X main.commit=" + commit + " -X main.date=" + date
		cmd := exec.Command(goCmd, "build", "-buildvcs=false", "-ldflags", ldflags, "-o", out, ".")
		// Static, as the release is built (.goreleaser.yaml): it also
		// starts about 8 ms of CPU sooner than one linked to the C
		// library, and the scripts start it a few hundred times.
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			s.err = &buildError{err: err, out: b}
			return
		}
		// The scripts run a copy of their own: another run of the tests
		// in this checkout, on changed code, may build the cached one
		// again while they run.
		if out != filepath.Join(s.dir, "hooklimit") {
			if err := copyFile(out, filepath.Join(s.dir, "hooklimit")); err != nil {
				s.err = err
				return
			}
		}
		s.built = s.dir
	})
	return s.built, s.err
}

// copyFile copies the executable from to a new file to.
func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o755)
}

// buildError is a failed go build with its output.
type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + string(e.out) }

// scripts is the tests' scriptMain, set by TestMain.
var scripts *scriptMain
