package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// reportFile writes a small results file of a passing run and returns its
// path.
func reportFile(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "results.jsonl")
	d, _, _ := newTestDeps()
	code := execute(t.Context(), newRootCmd(d), d.IO.ErrOut, []string{"run", "steady", "--rate", "10", "--duration", "5s", "--out", path, "--quiet"})
	if code != 0 {
		t.Fatalf("run exited %d", code)
	}
	return path
}

func TestRunReportFormats(t *testing.T) {
	path := reportFile(t)
	for _, tc := range []struct {
		format, want string
	}{
		{"table", "hooklimit run: PASS"},
		{"markdown", "**hooklimit run: PASS**"},
		{"json", `"kind": "run"`},
		{"junit", "<testsuites"},
		{"html", `<svg class="chart"`},
	} {
		t.Run(tc.format, func(t *testing.T) {
			ios, _, out, _ := newTestIOStreams()
			opts := &reportOptions{IO: ios, Files: []string{path}, Format: NewFormatFlag(FormatTable, "junit", "html")}
			if err := opts.Format.Set(tc.format); err != nil {
				t.Fatal(err)
			}
			if err := runReport(opts); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tc.want) {
				t.Fatalf("no %q in\n%.600s", tc.want, out.String())
			}
		})
	}
}

func TestRunReportStdinOnce(t *testing.T) {
	path := reportFile(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ios, in, _, _ := newTestIOStreams()
	in.Write(data)
	opts := &reportOptions{IO: ios, Files: []string{"-", "-"}, Format: NewFormatFlag(FormatTable, "junit", "html")}
	err = runReport(opts)
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "read only once") {
		t.Fatalf("err %v, want a usage error", err)
	}
}
