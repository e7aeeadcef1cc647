package scenarios

import (
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/hooklimit/hooklimit/internal/bounded"
)

// csvReader reads comma-separated values with a header row that names the
// columns, such as
//
//	time,key,size
//	2024-05-01T12:00:00Z,trigger-7,1432
//
// The time, key and size columns are found by name (ReadOptions.TimeField
// and so on); other columns are ignored, and columns may come in any
// order. Only the time column is required; a workspace column is read
// only when ReadOptions.WorkspaceField names it. An empty key cell is the key "",
// an empty size cell leaves HasSize false. Times take the forms of
// ParseTime. Leading spaces in cells are ignored, fields may be quoted as
// RFC 4180 says, and blank lines are skipped.
type csvReader struct {
	skipLog
	cr   *csv.Reader
	row  *rowGuard
	file string
	opt  ReadOptions
	keys interner
	eof  bool
	line int // the line of the last row read

	timeCol, keyCol, sizeCol, wsCol int // column indexes; -1 when absent
	need                            int // how many columns a row must have
}

// newCSVReader reads the header row from r and returns a reader of the
// rows after it. detected says the format was guessed: then a header with
// none of the wanted columns may not be CSV at all, and the message says so.
func newCSVReader(r io.Reader, file string, opt ReadOptions, detected bool) (*csvReader, error) {
	g := &rowGuard{r: r, max: maxCSVRow}
	cr := csv.NewReader(g)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	c := &csvReader{cr: cr, row: g, file: file, opt: opt, timeCol: -1, keyCol: -1, sizeCol: -1, wsCol: -1}
	header, err := cr.Read()
	if err == io.EOF {
		c.eof = true
		return c, nil
	}
	if err != nil {
		return nil, c.rowError(err, 1)
	}
	for i, name := range header {
		if i == 0 {
			name = strings.TrimPrefix(name, "\uFEFF")
		}
		name = strings.TrimSpace(name)
		for _, col := range []struct {
			want string
			idx  *int
		}{{opt.TimeField, &c.timeCol}, {opt.KeyField, &c.keyCol}, {opt.SizeField, &c.sizeCol}, {opt.WorkspaceField, &c.wsCol}} {
			if col.want != "" && name == col.want && *col.idx < 0 {
				*col.idx = i
				c.need = max(c.need, i+1)
			}
		}
	}
	c.line, _ = cr.FieldPos(0)
	if c.timeCol < 0 {
		line := c.line
		msg := "no " + strconv.Quote(opt.TimeField) + " column in the CSV header " + quoteShort([]byte(strings.Join(header, ",")))
		if detected && c.keyCol < 0 && c.sizeCol < 0 {
			msg += " (the input is not JSON lines or an access log either; name the format)"
		}
		return nil, lineError(file, line, opt.TimeField, msg)
	}
	return c, nil
}

// Next returns the next record, or io.EOF after the last.
func (c *csvReader) Next() (Record, error) {
	for !c.eof {
		c.row.n = 0
		row, err := c.cr.Read()
		if err == io.EOF {
			c.eof = true
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if _, ok := errors.AsType[*errRowTooLong](err); ok {
				// Final: where the next row starts is not known.
				return Record{}, c.rowError(err, c.line+1)
			}
			if !errors.As(err, &pe) {
				// A failed read or corrupt compressed data: final, never skipped.
				// (FieldPos is not valid after an error.)
				return Record{}, readError(c.file, c.line+1, err)
			}
			err = c.rowError(err, c.line+1)
		} else {
			var rec Record
			if rec, err = c.parse(row); err == nil {
				return rec, nil
			}
		}
		if c.handle(err, c.opt.SkipInvalid) != nil {
			return Record{}, err
		}
	}
	return Record{}, io.EOF
}

// rowError turns an error from encoding/csv into a line error, or into a
// read error if it is not about the CSV syntax.
func (c *csvReader) rowError(err error, line int) error {
	var pe *csv.ParseError
	var long *errRowTooLong
	if errors.As(err, &long) {
		return lineError(c.file, line, "", long.Error())
	}
	if errors.As(err, &pe) {
		return lineError(c.file, pe.Line, "", "invalid CSV at column "+strconv.Itoa(pe.Column)+": "+pe.Err.Error())
	}
	return readError(c.file, line, err)
}

// parse turns one CSV row into a Record.
func (c *csvReader) parse(row []string) (Record, error) {
	line, _ := c.cr.FieldPos(0)
	c.line = line
	rec := Record{Line: line}
	if len(row) < c.need {
		return Record{}, lineError(c.file, line, "", "the row has "+strconv.Itoa(len(row))+
			" columns, want at least "+strconv.Itoa(c.need))
	}
	cell := strings.TrimSpace(row[c.timeCol])
	if cell == "" {
		return Record{}, lineError(c.file, line, c.opt.TimeField, "missing")
	}
	var e timeErr
	if rec.Time, e = parseTime([]byte(cell)); e != timeOK {
		return Record{}, timeError(c.file, line, c.opt.TimeField, quoteShort([]byte(cell)), e)
	}
	if c.keyCol >= 0 {
		rec.Key = c.keys.fromString(row[c.keyCol])
	}
	if c.wsCol >= 0 {
		rec.Workspace = c.keys.fromString(row[c.wsCol])
	}
	if c.sizeCol >= 0 {
		if cell := strings.TrimSpace(row[c.sizeCol]); cell != "" {
			if rec.Size, rec.HasSize = parseSize([]byte(cell)); !rec.HasSize {
				return Record{}, sizeError(c.file, line, c.opt.SizeField, quoteShort([]byte(cell)))
			}
		}
	}
	return rec, nil
}

// maxCSVRow is the longest CSV row accepted: maxLineLen. Tests lower it.
var maxCSVRow = maxLineLen

// errRowTooLong reports a CSV row longer than maxCSVRow.
type errRowTooLong struct{ max int }

func (e *errRowTooLong) Error() string {
	return "CSV row is longer than " + bounded.Size(int64(e.max)) + " (line breaks in quoted fields included); is this CSV?"
}

// rowGuard counts the bytes encoding/csv takes while it reads one row (the
// count is reset before each row) and fails the read once they pass max,
// since encoding/csv itself holds a row of any length in memory. The count
// is off by at most encoding/csv's read-ahead of 4 KiB.
type rowGuard struct {
	r      io.Reader
	n, max int
}

func (g *rowGuard) Read(p []byte) (int, error) {
	if g.n > g.max {
		return 0, &errRowTooLong{g.max}
	}
	n, err := g.r.Read(p)
	g.n += n
	return n, err
}
