// Command hooklimit load-tests and checks webhook rate limits.
//
// main ends the process: it hands the arguments and the standard streams
// to Execute and exits with the code Execute returns. (A second Ctrl-C is
// the exception: Execute then closes the results files and exits 130.)
package main

import "os"

// The build's version, commit and date, set by the linker:
//
//	go build -ldflags "-X main.version=1.2.3 -X main.commit=abc1234 -X main.date=2026-11-25T10:00:00Z"
//
// When they are left unset, the version command reads them from the build
// information the go command records (see resolveBuild).
var (
	version = "dev"
	commit  = ""
	date    = ""
)

func main() {
	os.Exit(Execute(version, commit, date, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
