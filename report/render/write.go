package render

import (
	"fmt"
	"io"

	"github.com/hooklimit/hooklimit/report"
)

// TableKeys is how many keys per profile the table and markdown forms show
// by default, worst first; the JSON and JUnit forms show every key.
const TableKeys = 10

// Option changes how Write writes a result.
type Option func(*options)

type options struct {
	keys      int  // see Keys
	allAdvice bool // see AllAdvice
	width     int  // see Width
}

// Keys makes the table and markdown forms show the worst n keys of each
// profile, or every key when n <= 0, instead of TableKeys.
func Keys(n int) Option {
	return func(o *options) { o.keys = n }
}

// Width makes the table form fit n columns (a terminal's width): a table
// wider than that is written as blocks of "header: value" lines, one
// block a row, and a longer line is wrapped at a space. 0, the default,
// is no limit. The markdown, JSON and JUnit forms keep their full form.
func Width(n int) Option {
	return func(o *options) { o.width = n }
}

// Write writes res to w in format f. Each kind has the formats it can be
// written in: a check, a run, a comparison of retry policies, a serve
// session and a probe every format but HTML; a report.Report (results read
// back from files) every format, HTML included. An empty format is Table.
// A format the kind has not is an error.
func Write(w io.Writer, res report.Result, f Format, opts ...Option) error {
	o := options{keys: TableKeys}
	for _, opt := range opts {
		opt(&o)
	}
	return fitted(w, f, opts, func(w io.Writer) error { return write(w, res, f, o) })
}

// fitted calls write with w fitted to the width opts give (see Width) in
// the table form, and with w itself in the others.
func fitted(w io.Writer, f Format, opts []Option, write func(io.Writer) error) error {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if f != Table && f != "" {
		return write(w)
	}
	fw, flush := newFitWriter(w, o.width)
	if err := write(fw); err != nil {
		return err
	}
	return flush()
}

// write writes res in format f, with at most keys keys per profile in the
// table and markdown forms.
func write(w io.Writer, res report.Result, f Format, o options) error {
	keys := o.keys
	switch r := res.(type) {
	case *report.CheckResult:
		return writeCheck(r, w, f, keys)
	case *report.RunResult:
		return writeRun(r, w, f, o)
	case *report.CompareResult:
		return writeCompare(r, w, f)
	case *report.ServeResult:
		return writeServe(r, w, f, keys)
	case *report.ProbeResult:
		return writeProbe(r, w, f)
	case *report.Report:
		return writeReport(r, w, f, o)
	}
	return fmt.Errorf("render: cannot write a %T", res)
}
