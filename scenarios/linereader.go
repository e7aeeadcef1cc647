package scenarios

import (
	"bufio"
	"errors"
	"io"
	"strconv"
)

// maxLineLen is the longest line a reader accepts. A longer line is an
// invalid line; its bytes are read and dropped, never held.
const maxLineLen = 16 << 20

// errLineTooLong reports a line longer than maxLineLen.
var errLineTooLong = errors.New("line is longer than " + strconv.Itoa(maxLineLen>>20) + " MiB")

// lineReader splits a stream into lines without copying: a line is a slice
// of the bufio.Reader's buffer, valid until the next call. Only a line
// longer than that buffer is copied, into a buffer kept for reuse.
type lineReader struct {
	r    *bufio.Reader
	line int    // the 1-based number of the line last returned
	long []byte // holds lines longer than r's buffer
	err  error  // sticky end-of-input or read error
}

// next returns the next line without its "\n" or "\r\n" (and, on line 1,
// without a UTF-8 byte order mark). At the end it returns io.EOF; a line
// too long gives errLineTooLong and the reader moves on to the next line.
func (l *lineReader) next() ([]byte, error) {
	if l.err != nil {
		return nil, l.err
	}
	b, err := l.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		tooLong := false
		l.long = append(l.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = l.r.ReadSlice('\n')
			if !tooLong && len(l.long)+len(b) > maxLineLen {
				tooLong = true
			}
			if !tooLong {
				l.long = append(l.long, b...)
			}
		}
		b = l.long
		if tooLong {
			l.line++
			if err != nil {
				l.err = err
			}
			return nil, errLineTooLong
		}
	}
	if err != nil {
		l.err = err
		if err != io.EOF || len(b) == 0 {
			return nil, err
		}
	}
	l.line++
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	if l.line == 1 && len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		b = b[3:]
	}
	return b, nil
}

// isBlank reports whether a line holds nothing but spaces and tabs.
func isBlank(b []byte) bool {
	return len(trimSpace(b)) == 0
}
