package scenarios

import (
	"bufio"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// readCase is one table entry for the reader tests: input read with opt
// should give want and then the error errMsg ("" for a clean io.EOF).
type readCase struct {
	name   string
	opt    ReadOptions
	in     string
	want   []Record
	errMsg string
}

// drain reads r to the end or to its first error.
func drain(r Reader) ([]Record, error) {
	var recs []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}

// readAll reads in, named file, with opt.
func readAll(file, in string, opt ReadOptions) (Reader, []Record, error) {
	r, err := NewReader(strings.NewReader(in), file, opt)
	if err != nil {
		return nil, nil, err
	}
	recs, err := drain(r)
	return r, recs, err
}

// runReadCases checks each case, reading its input as the named file.
func runReadCases(t *testing.T, file string, cases []readCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, got, err := readAll(file, tc.in, tc.opt)
			checkErr(t, err, tc.errMsg)
			if !slices.Equal(got, tc.want) {
				t.Errorf("records:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// checkErr checks that err is nil when want is "", and otherwise an
// *exitcode.InputError with the message want.
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var in *exitcode.InputError
	if !errors.As(err, &in) {
		t.Fatalf("error = %v (%T), want *exitcode.InputError %q", err, err, want)
	}
	if err.Error() != want {
		t.Errorf("error:\n got %s\nwant %s", err, want)
	}
}

// lines joins lines with newlines and adds a final one.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// rec builds a Record without a size.
func rec(line int, t int64, key string) Record { return Record{Time: t, Key: key, Line: line} }

// recSize builds a Record with a size.
func recSize(line int, t int64, key string, size int64) Record {
	return Record{Time: t, Key: key, Size: size, HasSize: true, Line: line}
}

// bufioReader returns a buffered reader of s, as NewReader makes.
func bufioReader(s string) *bufio.Reader {
	return bufio.NewReaderSize(strings.NewReader(s), bufSize)
}
