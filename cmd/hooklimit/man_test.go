package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestManPages: man writes a page per command, dated SOURCE_DATE_EPOCH,
// the same bytes twice; it leaves out hidden commands; a bad
// SOURCE_DATE_EPOCH is a usage error.
func TestManPages(t *testing.T) {
	write := func(dir, epoch string) int {
		d, _, errOut := newTestDeps()
		d.LookupEnv = func(k string) (string, bool) { return epoch, k == "SOURCE_DATE_EPOCH" && epoch != "" }
		code := execute(context.Background(), newRootCmd(d), errOut, []string{"man", dir})
		if code != 0 {
			t.Logf("stderr: %s", errOut)
		}
		return code
	}
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	if write(a, "1767225600") != 0 || write(b, "1767225600") != 0 {
		t.Fatal("man failed")
	}
	for _, name := range []string{"hooklimit.1", "hooklimit-run.1", "hooklimit-check.1", "hooklimit-profiles-show.1", "hooklimit-completion.1"} {
		pa, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		pb, _ := os.ReadFile(filepath.Join(b, name))
		if !bytes.Equal(pa, pb) {
			t.Errorf("%s differs between two runs", name)
		}
		if !strings.Contains(string(pa), `"Jan 2026"`) || strings.Contains(string(pa), "Auto generated") {
			t.Errorf("%s: want the date of SOURCE_DATE_EPOCH and no generator tag:\n%.300s", name, pa)
		}
	}
	if _, err := os.Stat(filepath.Join(a, "hooklimit-man.1")); err == nil {
		t.Error("the hidden man command has a page")
	}
	if code := write(t.TempDir(), "yesterday"); code != 2 {
		t.Errorf("SOURCE_DATE_EPOCH=yesterday: exit %d, want 2", code)
	}
}
