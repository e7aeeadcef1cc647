package bounded

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

func TestReadAll(t *testing.T) {
	for _, tt := range []struct {
		in   string
		max  int64
		want string // the error, or "" for the data back
	}{
		{"", 4, ""},
		{"abcd", 4, ""},
		{"abcde", 4, "f.yaml: is longer than 4 bytes, the most a plan may hold"},
	} {
		data, err := ReadAll(strings.NewReader(tt.in), "f.yaml", "plan", tt.max)
		switch {
		case tt.want == "" && (err != nil || string(data) != tt.in):
			t.Errorf("ReadAll(%q, %d) = %q, %v", tt.in, tt.max, data, err)
		case tt.want != "" && (err == nil || err.Error() != tt.want || exitcode.Of(err) != exitcode.Usage):
			t.Errorf("ReadAll(%q, %d) = %v, want %q (exit 2)", tt.in, tt.max, err, tt.want)
		}
	}
}

// TestReadFileEndless: an endless file stops at the cap, with an input
// error naming it, after reading only the cap's worth.
func TestReadFileEndless(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := ReadFile("", "/dev/zero", "profile", 1<<20)
	if err == nil || err.Error() != "/dev/zero: is longer than 1 MiB, the most a profile may hold" || exitcode.Of(err) != exitcode.Usage {
		t.Fatalf("err = %v", err)
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := ReadFile("", filepath.Join(dir, "none.yaml"), "plan", MaxConfigFile)
	if err == nil || !strings.HasSuffix(err.Error(), "none.yaml: cannot read plan: no such file or directory") || !errors.Is(err, fs.ErrNotExist) || exitcode.Of(err) != exitcode.Usage {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ReadFile("", dir, "plan", MaxConfigFile); err == nil || !strings.HasSuffix(err.Error(), "is a directory, want a plan file") {
		t.Errorf("directory: %v", err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{16 << 20: "16 MiB", 64 << 10: "64 KiB", 100: "100 bytes", 1<<20 + 1: "1048577 bytes"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
