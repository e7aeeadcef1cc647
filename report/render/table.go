package render

import (
	"bytes"
	"io"

	"github.com/hooklimit/hooklimit/internal/termtext"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Format is how a report is written.
type Format string

// The output formats.
const (
	Table    Format = "table"
	Markdown Format = "markdown"
	JSON     Format = "json"
	JUnit    Format = "junit"
)

// textTable returns a table writing to w in the given format: plain ASCII
// box drawing for Table (stable across terminals and in golden files), a
// GitHub-flavoured markdown table for Markdown. Headers are printed as
// given, not upper-cased. Every cell is passed through termtext.Escape, so
// a key from a URL path or a traffic file cannot clear the screen, colour
// a fake verdict or add a row with ESC, CR or LF. On the writer of an
// output with a width (see Width) a table wider than that is written as
// blocks of "header: value" lines instead (see fitTable).
func textTable(w io.Writer, f Format, header ...string) *fitTable {
	ft := &fitTable{header: header}
	if fw, ok := w.(*fitWriter); ok && f != Markdown {
		ft.fw, ft.buf = fw, new(bytes.Buffer)
		w = ft.buf
	}
	var r tw.Renderer
	if f == Markdown {
		r = renderer.NewMarkdown()
	} else {
		r = renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(r),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowFilter(tw.CellFilter{Global: escapeCells}),
	)
	args := make([]any, len(header))
	for i, h := range header {
		args[i] = h
	}
	t.Header(args...)
	ft.Table = t
	return ft
}

// escapeCells escapes each cell of a row for a terminal.
func escapeCells(cells []string) []string {
	for i, c := range cells {
		cells[i] = termtext.Escape(c)
	}
	return cells
}

// escapeArgs returns args with each string escaped for a terminal (see
// termtext.Escape), for the printers of text lines: a format's own
// newlines stay, those inside a key or a note do not.
func escapeArgs(args []any) []any {
	var out []any
	for i, a := range args {
		s, ok := a.(string)
		if !ok {
			continue
		}
		if e := termtext.Escape(s); e != s {
			if out == nil {
				out = append([]any(nil), args...)
			}
			out[i] = e
		}
	}
	if out == nil {
		return args
	}
	return out
}
