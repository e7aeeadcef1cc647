package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFirstDiff(t *testing.T) {
	tests := []struct {
		got, want string
		line      int
		g, w      string
	}{
		{"a\nb\nc\n", "a\nX\nc\n", 2, "b\n", "X\n"},
		{"a\n", "a\nb\n", 2, "", "b\n"},
		{"a\nb", "a\nb\n", 2, "b", "b\n"},
		{"", "a", 1, "", "a"},
	}
	for _, tt := range tests {
		line, g, w := firstDiff([]byte(tt.got), []byte(tt.want))
		if line != tt.line || g != tt.g || w != tt.w {
			t.Errorf("firstDiff(%q, %q) = %d, %q, %q; want %d, %q, %q", tt.got, tt.want, line, g, w, tt.line, tt.g, tt.w)
		}
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors, fatals []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, format)
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, format)
}

func TestAssert(t *testing.T) {
	if Update() {
		t.Skip("with -update, Assert writes instead of comparing")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x.golden")
	if err := os.WriteFile(path, []byte("one\ntwo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, got string
		fails     bool
	}{{"equal", "one\ntwo\n", false}, {"a line differs", "one\nTWO\n", true}, {"no final newline", "one\ntwo", true}} {
		r := &recorder{TB: t}
		Assert(r, path, []byte(tc.got))
		if (len(r.errors) > 0) != tc.fails || len(r.fatals) > 0 {
			t.Errorf("%s: errors %q, fatals %q; want a failure: %v", tc.name, r.errors, r.fatals, tc.fails)
		}
	}
	r := &recorder{TB: t}
	Assert(r, filepath.Join(dir, "missing.golden"), []byte("x"))
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "-update") {
		t.Errorf("a missing golden file: fatals %q, want one naming -update", r.fatals)
	}
}
