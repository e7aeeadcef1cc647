package scenarios

import (
	"bufio"
	"bytes"
	"io"
)

// detect guesses the format of the input in br from its first non-empty
// line, without consuming anything: a line starting with "{" is JSON
// lines, a line in the common or combined log format is an access log, and
// anything else is taken for a CSV header. Empty input counts as JSON
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
