// Package linescan splits a stream into lines under a cap on their length,
// in time linear in the input and memory bounded by the cap.
package linescan

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// TooLongError reports a line longer than the reader's Max.
type TooLongError struct{ Max int }

func (e *TooLongError) Error() string {
	if e.Max >= 1<<20 && e.Max%(1<<20) == 0 {
		return fmt.Sprintf("line is longer than %d MiB", e.Max>>20)
	}
	return fmt.Sprintf("line is longer than %d bytes", e.Max)
}

// IsTooLong reports whether err is a *TooLongError.
func IsTooLong(err error) bool {
	var e *TooLongError
	return errors.As(err, &e)
}

// Reader splits a stream into lines without copying: a line is a slice of
// the bufio.Reader's buffer, valid until the next call. Only a line longer
// than that buffer is copied, into a buffer kept for reuse; a line longer
// than Max is read and dropped, never held, so memory stays within Max
// and the buffer's size, and time is linear in the input.
type Reader struct {
	R    *bufio.Reader
	Max  int  // the longest line accepted, in bytes
	Line int  // the 1-based number of the line last returned
	Torn bool // the line last returned ended at the end of input without "\n"

	long []byte // holds lines longer than R's buffer
	err  error  // sticky end-of-input or read error
}

// Next returns the next line without its "\n" or "\r\n" (and, on line 1,
// without a UTF-8 byte order mark). At the end it returns io.EOF; a line
// too long gives a *TooLongError and the reader moves on to the next line.
func (l *Reader) Next() ([]byte, error) {
	if l.err != nil {
		return nil, l.err
	}
	b, err := l.R.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		tooLong := false
		l.long = append(l.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = l.R.ReadSlice('\n')
			if !tooLong && len(l.long)+len(b) > l.Max+2 { // "\r\n" is not part of the line
				tooLong = true
			}
			if !tooLong {
				l.long = append(l.long, b...)
			}
		}
		b = l.long
		if tooLong {
			l.Line++
			if err != nil {
				l.err = err
			}
			return nil, &TooLongError{Max: l.Max}
		}
	}
	if err != nil {
		l.err = err
		if err != io.EOF || len(b) == 0 {
			return nil, err
		}
	}
	l.Line++
	l.Torn = true
	if n := len(b); n > 0 && b[n-1] == '\n' {
		l.Torn = false
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	if len(b) > l.Max {
		return nil, &TooLongError{Max: l.Max}
	}
	if l.Line == 1 && len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		b = b[3:]
	}
	return b, nil
}
