package results

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/probe"
)

// callRecorder is an io.Writer that keeps each Write call apart, as a
// file's contents after each call: what a crash at that moment leaves.
type callRecorder struct {
	mu    sync.Mutex
	calls [][]byte
}

func (c *callRecorder) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, bytes.Clone(p))
	return len(p), nil
}

func (c *callRecorder) contents() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(bytes.Join(c.calls, nil))
}

// assertWholeLines fails unless every Write call ended at the end of a
// line, so the file, cut after any of them, holds whole lines only.
func (c *callRecorder) assertWholeLines(t *testing.T) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, p := range c.calls {
		if len(p) == 0 || p[len(p)-1] != '\n' {
			t.Fatalf("write %d of %d ends inside a line: ...%q", i+1, len(c.calls), p[max(0, len(p)-40):])
		}
	}
}

// TestLineWriterWritesWholeLines feeds lines cut at arbitrary points (one
// byte at a time, in odd chunks, lines longer than the buffer) and checks
// that each write reaching the file ends at a line boundary and that
// nothing is lost or reordered.
func TestLineWriterWritesWholeLines(t *testing.T) {
	t.Parallel()
	var want strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&want, `{"type":"attempt","event":%d,"key":"t%d"}`+"\n", i, i%7)
	}
	want.WriteString(strings.Repeat("x", 3*LineBuffer) + "\n") // a line longer than the buffer
	want.WriteString("last\n")
	for _, chunk := range []int{1, 7, 100, 4093, LineBuffer - 1, LineBuffer + 1, 1 << 20} {
		t.Run(fmt.Sprint(chunk), func(t *testing.T) {
			var rec callRecorder
			lw := NewLineWriter(&rec)
			s := want.String()
			for len(s) > 0 {
				n := min(chunk, len(s))
				if _, err := lw.Write([]byte(s[:n])); err != nil {
					t.Fatal(err)
				}
				s = s[n:]
				rec.assertWholeLines(t)
			}
			if err := lw.Close(); err != nil {
				t.Fatal(err)
			}
			rec.assertWholeLines(t)
			if got := rec.contents(); got != want.String() {
				t.Fatalf("wrote %d bytes, want %d", len(got), want.Len())
			}
			if chunk < LineBuffer && len(rec.calls) < 3 {
				t.Errorf("%d writes: the buffer should have been written as it filled", len(rec.calls))
			}
		})
	}
}

// TestLineWriterFlushesWithinASecond: a line waits at most LineFlushEvery,
// so kill -9 loses at most the last second of lines; and nothing is
// written before then while the buffer is not full.
func TestLineWriterFlushesWithinASecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rec callRecorder
		lw := NewLineWriter(&rec)
		lw.Write([]byte("a\n"))
		time.Sleep(LineFlushEvery - time.Millisecond)
		synctest.Wait()
		if got := rec.contents(); got != "" {
			t.Fatalf("written before LineFlushEvery: %q", got)
		}
		lw.Write([]byte("b\nc")) // c has no end yet
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if got := rec.contents(); got != "a\nb\n" {
			t.Fatalf("after LineFlushEvery: %q, want a and b", got)
		}
		lw.Write([]byte("\n"))
		time.Sleep(LineFlushEvery)
		synctest.Wait()
		if got := rec.contents(); got != "a\nb\nc\n" {
			t.Fatalf("a second later: %q", got)
		}
		rec.assertWholeLines(t)
		lw.Close()
	})
}

// TestLineWriterClose: Close writes the whole lines held, drops a part of
// a line, is safe twice and refuses later writes.
func TestLineWriterClose(t *testing.T) {
	var rec callRecorder
	lw := NewLineWriter(&rec)
	lw.Write([]byte("one\ntwo\nthr"))
	if err := lw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := lw.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := lw.Write([]byte("ee\n")); !errors.Is(err, ErrClosed) {
		t.Errorf("write after Close: %v, want ErrClosed", err)
	}
	if got := rec.contents(); got != "one\ntwo\n" {
		t.Errorf("file %q, want the two whole lines", got)
	}
	rec.assertWholeLines(t)
}

// TestResultsWriterWholeLinesWhenClosedMidRun: a run's attempts and a
// Close from another goroutine (the second Ctrl-C) racing them leave a
// non-empty file of whole lines, every one valid.
func TestResultsWriterWholeLinesWhenClosedMidRun(t *testing.T) {
	var rec callRecorder
	lw := NewLineWriter(&rec)
	rw := NewWriter(lw)
	done := make(chan struct{})
	// The writer is held halfway until the file is closed, so that
	// attempts are still being written when it closes, however fast
	// this goroutine runs: the first half races with Close, the second
	// half always comes after it.
	closed := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20000 {
			if i == 10000 {
				<-closed
			}
			rw.Attempt(&probe.Attempt{Event: uint64(i), Key: "t1", N: 1, Status: 200, Sent: st0, Done: st0 + 1e6, Intended: st0})
		}
	}()
	for len(rec.contents()) == 0 { // the buffer has been written once
		runtime.Gosched()
	}
	lw.Close() // the second Ctrl-C
	close(closed)
	<-done
	if err := rw.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("Writer after the file was closed: %v, want ErrClosed", err)
	}
	rec.assertWholeLines(t)
	lines := strings.Split(strings.TrimSuffix(rec.contents(), "\n"), "\n")
	if len(lines) == 0 || len(lines) > 20000 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, `{"type":"attempt","event":`+fmt.Sprint(i)+`,`) || !strings.HasSuffix(l, "}") {
			t.Fatalf("line %d: %q", i+1, l)
		}
	}
}
