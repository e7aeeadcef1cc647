// Package workdir finds files by the names a user gave, from a working
// directory that need not be the process's.
//
// Every file a hooklimit command reads or writes by name (traffic,
// profiles, plans, body templates, results, --out and --output) is opened
// through a Dir. The process's commands use the zero Dir, the process's
// own working directory; a test that runs a command in process gives the
// directory the command would have been started in, as a shell would,
// without changing the working directory of the whole process (which
// every test running at the same time shares).
package workdir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir is a working directory. A relative file name is found from it; an
// absolute name, and "-" (standard input or output), are left as they
// are. The zero Dir is the process's working directory.
type Dir string

// Path returns the name by which the process finds the file that name
// names from d.
func (d Dir) Path(name string) string {
	if d == "" || name == "" || name == "-" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(string(d), name)
}

// Open opens the file name for reading, as os.Open does. An error names
// the file as name, never as the path found from d, so that messages say
// what the user typed.
func (d Dir) Open(name string) (*os.File, error) {
	f, err := os.Open(d.Path(name))
	return f, rename(err, name)
}

// Create creates or truncates the file name, as os.Create does; an error
// names it as name.
func (d Dir) Create(name string) (*os.File, error) {
	f, err := os.Create(d.Path(name))
	return f, rename(err, name)
}

// MkdirAll creates the directory name and its parents, as os.MkdirAll
// does; an error names it as name.
func (d Dir) MkdirAll(name string, perm fs.FileMode) error {
	return rename(os.MkdirAll(d.Path(name), perm), name)
}

// rename gives a *fs.PathError from an operation on a path found from a
// Dir the name the user gave.
func rename(err error, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path != name {
		return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	return err
}
