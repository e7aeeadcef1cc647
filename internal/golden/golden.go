// Package golden compares what a test produced with a golden file, or,
// when the tests run with -update, rewrites the file with it:
//
//	go test ./report/ -update
//
// It registers the -update flag, so a test package that imports it must
// not register its own; Update reports the flag for tests that keep their
// goldens elsewhere (testscript's UpdateScripts).
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files with what the tests produce")

// Update reports whether the tests run with -update.
func Update() bool { return *update }

// Assert compares got with the file at path and fails t where they
// differ, naming the first line that does. With -update it writes got to
// path instead, creating its directory.
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		line, g, w := firstDiff(got, want)
		t.Errorf("%s differs from the golden file at line %d (go test -update rewrites it if the change is intended)\n got: %q\nwant: %q\ngot in full:\n%s",
			path, line, g, w, got)
	}
}

// firstDiff returns the number (from 1) of the first line where got and
// want differ, and that line of each ("" past the end).
func firstDiff(got, want []byte) (int, string, string) {
	g, w := bytes.SplitAfter(got, []byte("\n")), bytes.SplitAfter(want, []byte("\n"))
	for i := 0; ; i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) || i >= len(g) && i >= len(w) {
			return i + 1, string(gl), string(wl)
		}
	}
}
