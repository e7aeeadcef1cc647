package linescan

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	in := "ab\r\n" + strings.Repeat("x", 100) + "\n\ncd\n" + strings.Repeat("y", 40) + "\nlast"
	r := &Reader{R: bufio.NewReaderSize(strings.NewReader(in), 16), Max: 40}
	type step struct {
		line string
		err  string
		torn bool
	}
	want := []step{{"ab", "", false}, {"", "line is longer than 40 bytes", false}, {"", "", false}, {"cd", "", false}, {strings.Repeat("y", 40), "", false}, {"last", "", true}}
	for i, w := range want {
		b, err := r.Next()
		got := step{string(b), "", r.Torn}
		if err != nil {
			got.err = err.Error()
			if !IsTooLong(err) {
				t.Errorf("%d: %v is not a TooLongError", i, err)
			}
			got.torn = w.torn
		}
		if got != w || r.Line != i+1 {
			t.Errorf("line %d: got %+v (line %d), want %+v", i+1, got, r.Line, w)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
}

// BenchmarkLongLine reads one line far past the cap: the time is linear
// in its length (a quadratic scan took minutes on gigabytes).
func BenchmarkLongLine(b *testing.B) {
	line := strings.Repeat("z", 64<<20) + "\n"
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		r := &Reader{R: bufio.NewReaderSize(strings.NewReader(line), 64<<10), Max: 1 << 20}
		if _, err := r.Next(); !IsTooLong(err) {
			b.Fatal(err)
		}
	}
}
