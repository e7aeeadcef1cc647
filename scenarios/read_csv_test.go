package scenarios

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
)

func TestCSV(t *testing.T) {
	csv := ReadOptions{Format: FormatCSV}
	renamed := ReadOptions{TimeField: "ts", KeyField: "workspace", SizeField: "bytes"}
	const tw = "(want RFC 3339 or epoch seconds/ms/µs/ns)"
	runReadCases(t, "in.csv", []readCase{
		{name: "all columns", in: lines(
			"time,key,size",
			"2023-11-14T22:13:20Z,t1,1432",
			"1700000000.5,t2,0",
		), want: []Record{recSize(2, t0, "t1", 1432), recSize(3, t0+500e6, "t2", 0)}},
		{name: "other order, extra columns, spaces", opt: csv, in: lines(
			"id, size, note, key, time",
			`e1, 10, "a, b", k1, 1700000000000`,
			`e2, , "", k2, 2023-11-15T00:13:21+02:00`,
		), want: []Record{recSize(2, t0, "k1", 10), rec(3, t0+1e9, "k2")}},
		{name: "time only", in: lines("time", "1700000000", "", "1700000001"),
			want: []Record{rec(2, t0, ""), rec(4, t0+1e9, "")}},
		{name: "quoted multi-line key", in: "time,key\n1700000000,\"a\nb\"\n1700000001,c\n",
			want: []Record{rec(2, t0, "a\nb"), rec(4, t0+1e9, "c")}},
		{name: "renamed", opt: renamed, in: lines("ts,workspace,bytes,time", "1700000000,w,5,junk"),
			want: []Record{recSize(2, t0, "w", 5)}},
		{name: "BOM and CRLF", in: "\xEF\xBB\xBFtime,key\r\n1700000000,a\r\n",
			want: []Record{rec(2, t0, "a")}},
		{name: "header only", in: "time,key\n"},
		{name: "empty", opt: csv, in: ""},

		{name: "no time column", opt: csv, in: lines("when,key", "1,a"),
			errMsg: `in.csv:1: time: no "time" column in the CSV header "when,key"`},
		{name: "no time column but a key column", in: lines("when,key", "1,a"),
			errMsg: `in.csv:1: time: no "time" column in the CSV header "when,key"`},
		{name: "not CSV either", in: lines("when,who", "1,a"),
			errMsg: `in.csv:1: time: no "time" column in the CSV header "when,who"` +
				` (the input is not JSON lines or an access log either; name the format)`},
		{name: "no renamed time column", opt: ReadOptions{Format: FormatCSV, TimeField: "ts"}, in: lines("time,key", "1,a"),
			errMsg: `in.csv:1: ts: no "ts" column in the CSV header "time,key"`},
		{name: "bad time", in: lines("time,key", "yesterday,a"),
			errMsg: `in.csv:2: time: cannot parse "yesterday" as a time ` + tw},
		{name: "empty time", in: lines("key,time", "a,"),
			errMsg: `in.csv:2: time: missing`},
		{name: "bad size", in: lines("time,size", "1700000000,-3"),
			errMsg: `in.csv:2: size: cannot parse "-3" as a size (want a whole number of bytes)`},
		{name: "short row", in: lines("key,time", "a"),
			errMsg: `in.csv:2: the row has 1 columns, want at least 2`},
		{name: "bad quote", in: lines("time,key", `1700000000,a"b`),
			errMsg: `in.csv:2: invalid CSV at column 13: bare " in non-quoted-field`},
		{name: "bad quote in header", opt: csv, in: lines(`ti"me,key`),
			errMsg: `in.csv:1: invalid CSV at column 3: bare " in non-quoted-field`},
	})
}

func TestCSVSkipInvalid(t *testing.T) {
	in := lines("time,key,size", "1700000000,a,1", "x,b,2", `1700000001,"c`, "")
	r, got, err := readAll("in.csv", in, ReadOptions{SkipInvalid: true})
	checkErr(t, err, "")
	if len(got) != 1 || got[0] != recSize(2, t0, "a", 1) {
		t.Errorf("got %+v", got)
	}
	if r.Skipped() != 2 || len(r.FirstSkipped()) != 2 {
		t.Fatalf("Skipped() = %d, FirstSkipped() = %v", r.Skipped(), r.FirstSkipped())
	}
	if msg := r.FirstSkipped()[0].Error(); !strings.HasPrefix(msg, "in.csv:3: time: ") {
		t.Errorf("first skipped = %s", msg)
	}
}

// TestCSVRowCap: a row longer than maxLineLen stops the reading with an
// input error naming the file and line, whether it is the header, a row
// after a valid header, a quoted field full of line breaks, compressed, or
// endless; only about the cap's worth is ever read.
func TestCSVRowCap(t *testing.T) {
	defer func(n int) { maxCSVRow = n }(maxCSVRow)
	maxCSVRow = 64 << 10
	const msg = ": CSV row is longer than 64 KiB (line breaks in quoted fields included); is this CSV?"
	long := strings.Repeat("a", maxCSVRow+8<<10) // past the cap and the 4 KiB read-ahead
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Repeat("a", 1<<20))) // 1 MiB of one line, 16 times the cap, 1 KiB compressed
	zw.Close()
	for _, tc := range []struct {
		name string
		in   io.Reader
		opt  ReadOptions
		want string
	}{
		{"no newline", strings.NewReader(long), ReadOptions{}, "in.csv:1" + msg},
		{"no newline, named csv", strings.NewReader(long), ReadOptions{Format: FormatCSV}, "in.csv:1" + msg},
		{"long row", strings.NewReader("time,key\n1700000000,a\n1700000001," + long + "\n1700000002,b\n"), ReadOptions{SkipInvalid: true}, "in.csv:3" + msg},
		{"quoted line breaks", strings.NewReader("time,key\n1700000000,\"" + strings.Repeat("\n", maxCSVRow+8<<10) + "\"\n"), ReadOptions{}, "in.csv:2" + msg},
		{"gzip", bytes.NewReader(gz.Bytes()), ReadOptions{}, "in.csv:1" + msg},
		{"endless zeros", &cycleReader{data: []byte{0}}, ReadOptions{Format: FormatCSV}, "in.csv:1" + msg},
		{"endless row after a header", io.MultiReader(strings.NewReader("time\n"), &cycleReader{data: []byte("1")}), ReadOptions{}, "in.csv:2" + msg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(tc.in, "in.csv", tc.opt)
			if err == nil {
				_, err = drain(r)
			}
			checkErr(t, err, tc.want)
		})
	}
}
