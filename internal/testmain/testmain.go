// Package testmain ends a package's test binary the way os.Exit would,
// less the race detector's wait at exit.
//
// A binary built with -race that exits with status 0 while goroutines
// other than main are alive (the runtime's own always are) sleeps for
// GORACE's atexit_sleep_ms, one second by default, so that a report of a
// race in one of those goroutines can still be printed. go test -race
// ./... pays that second once per package. A test binary does not need
// it: testing.M.Run fails the run when the race detector reported
// anything while it ran, so the status it returns already counts every
// race found during the tests.
//
// A package's tests use it from their TestMain:
//
//	func TestMain(m *testing.M) { testmain.Run(m) }
package testmain

import (
	"flag"
	"os"
	"strconv"
	"syscall"
	"testing"
)

// Runner is what Run runs: a *testing.M, or a wrapper of one.
type Runner interface {
	Run() int
}

// Run runs the tests and exits with their status.
func Run(m Runner) {
	Exit(m.Run())
}

// RunWaiting is Run for a package whose parallel tests mostly wait on
// real time (a peer such as nginx, a browser): it lets n of them run at
// once, where go test lets as many as the processors (two, on a small
// machine), unless the command line sets -test.parallel itself.
func RunWaiting(m Runner, n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", strconv.Itoa(n))
	}
	Run(m)
}

// Exit exits with code, as os.Exit does, except that a race-enabled
// binary exiting with status 0 does so at once, without the race
// detector's wait for reports from goroutines still running. With
// -cover it is os.Exit, so that nothing written at exit is skipped.
func Exit(code int) {
	if raceEnabled && code == 0 && testing.CoverMode() == "" {
		syscall.Exit(0)
	}
	os.Exit(code)
}
