package main

import (
	"bytes"
	"io"
	"net"
	"os"
	"time"
)

// newTestIOStreams returns streams backed by buffers, which are not
// terminals, and the buffers. Set IsTerminal to get a command's terminal
// output.
func newTestIOStreams() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = new(bytes.Buffer), new(bytes.Buffer), new(bytes.Buffer)
	return NewIOStreams(in, out, errOut), in, out, errOut
}

// testNow is the fixed time tests give commands as their clock.
var testNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// newTestDeps returns Deps with test streams, a release build description,
// a clock stopped at testNow, an empty environment, results files created
// on disk and listeners on real sockets, and the output buffers.
func newTestDeps() (d *Deps, out, errOut *bytes.Buffer) {
	ios, _, out, errOut := newTestIOStreams()
	d = &Deps{
		IO: ios,
		Build: BuildInfo{
			Version:   "1.2.3",
			Commit:    "abc1234def5678abc1234def5678abc1234def56",
			Date:      "2026-11-25T10:00:00Z",
			GoVersion: "go1.26.0",
			Platform:  "linux/amd64",
		},
		Now:       func() time.Time { return testNow },
		LookupEnv: func(string) (string, bool) { return "", false },
		Create:    func(name string) (io.WriteCloser, error) { return os.Create(name) },
		Listen:    net.Listen,
	}
	return d, out, errOut
}
