package scenarios

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// bufSize is the size of the readers' buffers. Lines up to this long are
// read without copying.
const bufSize = 64 << 10

// Open opens the recorded traffic file name ("-" for stdin) and returns a
// Reader of its records in time order, and the Closer to call when done
// (which leaves stdin open; a nil stdin reads as empty). See NewReader for
// the formats and options.
//
// A file that cannot be opened, is a directory, has an unknown format or
// a bad CSV header gives an *exitcode.InputError naming it.
func Open(name string, stdin io.Reader, opt ReadOptions) (Reader, io.Closer, error) {
	if name == "-" {
		if stdin == nil {
			stdin = eofReader{}
		}
		r, err := NewReader(stdin, "-", opt)
		if err != nil {
			return nil, nil, err
		}
		return r, nopCloser{}, nil
	}
	f, err := opt.Dir.Open(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, nil, lineError(name, 0, "", "cannot open: "+err.Error())
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, nil, lineError(name, 0, "", "is a directory, want a traffic file")
	}
	r, err := NewReader(f, name, opt)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return r, f, nil
}

// NewReader returns a Reader of the records in r, in time order; name
// names the input in messages ("-" for stdin).
//
// Gzip-compressed input is recognized by its first two bytes (0x1f 0x8b),
// whatever the name, and decompressed. The format is opt.Format, or when
// that is empty it is detected from the first non-empty line without
// losing any input (so it works on stdin too): see ReadOptions.Format.
// The records then pass through Reorder with opt.MaxDisorder.
//
// NewReader reads the beginning of r for gzip and format detection and,
// for CSV, the header row. Lines that are not valid give
// *exitcode.InputErrors from Next, naming file, line and field.
func NewReader(r io.Reader, name string, opt ReadOptions) (Reader, error) {
	opt = opt.withDefaults()
	switch opt.Format {
	case "", FormatJSONL, FormatCSV, FormatAccessLog:
	default:
		return nil, &exitcode.InputError{File: "flag --input-format", Msg: "unknown format " +
			strconv.Quote(opt.Format) + " (want " + FormatJSONL + ", " + FormatCSV + " or " + FormatAccessLog + ")"}
	}
	br := bufio.NewReaderSize(r, bufSize)
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return nil, readError(name, 0, err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, readError(name, 0, err)
		}
		br = bufio.NewReaderSize(zr, bufSize)
	}
	format, detected := opt.Format, false
	if format == "" {
		if format, err = detect(br); err != nil {
			var nt *notTrafficError
			if errors.As(err, &nt) {
				return nil, lineError(name, 1, "", strings.Replace(nt.msg, "FILE > FILE.jsonl", jqRedirect(name), 1))
			}
			return nil, readError(name, 0, err)
		}
		detected = true
	}
	var fr Reader
	switch format {
	case FormatJSONL:
		fr = newJSONLReader(br, name, opt)
	case FormatAccessLog:
		fr = newAccessLogReader(br, name, opt)
	default:
		if fr, err = newCSVReader(br, name, opt, detected); err != nil {
			return nil, err
		}
	}
	if opt.RequireKey && format != FormatAccessLog {
		fr = &keyRequired{Reader: fr, file: name, field: opt.KeyField}
	}
	return newReorderer(fr, name, opt.MaxDisorder, opt.SkipInvalid), nil
}

// jqRedirect is the "IN > OUT.jsonl" of a jq command converting the file
// name, or "FILE > FILE.jsonl" when the name would need quoting in a
// shell (or is stdin).
func jqRedirect(name string) string {
	if name == "-" || !isPlainPath(name) {
		return "FILE > FILE.jsonl"
	}
	return name + " > " + strings.TrimSuffix(name, ".json") + ".jsonl"
}

// isPlainPath reports whether p is a path of plain names.
func isPlainPath(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if part != "" && !isPlainName(part) {
			return false
		}
	}
	return p != ""
}

// isCorrupt reports whether err means the compressed input is damaged or
// cut short, an input error rather than a failed read.
func isCorrupt(err error) bool {
	var ce flate.CorruptInputError
	return errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) ||
		errors.As(err, &ce) || errors.Is(err, io.ErrUnexpectedEOF)
}

// nopCloser is the Closer for stdin, which Open leaves open.
type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// eofReader is an empty input.
type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
