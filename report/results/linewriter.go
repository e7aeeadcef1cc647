package results

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"time"
)

// LineBuffer is how many bytes of whole lines a LineWriter holds before
// it writes them.
const LineBuffer = 64 << 10

// LineFlushEvery is the longest a line waits in a LineWriter before it is
// written, so that a process killed outright (kill -9) loses at most the
// lines of the last second.
const LineFlushEvery = time.Second

// ErrClosed is returned by a write to a closed LineWriter.
var ErrClosed = errors.New("results file already closed")

// LineWriter buffers the lines of a results file and writes whole lines
// only: each write to the underlying writer is one call that ends at the
// end of a line, so a file cut by a crash, a kill or a full disk ends with
// whole lines (a SIGKILL during the write itself is the exception: the
// kernel may stop a write at a page boundary). It writes when LineBuffer bytes are held, LineFlushEvery
// after a line came in, on Flush and on Close. A write that ends inside a
// line keeps that part until the rest of the line comes. It is safe for
// concurrent use: a second Ctrl-C can Close it while lines come in.
type LineWriter struct {
	mu     sync.Mutex
	w      io.Writer
	buf    []byte
	end    int // buf[:end] are whole lines
	err    error
	closed bool
	timer  *time.Timer
}

// NewLineWriter returns a LineWriter writing to w.
func NewLineWriter(w io.Writer) *LineWriter { return &LineWriter{w: w} }

// Write buffers p, and writes the whole lines held once there are
// LineBuffer bytes of them. It returns the first error writing, or
// ErrClosed after Close.
func (lw *LineWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	switch {
	case lw.err != nil:
		return 0, lw.err
	case lw.closed:
		return 0, ErrClosed
	}
	lw.buf = append(lw.buf, p...)
	if i := bytes.LastIndexByte(p, '\n'); i >= 0 {
		lw.end = len(lw.buf) - len(p) + i + 1
	}
	if len(lw.buf) >= LineBuffer {
		lw.flush()
	}
	if lw.timer == nil && len(lw.buf) > 0 {
		lw.timer = time.AfterFunc(LineFlushEvery, lw.tick)
	}
	return len(p), lw.err
}

// Flush writes every whole line held.
func (lw *LineWriter) Flush() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.stopTimer()
	lw.flush()
	return lw.err
}

// Close writes every whole line held and refuses later writes; a part of
// a line with no end is dropped, never written. Closing twice is safe. It
// does not close the underlying writer.
func (lw *LineWriter) Close() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.stopTimer()
	lw.flush()
	lw.closed, lw.buf, lw.end = true, nil, 0
	return lw.err
}

func (lw *LineWriter) tick() {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.timer = nil
	lw.flush()
}

func (lw *LineWriter) stopTimer() {
	if lw.timer != nil {
		lw.timer.Stop()
		lw.timer = nil
	}
}

// flush writes the whole lines held in one call; lw.mu is held.
func (lw *LineWriter) flush() {
	if lw.end == 0 || lw.err != nil || lw.closed {
		return
	}
	_, lw.err = lw.w.Write(lw.buf[:lw.end])
	n := copy(lw.buf, lw.buf[lw.end:])
	lw.buf, lw.end = lw.buf[:n], 0
}
