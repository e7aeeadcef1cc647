package scenarios

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/golden"
)

// TestFixtures reads each traffic file in testdata, skipping invalid
// lines, and compares what it read with the file's .golden twin.
func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*")
	for _, file := range files {
		if strings.HasSuffix(file, ".golden") || !isRegular(file) {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			r, closer, err := Open(file, nil, ReadOptions{SkipInvalid: true})
			if err != nil {
				t.Fatal(err)
			}
			defer closer.Close()
			got := render(r)
			golden.Assert(t, file+".golden", []byte(got))
		})
	}
}

// isRegular reports whether name is a regular file.
func isRegular(name string) bool {
	st, err := os.Stat(name)
	return err == nil && st.Mode().IsRegular()
}

// render describes everything r delivers, one record a line.
func render(r Reader) string {
	var b strings.Builder
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(&b, "error: %v\n", err)
			break
		}
		fmt.Fprintf(&b, "line %d\t%s\tkey=%q", rec.Line, time.Unix(0, rec.Time).UTC().Format(time.RFC3339Nano), rec.Key)
		if rec.HasSize {
			fmt.Fprintf(&b, "\tsize=%d", rec.Size)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "skipped %d\n", r.Skipped())
	for _, err := range r.FirstSkipped() {
		fmt.Fprintf(&b, "\t%v\n", err)
	}
	return b.String()
}

func TestOpenStdin(t *testing.T) {
	for _, name := range []string{"traffic.jsonl", "traffic.csv", "access.log", "traffic.jsonl.gz"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		r, closer, err := Open("-", bytes.NewReader(data), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got := render(r)
		if err := closer.Close(); err != nil {
			t.Error(err)
		}
		r2, closer2, err := Open("testdata/"+name, nil, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if want := render(r2); got != want {
			t.Errorf("%s on stdin:\n%s\nwant\n%s", name, got, want)
		}
		closer2.Close()
	}

	r, _, err := Open("-", nil, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("nil stdin: Next() error = %v, want io.EOF", err)
	}
	r, _, _ = Open("-", strings.NewReader(`{"time": "x"}`), ReadOptions{})
	_, err = r.Next()
	checkErr(t, err, `-:1: time: cannot parse "x" as a time (want RFC 3339 or epoch seconds/ms/µs/ns)`)
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		opt  ReadOptions
		msg  string
	}{
		{"testdata/missing.jsonl", ReadOptions{}, "testdata/missing.jsonl: cannot open: no such file or directory"},
		{"testdata", ReadOptions{}, "testdata: is a directory, want a traffic file"},
		{"testdata/traffic.jsonl", ReadOptions{Format: "xml"},
			`flag --input-format: unknown format "xml" (want jsonl, csv or access-log)`},
		{"testdata/access.log", ReadOptions{Format: FormatCSV},
			`testdata/access.log:1: invalid CSV at column 46: bare " in non-quoted-field`},
		{"testdata/traffic.csv", ReadOptions{Format: FormatCSV, TimeField: "when"},
			`testdata/traffic.csv:1: when: no "when" column in the CSV header "id,time,key,size,note"`},
	}
	for _, tt := range tests {
		_, closer, err := Open(tt.name, nil, tt.opt)
		checkErr(t, err, tt.msg)
		if closer != nil {
			t.Errorf("Open(%q) returned a closer with an error", tt.name)
		}
	}
}

// gz compresses s.
func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestGzip(t *testing.T) {
	jsonl := lines(`{"time": 1700000000, "key": "a"}`, `{"time": 1700000001, "key": "b"}`)
	want := []Record{rec(1, t0, "a"), rec(2, t0+1e9, "b")}

	// Detected by content, whatever the name; two gzip members in a row.
	data := append(gz(jsonl[:33]), gz(jsonl[33:])...)
	r, err := NewReader(bytes.NewReader(data), "upload.bin", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := drain(r)
	checkErr(t, err, "")
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}

	// A CSV and an access log, compressed.
	for _, in := range []string{"time,key\n1700000000,a\n", `h - - [14/Nov/2023:22:13:20 +0000] "POST a HTTP/1.1" 200 1` + "\n"} {
		_, got, err := readAll("x.gz", string(gz(in)), ReadOptions{})
		checkErr(t, err, "")
		if len(got) != 1 || got[0].Time != t0 || got[0].Key != "a" {
			t.Errorf("%q: got %+v", in, got)
		}
	}

	// Damaged: cut short, a bad checksum, a bad header.
	whole := gz(jsonl)
	badSum := bytes.Clone(whole)
	badSum[len(badSum)-5] ^= 0xff
	tests := []struct {
		data   []byte
		format string
		msg    string
	}{
		// Found while detecting the format: no line yet.
		{whole[:len(whole)-10], "", "x.gz: corrupt input: unexpected EOF"},
		{badSum, "", "x.gz: corrupt input: gzip: invalid checksum"},
		{[]byte{0x1f, 0x8b, 0, 0}, "", "x.gz: corrupt input: unexpected EOF"},
		{[]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, "", "x.gz: corrupt input: flate: corrupt input before offset 1"},
		// Found while reading lines: after the complete ones.
		{whole[:len(whole)-10], FormatJSONL, "x.gz:3: corrupt input: unexpected EOF"},
		{badSum, FormatJSONL, "x.gz:3: corrupt input: gzip: invalid checksum"},
	}
	for _, tt := range tests {
		_, _, err := readAll("x.gz", string(tt.data), ReadOptions{Format: tt.format})
		checkErr(t, err, tt.msg)
	}

	// Corrupt input is never skipped, whatever the format.
	for _, in := range []string{
		lines(`{"time": 1700000000}`, `{"time": 1700000001}`),
		lines("time", "1700000000", "1700000001"),
		lines(`h - - [14/Nov/2023:22:13:20 +0000] "POST a HTTP/1.1" 200 1`, `h - - [14/Nov/2023:22:13:21 +0000] "POST a HTTP/1.1" 200 1`),
	} {
		data := gz(strings.Repeat(in, 1000))
		format := FormatJSONL
		if strings.HasPrefix(in, "time") {
			format = FormatCSV
		} else if strings.HasPrefix(in, "h ") {
			format = FormatAccessLog
		}
		_, _, err := readAll("x.gz", string(data[:len(data)-10]), ReadOptions{Format: format, SkipInvalid: true})
		if !strings.HasSuffix(fmt.Sprint(err), ": corrupt input: unexpected EOF") {
			t.Errorf("%s: error = %v, want corrupt input", format, err)
		}
	}
}

// failingReader returns its data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadFailure(t *testing.T) {
	boom := errors.New("disk on fire")
	for _, format := range []string{FormatJSONL, FormatCSV, FormatAccessLog} {
		in := &failingReader{data: []byte("time\n1700000000\n"), err: boom}
		_, _, err := readAll2(in, format)
		if !errors.Is(err, boom) || exitcode.Of(err) != exitcode.Runtime || !strings.HasPrefix(err.Error(), "in: ") {
			t.Errorf("%s: error = %v, want a runtime error wrapping %v", format, err, boom)
		}
	}
}

