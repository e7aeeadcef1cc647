package main

import (
	"io"
	"strconv"
	"strings"

	"github.com/hooklimit/hooklimit/internal/workdir"
	"github.com/hooklimit/hooklimit/report/results"
	"golang.org/x/term"
)

// IOStreams holds the streams a command reads and writes, and whether they
// are terminals. Commands never use os.Stdin, os.Stdout or os.Stderr
// directly: they take an *IOStreams, so a test can hand them buffers and
// choose either form of output by setting IsTerminal.
//
// Render human output (tables, colour) when IsTerminal is true and plain,
// machine-readable output otherwise. Progress bars go to ErrOut, and only
// when ErrIsTerminal is true.
type IOStreams struct {
	In     io.Reader // standard input
	Out    io.Writer // standard output: results
	ErrOut io.Writer // standard error: errors, warnings, progress

	IsTerminal    bool // Out is a terminal
	ErrIsTerminal bool // ErrOut is a terminal
	InIsTerminal  bool // In is a terminal: a question can be asked on it
	// ErrNoCursor says ErrOut is a terminal that must get no cursor
	// escapes (TERM=dumb, or CI set): progress is then plain lines.
	ErrNoCursor bool
	// Width is how many columns the tables written to Out may take (see
	// outWidth); 0 is no limit.
	Width int
	// Dir is the working directory the file names a command is given are
	// found from: the zero Dir, the process's, in Execute; a test that
	// runs a command in process gives the directory it would have been
	// started in. Every file a command reads by name is opened through
	// it, and Deps.Create finds the files it writes from it too.
	Dir workdir.Dir

	// results are the results files being written, closed by a second
	// Ctrl-C (see watchSignals).
	results openFiles
}

// resultsFile returns a LineWriter on f, which a second Ctrl-C closes,
// and the function that unregisters it once the command is done with it.
func (s *IOStreams) resultsFile(f io.Writer) (*results.LineWriter, func()) {
	lw := results.NewLineWriter(f)
	return lw, s.results.add(lw)
}

// NewIOStreams returns the streams in, out and errOut, and detects whether
// each is a terminal. A writer that is not an *os.File (or
// anything else with an Fd method) is never a terminal.
func NewIOStreams(in io.Reader, out, errOut io.Writer) *IOStreams {
	return &IOStreams{
		In:            in,
		Out:           out,
		ErrOut:        errOut,
		IsTerminal:    isTerminal(out),
		ErrIsTerminal: isTerminal(errOut),
		InIsTerminal:  isTerminal(in),
	}
}

// outWidth returns how many columns the tables written to out may take:
// COLUMNS when it is a positive number, else the terminal's width when
// out is a terminal, else 0, no limit: output into a pipe or a file keeps
// its full, wide form, as gh's does.
func outWidth(out any, lookupEnv func(string) (string, bool)) int {
	if v, ok := lookupEnv("COLUMNS"); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
			return n
		}
	}
	f, ok := out.(interface{ Fd() uintptr })
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
		return w
	}
	return 80
}

// isTerminal reports whether w is a file descriptor connected to a terminal.
func isTerminal(w any) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
