package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// fitWriter is the writer of the table form when the output has a width
// (see Width): tables made on it (textTable) that would be wider turn
// each row into a block of "header: value" lines, and any other line
// wider than width is wrapped at a space, its continuation indented.
type fitWriter struct {
	w       io.Writer
	width   int
	partial []byte // the start of a line not ended yet
}

// newFitWriter returns w fitted to width columns, or w itself when width
// is 0 or less (no limit).
func newFitWriter(w io.Writer, width int) (io.Writer, func() error) {
	if width <= 0 {
		return w, func() error { return nil }
	}
	fw := &fitWriter{w: w, width: width}
	return fw, fw.flush
}

// Write writes the whole lines of p, each wrapped to the width, and keeps
// an unfinished last line until the next Write or flush.
func (fw *fitWriter) Write(p []byte) (int, error) {
	n := len(p)
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			fw.partial = append(fw.partial, p...)
			return n, nil
		}
		line := string(fw.partial) + string(p[:i])
		fw.partial = fw.partial[:0]
		p = p[i+1:]
		if _, err := io.WriteString(fw.w, wrapLine(line, fw.width)+"\n"); err != nil {
			return 0, err
		}
	}
}

// flush writes an unfinished last line.
func (fw *fitWriter) flush() error {
	if len(fw.partial) == 0 {
		return nil
	}
	line := string(fw.partial)
	fw.partial = nil
	_, err := io.WriteString(fw.w, wrapLine(line, fw.width))
	return err
}

// wrapLine breaks line into lines of at most width display cells: at the
// last space that fits, or inside a word longer than a line. Continuation
// lines are indented two more than the line itself.
func wrapLine(line string, width int) string {
	if twwidth.Width(line) <= width {
		return line
	}
	lead := len(line) - len(strings.TrimLeft(line, " "))
	return wrapText(line, width, lead, lead+2)
}

// wrapText breaks line as wrapLine does, never within its first head
// cells, its continuation lines indented by indent spaces (none when
// that is more than half the width).
func wrapText(line string, width, head, indent int) string {
	if twwidth.Width(line) <= width {
		return line
	}
	pre := strings.Repeat(" ", indent)
	if indent > width/2 {
		pre = ""
	}
	var b strings.Builder
	rest, prefix, min := line, "", head
	if min >= width {
		min = 0
	}
	for {
		rest = prefix + rest
		if twwidth.Width(rest) <= width {
			b.WriteString(rest)
			return b.String()
		}
		cut := breakAt(rest, width, min)
		b.WriteString(strings.TrimRight(rest[:cut], " "))
		b.WriteByte('\n')
		rest, prefix, min = strings.TrimLeft(rest[cut:], " "), pre, len(pre)
	}
}

// breakAt returns the byte offset at which s, wider than width, is cut:
// at the last space (or after the last comma) within width cells that
// comes after the first min
// cells (an indent or a label), or else after the last character that
// fits, and never before the first character after min.
func breakAt(s string, width, min int) int {
	cells, space, hard := 0, -1, 0
	for i, r := range s {
		switch {
		case r == ' ' && cells > min:
			space = i // s[:i] is at most width cells
		case r == ',' && cells >= min && cells < width && (i+1 == len(s) || s[i+1] < '0' || s[i+1] > '9'):
			space = i + 1 // after a comma, not one in 1,000
		}
		w := twwidth.Width(string(r))
		if cells+w > width && cells > min {
			break
		}
		cells += w
		hard = i + len(string(r))
	}
	if space > 0 {
		return space
	}
	return hard
}

// fitTable is a table of the text forms. On a fitWriter it renders into
// a buffer, and when that is wider than the width it writes each row as
// a block of "header: value" lines instead.
type fitTable struct {
	*tablewriter.Table
	fw     *fitWriter    // nil: written as is
	buf    *bytes.Buffer // what the table renders to when fw is set
	header []string
	rows   [][]string
}

// Append adds a row: one []string or one value per cell.
func (t *fitTable) Append(cells ...any) error {
	if t.fw != nil {
		var row []string
		if len(cells) == 1 {
			if ss, ok := cells[0].([]string); ok {
				row = append(row, ss...)
			}
		}
		if row == nil {
			for _, c := range cells {
				row = append(row, fmt.Sprint(c))
			}
		}
		t.rows = append(t.rows, escapeCells(row))
	}
	return t.Table.Append(cells...)
}

// Render writes the table: as a table when it fits the width, else as
// blocks of "header: value" lines.
func (t *fitTable) Render() error {
	if err := t.Table.Render(); err != nil || t.fw == nil {
		return err
	}
	if maxWidth(t.buf.String()) <= t.fw.width {
		_, err := t.fw.Write(t.buf.Bytes())
		return err
	}
	_, err := io.WriteString(t.fw, blocks(t.header, t.rows, t.fw.width))
	return err
}

// maxWidth returns the display width of the widest line of s.
func maxWidth(s string) int {
	w := 0
	for line := range strings.Lines(s) {
		w = max(w, twwidth.Width(strings.TrimRight(line, "\n")))
	}
	return w
}

// blocks writes rows as blocks of "header: value" lines, the first cell
// of a row unindented and the others under it, blocks apart by a blank
// line. A table whose headers but the first are empty (a list of
// "name value" rows under a title) becomes the title and one line a row.
func blocks(header []string, rows [][]string, width int) string {
	var b strings.Builder
	if len(header) == 2 && header[1] == "" {
		b.WriteString(header[0] + "\n")
		pad := labelPad(colOf(rows, 0), width)
		for _, r := range rows {
			b.WriteString(labelled("  ", cellOf(r, 0), cellOf(r, 1), pad, width))
		}
		return b.String()
	}
	pad := labelPad(header[1:], width)
	for i, r := range rows {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(labelled("", header[0], cellOf(r, 0), 0, width))
		for j := 1; j < len(header); j++ {
			b.WriteString(labelled("  ", header[j], cellOf(r, j), pad, width))
		}
	}
	return b.String()
}

// labelled writes one "label: value" line, the value at column pad after
// the indent when pad is not 0; an empty label writes the value alone. A
// value too long for width is wrapped, its continuation under its start.
func labelled(indent, label, value string, pad, width int) string {
	l := ""
	if label != "" {
		l = label + ":"
		if n := pad - twwidth.Width(l); n > 0 {
			l += strings.Repeat(" ", n)
		} else {
			l += " "
		}
	}
	head := indent + l
	return strings.TrimRight(wrapText(head+value, width, twwidth.Width(head), twwidth.Width(head)), " ") + "\n"
}

// labelPad returns the column the values of labels start at (the widest
// label, its colon and a space), or 0 when that would take more than a
// half of width.
func labelPad(labels []string, width int) int {
	w := 0
	for _, l := range labels {
		w = max(w, twwidth.Width(l)+2)
	}
	if w > width/2 {
		return 0
	}
	return w
}

// colOf returns column j of rows.
func colOf(rows [][]string, j int) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = cellOf(r, j)
	}
	return out
}

// cellOf returns cell j of row, "" when the row is shorter.
func cellOf(row []string, j int) string {
	if j < len(row) {
		return row[j]
	}
	return ""
}
