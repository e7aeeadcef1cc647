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
}

// Keys makes the table and markdown forms show the worst n keys of each
// profile, or every key when n <= 0, instead of TableKeys.
func Keys(n int) Option {
	return func(o *options) { o.keys = n }
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
	return write(w, res, f, o)
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