// readAll2 reads in with the given format, named "in".
func readAll2(in io.Reader, format string) (Reader, []Record, error) {
	r, err := NewReader(in, "in", ReadOptions{Format: format, SkipInvalid: true})
	if err != nil {
		return nil, nil, err
	}
	recs, err := drain(r)
	return r, recs, err
}

func TestDetect(t *testing.T) {
	const logLine = `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "POST /hooks/t1 HTTP/1.1" 200 2326 "-" "curl/8"`
	tests := []struct{ in, want string }{
		{"", FormatJSONL},
		{"\n \n\t\n", FormatJSONL},
		{`{"time": 1}`, FormatJSONL},
		{"\xEF\xBB\xBF\r\n  {\"time\": 1}\r\n", FormatJSONL},
		{"{" + strings.Repeat(" ", 100<<10), FormatJSONL},
		{logLine + "\n", FormatAccessLog},
		{"\n\n" + logLine, FormatAccessLog},
		{`::1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 -`, FormatAccessLog},
		{strings.Replace(logLine, "/hooks/t1", "/"+strings.Repeat("x", 10<<10), 1), FormatAccessLog},
		{"time,key,size\n", FormatCSV},
		{"time\n", FormatCSV},
		{`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "POST /" 200`, FormatAccessLog},
		{`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] POST / 200`, FormatCSV},
		{"time,key\n2024-05-01T12:00:00Z,caf\xc3", FormatCSV}, // a rune cut at the buffer's end
	}
	for _, tt := range tests {
		br := bufioReader(tt.in)
		got, err := detect(br)
		if err != nil || got != tt.want {
			t.Errorf("detect(%.40q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if rest, _ := io.ReadAll(br); string(rest) != tt.in {
			t.Errorf("detect(%.40q) consumed input", tt.in)
		}
	}
}

func TestDetectNotTraffic(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"JSON array", "[{\"time\": 1}, {\"time\": 2}]\n", "is a JSON array, not JSON lines (one object per line): convert it with jq -c '.[]' in.json > in.jsonl"},
		{"JSON array, pretty", "\n  [\n    {\"time\": 1}\n  ]\n", "is a JSON array"},
		{"HTML", "<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n", "is an HTML page, not recorded traffic"},
		{"HTML, lower case", "<html>\n", "is an HTML page"},
		{"XML", "<?xml version=\"1.0\"?>\n<log/>\n", "is an XML document, not recorded traffic"},
		{"NUL bytes", "time\x00key\n", "is a binary file, not recorded traffic"},
		{"invalid UTF-8", "\xb2\x33\x8a\x3e\xb0\x8f\n", "is a binary file"},
		{"PNG", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file"},
		{"invalid UTF-8 before a cut rune", "ab\xffc\xe2\x82", "is a binary file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.in), "in.json", ReadOptions{})
			want := "in.json:1: " + tt.want
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("NewReader: %v; want %q...", err, want)
			}
			if exitcode.Of(err) != exitcode.Usage {
				t.Errorf("exit code %d, want %d", exitcode.Of(err), exitcode.Usage)
			}
		})
	}
	// A format given by the user is not second-guessed.
	if _, err := NewReader(strings.NewReader("[1, 2]\n"), "in.csv", ReadOptions{Format: FormatCSV}); err != nil && strings.Contains(err.Error(), "JSON array") {
		t.Errorf("NewReader with --input-format csv: %v", err)
	}
}
