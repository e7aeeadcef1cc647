package main

import (
	"bytes"
	"os"
	"testing"
)

func TestNewIOStreamsNotATerminal(t *testing.T) {
	ios, _, _, _ := newTestIOStreams()
	if ios.IsTerminal || ios.ErrIsTerminal {
		t.Error("buffers reported as terminals")
	}

	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ios = NewIOStreams(new(bytes.Buffer), f, f)
	if ios.IsTerminal || ios.ErrIsTerminal {
		t.Error("a regular file reported as a terminal")
	}
	if ios.Out != f || ios.ErrOut != f {
		t.Error("NewIOStreams did not keep the writers it was given")
	}
}
