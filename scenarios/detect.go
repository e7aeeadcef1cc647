package scenarios

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"
)

// detect guesses the format of the input in br from its first non-empty
// line, without consuming anything: a line starting with "{" is JSON
// lines, a line in the common or combined log format is an access log, and
// anything else is taken for a CSV header. A JSON array, an HTML page or
// binary data gives a *notTrafficError saying so. Empty input counts as JSON
// lines (it has no records either way). Only the first bufSize bytes are
// looked at.
func detect(br *bufio.Reader) (string, error) {
	for n := 4 << 10; ; n *= 2 {
		n = min(n, br.Size())
		buf, err := br.Peek(n)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return "", err
		}
		line, complete := firstLine(buf)
		if complete || err != nil || n == br.Size() {
			if msg := notTraffic(line); msg != "" {
				return "", &notTrafficError{msg}
			}
			return classify(line), nil
		}
	}
}

// firstLine returns the first line of buf that is not blank, without its
// line ending, and whether that line ended with a newline in buf.
func firstLine(buf []byte) (line []byte, complete bool) {
	buf = bytes.TrimPrefix(buf, []byte("\xEF\xBB\xBF"))
	for len(buf) > 0 {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			return buf, false
		}
		line, buf = bytes.TrimSuffix(buf[:i], []byte("\r")), buf[i+1:]
		if !isBlank(line) {
			return line, true
		}
	}
	return nil, false
}

// notTraffic says what the input is when its first line shows it is no
// traffic file at all: a JSON array, an HTML or XML page, or binary data.
// It returns "" for anything a reader could read.
func notTraffic(line []byte) string {
	t := trimSpace(line)
	switch {
	case len(t) == 0:
		return ""
	case bytes.IndexByte(line, 0) >= 0 || !validUTF8Prefix(line):
		return "is a binary file, not recorded traffic (want JSON lines, CSV or an access log, plain or gzip-compressed)"
	case t[0] == '[':
		return "is a JSON array, not JSON lines (one object per line): convert it with jq -c '.[]' FILE > FILE.jsonl"
	case bytes.HasPrefix(t, []byte("<?xml")):
		return "is an XML document, not recorded traffic (want JSON lines, CSV or an access log)"
	case t[0] == '<':
		return "is an HTML page, not recorded traffic (want JSON lines, CSV or an access log; was it saved from a browser or an error page?)"
	}
	return ""
}

// validUTF8Prefix reports whether b is valid UTF-8 but for a rune cut
// short at its end, as a line cut at the buffer's size may be.
func validUTF8Prefix(b []byte) bool {
	if utf8.Valid(b) {
		return true
	}
	for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
		if tail := b[len(b)-i:]; utf8.RuneStart(tail[0]) {
			return !utf8.FullRune(tail) && utf8.Valid(b[:len(b)-i])
		}
	}
	return false
}

// notTrafficError is an input that is no traffic file; its message says
// what it is.
type notTrafficError struct{ msg string }

func (e *notTrafficError) Error() string { return e.msg }

// classify returns the format of a file whose first line is line.
func classify(line []byte) string {
	switch {
	case len(trimSpace(line)) == 0, trimSpace(line)[0] == '{':
		return FormatJSONL
	case isAccessLogLine(line):
		return FormatAccessLog
	}
	return FormatCSV
}
