package workdir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/hooklimit/hooklimit/internal/testmain"
)

func TestMain(m *testing.M) { testmain.Run(m) }

func TestPath(t *testing.T) {
	for _, c := range []struct {
		dir  Dir
		name string
		want string
	}{
		{"", "a.jsonl", "a.jsonl"},
		{"", "/x/a.jsonl", "/x/a.jsonl"},
		{"/w", "a.jsonl", "/w/a.jsonl"},
		{"/w", "sub/../a.jsonl", "/w/a.jsonl"},
		{"/w", "../a.jsonl", "/a.jsonl"},
		{"/w", "/x/a.jsonl", "/x/a.jsonl"},
		{"/w", "-", "-"},
		{"/w", "", ""},
	} {
		if got := c.dir.Path(c.name); got != c.want {
			t.Errorf("Dir(%q).Path(%q) = %q, want %q", c.dir, c.name, got, c.want)
		}
	}
}

// TestOpenCreateFromDir: files are found from the Dir, not from the
// process's working directory, and errors name the file as given.
func TestOpenCreateFromDir(t *testing.T) {
	dir := Dir(t.TempDir())
	if err := dir.MkdirAll("sub/deeper", 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := dir.Create("sub/t.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("hello\n")
	f.Close()
	if b, err := os.ReadFile(filepath.Join(string(dir), "sub", "t.jsonl")); err != nil || string(b) != "hello\n" {
		t.Fatalf("created file: %q %v", b, err)
	}
	r, err := dir.Open("sub/t.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if _, err := os.Stat("sub/t.jsonl"); err == nil {
		t.Fatal("the file was found from the process's working directory")
	}

	_, err = dir.Open("none.jsonl")
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != "none.jsonl" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(none.jsonl): %v; want a path error naming none.jsonl that is fs.ErrNotExist", err)
	}
	_, err = dir.Create("missing/x.jsonl")
	if !errors.As(err, &pe) || pe.Path != "missing/x.jsonl" {
		t.Errorf("Create(missing/x.jsonl): %v; want a path error naming it", err)
	}
	if err := dir.MkdirAll("sub/t.jsonl/x", 0o755); !errors.As(err, &pe) || pe.Path != "sub/t.jsonl/x" {
		t.Errorf("MkdirAll under a file: %v; want a path error naming it", err)
	}
}
