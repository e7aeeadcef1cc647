package report_test

import (
	"io"

	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/render"
)

func init() {
	report.RenderForTest = func(w io.Writer, res report.Result, f report.Format) error {
		return render.Write(w, res, render.Format(f))
	}
}
