package render

import (
	"io"

	"github.com/hooklimit/hooklimit/report"
)

// HTML is the format of a self-contained HTML report with charts, which
// only a report.Report (results read back from files) has.
const HTML Format = "html"

// writeReport writes the report in format f: HTML (see writeHTML); any
// other format as the result alone is written.
func writeReport(r *report.Report, w io.Writer, f Format, o options) error {
	if f == HTML {
		return writeHTML(r, w)
	}
	return write(w, r.Result, f, o)
}
