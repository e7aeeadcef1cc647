package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/hooklimit/hooklimit/internal/junitxsd"
)

// TestJUnitOutputsValidate checks every JUnit document the commands are
// pinned to write (check, run, run --compare-retry, serve, probe, and
// report of each kind, incomplete and unknown results included: the
// .xml files of the scripts and the .junit goldens) against Jenkins'
// junit-10.xsd.
func TestJUnitOutputsValidate(t *testing.T) {
	scripts, err := filepath.Glob("testdata/script/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range scripts {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if strings.HasSuffix(f.Name, ".xml") && bytes.Contains(f.Data, []byte("<testsuites")) {
				n++
				junitxsd.Validate(t, path+": "+f.Name, f.Data)
			}
		}
	}
	goldens, err := filepath.Glob("testdata/golden/*.junit.golden")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range goldens {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		n++
		junitxsd.Validate(t, path, b)
	}
	if n < 10 {
		t.Errorf("only %d JUnit documents found: the scripts' goldens moved?", n)
	}
}
