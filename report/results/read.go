package results

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/hooklimit/hooklimit/internal/bounded"
	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/linescan"
	"github.com/hooklimit/hooklimit/internal/workdir"
	"github.com/hooklimit/hooklimit/report"
)

// The types of results-file lines ReadFile knows. Lines of other
// types are counted and skipped, so that newer files still read.
const (
	LineAttempt      = "attempt"       // run: Writer.Attempt
	LineRequest      = "request"       // serve: Writer.ServeRequest
	LineProbeRequest = "probe_request" // probe: Writer.ProbeRequest
	LineResult       = "result"        // every command: Writer.Result
	// LineStart, the first line of run and serve, is defined with startLine.
)

// maxLine bounds one line of a results file: a result line carries every
// key's rows and a timeline, which can run to megabytes.
var maxLine = 256 << 20 // a variable so that tests can lower it

// maxStdin bounds a results file read from standard input, which is held
// in memory (a named file is streamed, and has no such cap): 64 MiB, which
// keeps the process under a few hundred MiB. Tests lower it.
var maxStdin = 64 << 20

// File is a results file read back (see Writer): its result,
// decoded by the kind its last result line names, and what its other
// lines hold. The output of `hooklimit ... --format json` (the result
// alone, one JSON object, indented or on one line) reads too.
type File struct {
	Name    string
	Kind    string // one of ResultKinds
	Result  report.Result
	Verdict report.Verdict
	// Lines counts the lines of each type ("attempt", "request",
	// "probe_request", "result", and any other).
	Lines map[string]int64
	// Timeline is the result's own timeline when it has one, else one
	// counted from the attempt or request lines, else nil.
	Timeline *report.Timeline
	// ResultLine is the line of the result (1 for a JSON document).
	ResultLine int
	// Truncated says the file was cut short: its last line, TornLine, had
	// no line ending and was not whole JSON (the writer was killed while
	// writing it). It was dropped; what the file holds is incomplete.
	Truncated bool
	TornLine  int

	start    *startLine // the start line, if any (run and serve)
	startAt  int        // its line number
	lastLine int        // the number of the last whole line

	data []byte      // the whole file, for stdin; nil for a named file
	dir  workdir.Dir // where a named file is found from
	doc  bool        // a JSON document rather than JSON Lines
}

// ReadFile reads the results file name, found from the working directory
// dir ("-" reads stdin, which is then held in memory, up to maxStdin).
// Gzip-compressed files are read as they are. Every line is checked; a
// bad one is an *exitcode.InputError naming the file, the line and the
// field, as is a file with no result line.
func ReadFile(dir workdir.Dir, name string, stdin io.Reader) (*File, error) {
	rf := &File{Name: name, Lines: map[string]int64{}, dir: dir}
	if name == "-" {
		if stdin == nil {
			stdin = strings.NewReader("")
		}
		data, err := io.ReadAll(io.LimitReader(stdin, int64(maxStdin)+1))
		if err != nil {
			return nil, exitcode.Runtimef("-: %v", err)
		}
		if len(data) > maxStdin {
			return nil, &exitcode.InputError{File: name, Msg: "standard input is longer than " + bounded.Size(int64(maxStdin)) + ", the most held in memory: give the results file by name"}
		}
		rf.data = data
	}
	if err := rf.read(); err != nil {
		return nil, err
	}
	return rf, nil
}

// Parse reads a results file held in memory, named name in errors.
func Parse(name string, data []byte) (*File, error) {
	rf := &File{Name: name, Lines: map[string]int64{}, data: data}
	if err := rf.read(); err != nil {
		return nil, err
	}
	return rf, nil
}

// open returns the file's contents, decompressed.
func (rf *File) open() (io.Reader, io.Closer, error) {
	var r io.Reader
	var c io.Closer = io.NopCloser(nil)
	if rf.data != nil {
		r = bytes.NewReader(rf.data)
	} else {
		f, err := rf.dir.Open(rf.Name)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, nil, &exitcode.InputError{File: rf.Name, Msg: "cannot open: " + err.Error()}
		}
		if st, err := f.Stat(); err == nil && st.IsDir() {
			f.Close()
			return nil, nil, &exitcode.InputError{File: rf.Name, Msg: "is a directory, want a results file"}
		}
		r, c = f, f
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			c.Close()
			return nil, nil, &exitcode.InputError{File: rf.Name, Msg: "bad gzip data: " + err.Error()}
		}
		return zr, c, nil
	}
	return br, c, nil
}

