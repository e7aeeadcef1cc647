package main

import (
	"io"

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

// isTerminal reports whether w is a file descriptor connected to a terminal.
func isTerminal(w any) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
