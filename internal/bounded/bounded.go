// Package bounded reads whole files and streams into memory under a cap, so
// that a huge or endless input (such as /dev/zero) is an input error naming
// the file instead of an out-of-memory crash.
package bounded

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/hooklimit/hooklimit/internal/workdir"
)

// MaxConfigFile is the largest profile, plan or body template file read:
// 16 MiB, far more than any real one needs.
const MaxConfigFile = 16 << 20

// ReadFile reads the file name, found from dir, a what ("profile",
// "plan", ...), of at most max bytes. Errors are *exitcode.InputError
// values naming the file.
func ReadFile(dir workdir.Dir, name, what string, max int64) ([]byte, error) {
	f, err := dir.Open(name)
	if err != nil {
		return nil, openErr(name, what, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, inputErr(name, "is a directory, want a "+what+" file")
	}
	return ReadAll(f, name, what, max)
}

// ReadAll reads r, the contents of the file name, to the end, if it is at
// most max bytes long.
func ReadAll(r io.Reader, name, what string, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, inputErr(name, "cannot read "+what+": "+unwrapPath(err).Error())
	}
	if int64(len(data)) > max {
		return nil, inputErr(name, fmt.Sprintf("is longer than %s, the most a %s may hold", Size(max), what))
	}
	return data, nil
}

// Size formats a cap of whole MiB or KiB, such as "16 MiB".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// openErr is the error of a file that does not open; err.Is still finds
// the cause (such as fs.ErrNotExist).
func openErr(name, what string, err error) error {
	return &openError{inputErr(name, "cannot read "+what+": "+unwrapPath(err).Error()), err}
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
