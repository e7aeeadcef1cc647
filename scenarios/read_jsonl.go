package scenarios

import (
	"bufio"
	"io"
	"strconv"

	"github.com/hooklimit/hooklimit/internal/linescan"
)

// jsonlReader reads JSON lines: one flat JSON object per line, such as
//
//	{"time": "2024-05-01T12:00:00.250Z", "key": "trigger-7", "size": 1432}
//
// The time is a string (RFC 3339 or an epoch number in a string) or a
// number (epoch seconds, ms, µs or ns; see ParseTime). The key is a string
// or a number, whose text is the key ("42" for 42); a missing or null key
// is the key "". The workspace (only with ReadOptions.WorkspaceField) is
// read as the key is. The size is a whole number of bytes, as a number or in a
// string; a missing or null size leaves HasSize false. Other fields, nested
// values included, are checked for syntax and ignored. Blank lines are
// skipped.
//
// Each line is scanned in place by a small JSON scanner rather than by
// encoding/json, so a line costs no allocation unless its key is new.
type jsonlReader struct {
	skipLog
	lines  linescan.Reader
	file   string
	opt    ReadOptions
	sc     jsonScanner
	keys   interner
	decode []byte // decoded string values with escapes
}

// newJSONLReader returns a reader of JSON lines from br; file names the
// input in messages.
func newJSONLReader(br *bufio.Reader, file string, opt ReadOptions) *jsonlReader {
	r := &jsonlReader{lines: linescan.Reader{R: br, Max: maxLineLen}, file: file, opt: opt}
	r.sc.names = [4][]byte{[]byte(opt.TimeField), []byte(opt.KeyField), []byte(opt.SizeField)}
	if opt.WorkspaceField != "" {
		r.sc.names[3] = []byte(opt.WorkspaceField)
	}
	return r
}

// Next returns the next record, or io.EOF after the last.
func (r *jsonlReader) Next() (Record, error) {
	for {
		line, err := r.lines.Next()
		if err != nil {
			if err == io.EOF {
				return Record{}, io.EOF
			}
			if linescan.IsTooLong(err) {
				err = lineError(r.file, r.lines.Line, "", err.Error())
				if r.handle(err, r.opt.SkipInvalid) == nil {
					continue
				}
				return Record{}, err
			}
			return Record{}, readError(r.file, r.lines.Line+1, err)
		}
		if isBlank(line) {
			continue
		}
		rec, err := r.parse(line)
		if err != nil {
			if r.handle(err, r.opt.SkipInvalid) == nil {
				continue
			}
			return Record{}, err
		}
		return rec, nil
	}
}

// parse turns one JSON line into a Record.
func (r *jsonlReader) parse(line []byte) (Record, error) {
	n := r.lines.Line
	if e := r.sc.scan(line); e.what != "" {
		return Record{}, lineError(r.file, n, "", "invalid JSON at column "+strconv.Itoa(e.pos+1)+": "+e.what)
	}
	rec := Record{Line: n}
	tv, kv, sv, wv := &r.sc.vals[0], &r.sc.vals[1], &r.sc.vals[2], &r.sc.vals[3]

	var e timeErr
	switch tv.kind {
	case kindAbsent:
		msg := "missing"
		if hint := missingFieldHint(line); hint != "" {
			msg += "; " + hint
		}
		return Record{}, lineError(r.file, n, r.opt.TimeField, msg)
	case kindNull:
		return Record{}, lineError(r.file, n, r.opt.TimeField, "is null, want a time")
	case kindString:
		s := r.text(tv)
		if rec.Time, e = parseTime(s); e != timeOK {
			return Record{}, timeError(r.file, n, r.opt.TimeField, quoteShort(s), e)
		}
	case kindNumber:
		if rec.Time, e = parseEpoch(tv.raw); e != timeOK {
			return Record{}, timeError(r.file, n, r.opt.TimeField, shorten(tv.raw), e)
		}
	default:
		return Record{}, timeError(r.file, n, r.opt.TimeField, shorten(tv.raw), timeSyntax)
	}

	var err error
	if rec.Key, err = r.name(kv, n, r.opt.KeyField, "key"); err != nil {
		return Record{}, err
	}
	if rec.Workspace, err = r.name(wv, n, r.opt.WorkspaceField, "workspace"); err != nil {
		return Record{}, err
	}

	switch sv.kind {
	case kindAbsent, kindNull:
	case kindString:
		s := r.text(sv)
		if rec.Size, rec.HasSize = parseSize(s); !rec.HasSize {
			return Record{}, sizeError(r.file, n, r.opt.SizeField, quoteShort(s))
		}
	case kindNumber:
		if rec.Size, rec.HasSize = parseSize(sv.raw); !rec.HasSize {
			return Record{}, sizeError(r.file, n, r.opt.SizeField, shorten(sv.raw))
		}
	default:
		return Record{}, sizeError(r.file, n, r.opt.SizeField, shorten(sv.raw))
	}
	return rec, nil
}

// name reads a key or workspace value: a string or a number, whose text is
// the name; absent or null is "".
func (r *jsonlReader) name(v *jsonValue, line int, field, what string) (string, error) {
	switch v.kind {
	case kindAbsent, kindNull:
		return "", nil
	case kindString:
		return r.keys.str(r.text(v)), nil
	case kindNumber:
		return r.keys.str(v.raw), nil
	}
	return "", lineError(r.file, line, field, "cannot use "+shorten(v.raw)+" as a "+what+" (want a string or number)")
}

// text returns a string value's decoded bytes, valid until the next call.
func (r *jsonlReader) text(v *jsonValue) []byte {
	if v.plain {
		return v.raw
	}
	r.decode = unquote(r.decode[:0], v.raw)
	return r.decode
}