// scan calls f with each line that is not blank and its number. A last
// line cut short (no line ending, and not JSON) is a torn line, the mark
// of a writer that was killed: the
// line is dropped, f never sees it, and the file is marked Truncated. Lines are read in time
// linear in their length, and one longer than maxLine is an input error.
func (rf *File) scan(f func(n int, line []byte) error) error {
	r, c, err := rf.open()
	if err != nil {
		return err
	}
	defer c.Close()
	lr := &linescan.Reader{R: bufio.NewReaderSize(r, 64<<10), Max: maxLine}
	for {
		line, err := lr.Next()
		switch {
		case err == io.EOF:
			return nil
		case linescan.IsTooLong(err):
			return &exitcode.InputError{File: rf.Name, Line: lr.Line, Msg: "line longer than " + bounded.Size(int64(maxLine))}
		case errors.Is(err, io.ErrUnexpectedEOF):
			// Compressed data cut short: a torn line too.
			rf.Truncated, rf.TornLine = true, lr.Line+1
			return nil
		case err != nil:
			return &exitcode.InputError{File: rf.Name, Line: lr.Line + 1, Msg: "cannot read: " + err.Error()}
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if lr.Torn && !json.Valid(line) {
			rf.Truncated, rf.TornLine = true, lr.Line
			return nil
		}
		if err := f(lr.Line, line); err != nil {
			return err
		}
	}
}

// Report returns the report of the file alone.
func (rf *File) Report() *report.Report {
	r := &report.Report{Kind: rf.Kind, Result: rf.Result, Verdict: rf.Verdict, Timeline: rf.Timeline, Files: []string{rf.Name}}
	if note := rf.TruncatedNote(); note != "" {
		r.Notes = []string{note}
	}
	return r
}

// TruncatedNote says that the file was cut short, for a report to show.
func (rf *File) TruncatedNote() string {
	if !rf.Truncated {
		return ""
	}
	return fmt.Sprintf("%s was cut short: its last line, %d, is torn and was dropped; the result is incomplete", rf.Name, rf.TornLine)
}

// errDocument stops the line scan: the file is one JSON document.
var errDocument = errors.New("a JSON document")

// read is the first pass: it checks every line, counts a timeline from
// the attempt and request lines, and decodes the last result.
func (rf *File) read() error {
	tb := report.NewTimelineBuilder(nil)
	tb.CountBytes()
	var result []byte
	var l resultLine
	err := rf.scan(func(n int, line []byte) error {
		if len(rf.Lines) == 0 && string(line) == "{" {
			return errDocument
		}
		if err := l.decode(line); err != nil {
			return rf.lineErr(n, "", err)
		}
		rf.Lines[l.Type]++
		rf.lastLine = n
		switch l.Type {
		case LineStart:
			st, err := decodeStart(line)
			if err != nil {
				return rf.lineErr(n, "", err)
			}
			if rf.start == nil {
				rf.start, rf.startAt = st, n
			}
		case LineAttempt:
			a, err := l.attempt()
			if err != nil {
				return rf.lineErr(n, "", err)
			}
			tb.Add(a.Sent, a.Size, a.Accepted(), a.Status == 429)
		case LineRequest:
			r, err := l.serveRecord()
			if err != nil {
				return rf.lineErr(n, "", err)
			}
			tb.Add(r.Time, r.Size, r.Accepted(), r.Status == 429)
		case LineProbeRequest:
			t, size, status, err := l.probeRequest()
			if err != nil {
				return rf.lineErr(n, "", err)
			}
			tb.Add(t, size, status >= 200 && status <= 299, status == 429)
		case LineResult:
			if len(l.Result) == 0 || string(l.Result) == "null" {
				return rf.lineErr(n, "", report.FieldErrorf("result", "missing"))
			}
			result = append(result[:0], l.Result...)
			rf.ResultLine = n
		}
		return nil
	})
	if errors.Is(err, errDocument) {
		return rf.readDocument()
	}
	if err != nil {
		return err
	}
	switch {
	case result == nil && rf.start != nil:
		// Cut short before its result line: what its lines hold.
		if err := rf.rebuild(); err != nil {
			return err
		}
	case result == nil:
		const rebuild = "; only a file with a start line (written by hooklimit run and serve since they have one) can be rebuilt without its result line"
		msg := "no result line and no start line: not a results file, or the command that wrote it did not finish and an older hooklimit wrote it" + rebuild
		switch {
		case rf.Truncated && len(rf.Lines) == 0:
			msg = fmt.Sprintf("cut short at line %d (a torn line) with no whole line before it: nothing to report", rf.TornLine)
		case rf.Truncated:
			msg = fmt.Sprintf("cut short at line %d (a torn last line), with no result line and no start line: the command that wrote it did not finish", rf.TornLine) + rebuild
		case len(rf.Lines) == 0:
			msg = "empty: no result line"
		}
		return &exitcode.InputError{File: rf.Name, Msg: msg}
	default:
		if err := rf.decodeResult(result, "result."); err != nil {
			return err
		}
		if rf.Truncated {
			rf.markTruncated()
		}
	}
	if rf.Timeline == nil && rf.Lines[LineAttempt]+rf.Lines[LineRequest]+rf.Lines[LineProbeRequest] > 0 {
		rf.Timeline = tb.Timeline()
		rf.Timeline.Profile = rf.profileSpec()
		if !hasByteLimit(rf.Timeline.Profile) {
			rf.Timeline.Bytes = nil
		}
	}
	return nil
}

// readDocument reads a file that is one JSON object: a result as
// --format json prints it.
func (rf *File) readDocument() error {
	r, c, err := rf.open()
	if err != nil {
		return err
	}
	defer c.Close()
	data, err := io.ReadAll(io.LimitReader(r, int64(maxLine)+1))
	if err != nil {
		return &exitcode.InputError{File: rf.Name, Msg: "cannot read: " + err.Error()}
	}
	if len(data) > maxLine {
		return &exitcode.InputError{File: rf.Name, Msg: "longer than " + bounded.Size(int64(maxLine))}
	}
	rf.doc, rf.ResultLine = true, 1
	rf.Lines[LineResult] = 1
	if err := rf.decodeResult(data, ""); err != nil {
		var in *exitcode.InputError
		if errors.As(err, &in) && in.Line < 0 {
			in.Line = 1 + bytes.Count(data[:min(-in.Line-1, len(data))], []byte("\n"))
		}
		return err
	}
	return nil
}

// hasByteLimit reports whether the profile has a byte limit.
func hasByteLimit(p *report.ProfileSpec) bool {
	if p == nil {
		return false
	}
	for _, l := range p.Limits {
		if l.Unit == "bytes" {
			return true
		}
	}
	return false
}

// profileSpec returns the spec of the profile of the file's result: its
// own when it carries one, else the built-in profile of its name.
func (rf *File) profileSpec() *report.ProfileSpec {
	switch r := rf.Result.(type) {
	case *report.RunResult:
		if r.Timeline != nil && r.Timeline.Profile != nil {
			return r.Timeline.Profile
		}
		return report.BuiltinSpec(r.Profile)
	case *report.CheckResult:
		if r.Timeline != nil && r.Timeline.Profile != nil {
			return r.Timeline.Profile
		}
		if len(r.Profiles) > 0 {
			return report.BuiltinSpec(r.Profiles[0])
		}
	case *report.ServeResult:
		return report.BuiltinSpec(r.Profile)
	case *report.ProbeResult:
		return report.BuiltinSpec(r.Profile)
	case *report.CompareResult:
		if len(r.Runs) > 0 {
			return report.BuiltinSpec(r.Runs[0].Profile)
		}
	}
	return nil
}

// lineErr places err, from line n, in the file.
func (rf *File) lineErr(n int, prefix string, err error) error {
	in := &exitcode.InputError{File: rf.Name, Line: n, Msg: err.Error()}
	var fe *report.FieldError
	var se *syntaxErr
	switch {
	case errors.As(err, &fe):
		in.Field, in.Msg = strings.TrimSuffix(prefix+fe.Field, "."), fe.Msg
	case errors.As(err, &se):
		in.Msg = se.msg
		if rf.doc {
			in.Line = -1 - int(se.offset) // readDocument turns the offset into a line
		}
	}
	return in
}
