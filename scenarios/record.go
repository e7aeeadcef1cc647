// Package scenarios produces the traffic that hooklimit sends or checks:
// traffic shapes, plan files, and readers of recorded traffic.
//
// The readers turn a recorded traffic file (JSON lines, CSV or a web
// server's access log, optionally gzip-compressed) into a stream of Records
// in time order. They know nothing about HTTP or rate limits: a Record is
// just a time, a partition key and, when the file has it, a size.
package scenarios

import (
	"errors"
	"regexp"
	"sort"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/workdir"
)

// Record is one recorded request: when it arrived, the partition it counts
// against, and how big its body was.
type Record struct {
	// Time is the arrival time in Unix nanoseconds (UTC).
	Time int64
	// Key is the partition key (a trigger, workspace, tenant or webhook
	// id). Input without a key field gives "", a single partition.
	Key string
	// Workspace is the workspace the request was sent to, from
	// ReadOptions.WorkspaceField; "" without that field. A
	// workspace-scoped limit adds up every key of a workspace.
	Workspace string
	// Size is the request body size in bytes. It is meaningful only when
	// HasSize is true.
	Size int64
	// HasSize reports whether the input gave a size. Access logs never do.
	HasSize bool
	// Line is the 1-based line of the source file the record came from,
	// for messages.
	Line int
}

// Reader is a stream of Records.
//
// Next returns the next record, or io.EOF after the last one. A problem
// with one line is returned as an *exitcode.InputError naming the file,
// line and field; with ReadOptions.SkipInvalid such lines are skipped
// instead, and counted by Skipped. Any other error (a failed read) is
// final. A Reader is not safe for concurrent use.
type Reader interface {
	// Next returns the next record, or io.EOF at the end of the input.
	Next() (Record, error)
	// Skipped returns how many invalid lines were skipped so far.
	Skipped() int
	// FirstSkipped returns the errors of the first few (at most
	// MaxFirstSkipped) skipped lines, in input order.
	FirstSkipped() []error
}

// MaxFirstSkipped is how many skipped-line errors a Reader keeps for
// FirstSkipped.
const MaxFirstSkipped = 5

// The formats ReadOptions.Format accepts.
const (
	FormatJSONL     = "jsonl"      // one JSON object per line
	FormatCSV       = "csv"        // comma-separated values with a header row
	FormatAccessLog = "access-log" // nginx or Apache common/combined log
)

// DefaultMaxDisorder is the disorder a reader tolerates when
// ReadOptions.MaxDisorder is zero.
const DefaultMaxDisorder = 5 * time.Second

// ReadOptions controls how recorded traffic is read. The zero value reads
// any supported format with the default field names.
type ReadOptions struct {
	// Format is FormatJSONL, FormatCSV, FormatAccessLog, or "" to detect
	// it from the first non-empty line: a line that starts with "{" means
	// JSON lines, a line that parses as an access-log line means an access
	// log, and anything else is taken for a CSV header.
	Format string

	// TimeField, KeyField and SizeField name the JSON fields or CSV
	// columns that hold the arrival time, the partition key and the body
	// size. Empty means "time", "key" and "size". Names are matched
	// exactly, case included. Only the time is required.
	TimeField, KeyField, SizeField string

	// Dir is the working directory Open finds a relative file name from;
	// the zero Dir is the process's.
	Dir workdir.Dir

	// WorkspaceField names the JSON field or CSV column that holds the
	// workspace a request was sent to. Empty means none: every record's
	// Workspace is "", and a workspace-scoped limit sees all traffic as
	// one workspace. Access logs have no such field.
	WorkspaceField string

	// KeyPattern, if set, picks the key out of an access log's request
	// path, without its query string or fragment (a secret can hide in
	// the query, and a key is printed): the capture group named "key" if
	// there is one, else the first capture group, else the whole match.
	// A path that does not match is an invalid line. When nil, the key is
	// the whole path. KeyPattern is ignored for the other formats.
	KeyPattern *regexp.Regexp

	// SkipInvalid skips invalid lines (and records beyond MaxDisorder)
	// instead of stopping at the first; the reader counts them.
	SkipInvalid bool

	// RequireKey makes a reader fail at the end of its input when records
	// came and none had KeyField: set it when the user named the key field,
	// so that a misspelt name is not read as "all traffic is one key".
	// Access logs always have a key (the path) and ignore it.
	RequireKey bool

	// MaxDisorder is how far out of time order the input may be: a record
	// may arrive up to MaxDisorder earlier than the latest record before
	// it, and is still delivered in order. Zero means DefaultMaxDisorder;
	// a negative value means the input must already be in order.
	MaxDisorder time.Duration
}

// withDefaults returns o with its empty fields set to their defaults.
func (o ReadOptions) withDefaults() ReadOptions {
	if o.TimeField == "" {
		o.TimeField = "time"
	}
	if o.KeyField == "" {
		o.KeyField = "key"
	}
	if o.SizeField == "" {
		o.SizeField = "size"
	}
	switch {
	case o.MaxDisorder == 0:
		o.MaxDisorder = DefaultMaxDisorder
	case o.MaxDisorder < 0:
		o.MaxDisorder = 0
	}
	return o
}

// skipLog counts skipped lines and keeps the first few errors. Readers
// embed it to provide Skipped and FirstSkipped.
type skipLog struct {
	n     int
	first []error
}

// Skipped returns how many invalid lines were skipped so far.
func (s *skipLog) Skipped() int { return s.n }

// FirstSkipped returns the errors of the first skipped lines.
func (s *skipLog) FirstSkipped() []error { return s.first }

// add records one skipped line.
func (s *skipLog) add(err error) {
	s.n++
	if len(s.first) < MaxFirstSkipped {
		s.first = append(s.first, err)
	}
}

// handle decides what to do with a line error: with skip it is logged
// and handle returns nil, otherwise it returns err.
func (s *skipLog) handle(err error, skip bool) error {
	var in *exitcode.InputError
	if skip && errors.As(err, &in) {
		s.add(err)
		return nil
	}
	return err
}

// mergeSkipped merges two lists of skipped-line errors by line and keeps
// the first MaxFirstSkipped.
func mergeSkipped(a, b []error) []error {
	if len(b) == 0 {
		return a
	}
	out := append(append([]error(nil), a...), b...)
	sort.SliceStable(out, func(i, j int) bool { return errLine(out[i]) < errLine(out[j]) })
	if len(out) > MaxFirstSkipped {
		out = out[:MaxFirstSkipped]
	}
	return out
}

// errLine returns the line an *exitcode.InputError names, or 0.
func errLine(err error) int {
	var in *exitcode.InputError
	if errors.As(err, &in) {
		return in.Line
	}
	return 0
}

// interner returns one shared string for each distinct key, so repeated
// keys cost no allocation.
type interner struct {
	m map[string]string
}

// Limits on the interner: keys longer than maxInternLen, or arriving after
// maxInterned distinct keys, are allocated each time.
const (
	maxInternLen = 256
	maxInterned  = 1 << 16
)

// str returns b as a string, shared with earlier equal keys when possible.
func (in *interner) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > maxInternLen {
		return string(b)
	}
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if in.m == nil {
		in.m = make(map[string]string)
	}
	if len(in.m) < maxInterned {
		in.m[s] = s
	}
	return s
}

// fromString is str for a string that may share memory with a larger
// one: a new key is copied so that it does not keep the larger one alive.
func (in *interner) fromString(s string) string {
	if s, ok := in.m[s]; ok {
		return s
	}
	return in.str([]byte(s))
}
