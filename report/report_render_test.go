package report

import "io"

// Format names the form a test asks a result to be written in. Package
// render writes results, and it imports report, so the tests of report
// reach it through RenderForTest, which render_hook_test.go (an external
// test of report, free to import render) sets before any test runs.
type Format string

// The formats of package render, as the tests name them.
const (
	Table    Format = "table"
	Markdown Format = "markdown"
	JSON     Format = "json"
	JUnit    Format = "junit"
	HTML     Format = "html"
)

// RenderForTest writes res in format f with render.Write.
var RenderForTest func(w io.Writer, res Result, f Format) error
