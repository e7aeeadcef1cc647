package scenarios

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// maxQuoted is how many bytes of a bad value a message shows.
const maxQuoted = 40

// quoteShort returns b as a Go-quoted string for a message, cut after
// maxQuoted bytes (at a rune boundary) with "..." added.
func quoteShort(b []byte) string {
	return strconv.Quote(shorten(b))
}

// shorten returns b as a string of at most maxQuoted bytes, cut at a rune
// boundary and marked with "..." when it was cut.
func shorten(b []byte) string {
	if len(b) <= maxQuoted {
		return string(b)
	}
	n := maxQuoted
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return string(b[:n]) + "..."
}

// lineError returns the *exitcode.InputError for a bad field on a line.
func lineError(file string, line int, field, msg string) error {
	return &exitcode.InputError{File: file, Line: line, Field: field, Msg: msg}
}

// timeError returns the error for a time value that did not parse; shown
// is the value as the message should show it (quoted, or a JSON literal).
func timeError(file string, line int, field, shown string, e timeErr) error {
	switch e {
	case timeRange:
		return lineError(file, line, field, shown+" is out of range "+timeRangeWant)
	case timeNoZone:
		return lineError(file, line, field, shown+" "+timeZoneWant)
	}
	return lineError(file, line, field, "cannot parse "+shown+" as a time "+timeWant)
}

// parseSize parses a body size: a non-negative whole number of bytes.
func parseSize(b []byte) (int64, bool) {
	b = trimSpace(b)
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if !isDigit(c) || n > (math.MaxInt64-int64(c-'0'))/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// sizeError returns the error for a size value that did not parse.
func sizeError(file string, line int, field, shown string) error {
	return lineError(file, line, field, "cannot parse "+shown+" as a size (want a whole number of bytes)")
}

// readError turns an error from the underlying reader into the error
// Next returns: corrupt compressed data is an input error naming the
// file, anything else (a failed read) is returned wrapped with the name.
func readError(file string, line int, err error) error {
	if isCorrupt(err) {
		return lineError(file, line, "", "corrupt input: "+err.Error())
	}
	return &wrapped{file: file, err: err}
}

// wrapped is a read error prefixed with the file name.
type wrapped struct {
	file string
	err  error
}

func (w *wrapped) Error() string { return w.file + ": " + w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }
