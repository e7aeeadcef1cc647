package scenarios

import (
	"strings"
	"testing"
	"unsafe"
)

func TestJSONL(t *testing.T) {
	jsonl := ReadOptions{Format: FormatJSONL}
	renamed := ReadOptions{TimeField: "ts", KeyField: "workspace", SizeField: "bytes"}
	const tw = "(want RFC 3339 or epoch seconds/ms/µs/ns)"
	runReadCases(t, "in.jsonl", []readCase{
		{name: "all fields", in: lines(
			`{"time": "2023-11-14T22:13:20Z", "key": "t1", "size": 1432}`,
			`{"time":"2023-11-14T22:13:20.5Z","key":"t2","size":0}`,
		), want: []Record{recSize(1, t0, "t1", 1432), recSize(2, t0+500e6, "t2", 0)}},
		{name: "time forms", opt: jsonl, in: lines(
			`{"time": 1700000000}`,
			`{"time": 1700000000.25}`,
			`{"time": 1700000000500}`,
			`{"time": 1700000000750000}`,
			`{"time": 1700000001000000000}`,
			`{"time": "1700000001.5"}`,
			`{"time": 1.700000002e9}`,
			`{"time": "2023-11-15T00:13:22.5+02:00"}`,
			`{"time": "2023-11-14T22:13:22.75Z"}`,
		), want: []Record{
			rec(1, t0, ""), rec(2, t0+250e6, ""), rec(3, t0+500e6, ""), rec(4, t0+750e6, ""),
			rec(5, t0+1e9, ""), rec(6, t0+1500e6, ""), rec(7, t0+2e9, ""), rec(8, t0+2500e6, ""),
			rec(9, t0+2750e6, ""),
		}},
		{name: "key forms", in: lines(
			`{"time": 1700000000, "key": 42}`,
			`{"time": 1700000000, "key": "caf\u00e9 \"x\""}`,
			`{"time": 1700000000, "key": null}`,
			`{"time": 1700000000, "key": ""}`,
			`{"time": 1700000000, "key": -1.5e3}`,
			`{"time": 1700000000, "key": "\ud83d\ude00"}`,
		), want: []Record{
			rec(1, t0, "42"), rec(2, t0, `café "x"`), rec(3, t0, ""), rec(4, t0, ""),
			rec(5, t0, "-1.5e3"), rec(6, t0, "😀"),
		}},
		{name: "size forms", in: lines(
			`{"time": 1700000000, "size": 10}`,
			`{"time": 1700000000, "size": "11"}`,
			`{"time": 1700000000, "size": null}`,
			`{"time": 1700000000}`,
		), want: []Record{recSize(1, t0, "", 10), recSize(2, t0, "", 11), rec(3, t0, ""), rec(4, t0, "")}},
		{name: "renamed fields", opt: renamed, in: lines(
			`{"ts": 1700000000, "workspace": "w1", "bytes": 7, "time": "junk", "key": {}, "size": -1}`,
		), want: []Record{recSize(1, t0, "w1", 7)}},
		{name: "escaped field names", in: lines(
			`{"t\u0069me": 1700000000, "\u006bey": "a"}`,
		), want: []Record{rec(1, t0, "a")}},
		{name: "other fields skipped", in: lines(
			`{"id": "e1", "body": {"a": [1, 2.5, -3e2, {"b": null}], "c": "}\"{"}, "ok": true, "no": false,` +
				` "empty": {}, "list": [], "time": 1700000000, "key": "k"}`,
		), want: []Record{rec(1, t0, "k")}},
		{name: "last duplicate wins", in: lines(
			`{"time": 1, "key": "a", "time": 1700000000, "key": "b"}`,
		), want: []Record{rec(1, t0, "b")}},
		{name: "whitespace, blank lines, CRLF and BOM", in: "\xEF\xBB\xBF" +
			"\t{ \"time\" : 1700000000 , \"key\" : \"a\" }  \r\n\n   \n{\"time\":1700000000}",
			want: []Record{rec(1, t0, "a"), rec(4, t0, "")}},
		{name: "empty input", in: ""},

		{name: "missing time", in: `{"key": "a"}`, errMsg: `in.jsonl:1: time: missing; the line has fields "key": name the time field with --time-field NAME (and the key's with --key-field NAME)`},
		{name: "missing time, other fields", in: `{"ts": "2024-01-01T00:00:00Z", "trigger": "a", "n": 1}`, errMsg: `in.jsonl:1: time: missing; the line has fields "ts", "trigger", "n": name the time field with --time-field ts (and the key's with --key-field NAME)`},
		{name: "missing time, epoch field", in: `{"count": 3, "at": 1700000000}`, errMsg: `in.jsonl:1: time: missing; the line has fields "count", "at": name the time field with --time-field at (and the key's with --key-field NAME)`},
		{name: "missing time, no fields", in: `{}`, errMsg: `in.jsonl:1: time: missing; the line has no fields`},
		{name: "missing renamed time", opt: renamed, in: `{"time": 1700000000}`, errMsg: `in.jsonl:1: ts: missing; the line has fields "time": name the time field with --time-field time (and the key's with --key-field NAME)`},
		{name: "null time", in: `{"time": null}`, errMsg: "in.jsonl:1: time: is null, want a time"},
		{name: "bad time string", in: `{"time": "abc"}`, errMsg: `in.jsonl:1: time: cannot parse "abc" as a time ` + tw},
		{name: "bad time escaped", in: `{"time": "a\tb"}`, errMsg: `in.jsonl:1: time: cannot parse "a\tb" as a time ` + tw},
		{name: "bad time bool", in: `{"time": true}`, errMsg: `in.jsonl:1: time: cannot parse true as a time ` + tw},
		{name: "bad time object", in: `{"time": {"s": 1}}`, errMsg: `in.jsonl:1: time: cannot parse {"s": 1} as a time ` + tw},
		{name: "time out of range", in: `{"time": 1e300}`,
			errMsg: `in.jsonl:1: time: 1e300 is out of range (want a time from 1900-01-01T00:00:00Z to 2189-12-31T23:59:59.999999999Z)`},
		{name: "bad key", in: `{"time": 1700000000, "key": [1]}`,
			errMsg: `in.jsonl:1: key: cannot use [1] as a key (want a string or number)`},
		{name: "bad key bool", in: `{"time": 1700000000, "key": false}`,
			errMsg: `in.jsonl:1: key: cannot use false as a key (want a string or number)`},
		{name: "negative size", in: `{"time": 1700000000, "size": -1}`,
			errMsg: `in.jsonl:1: size: cannot parse -1 as a size (want a whole number of bytes)`},
		{name: "fractional size", in: `{"time": 1700000000, "size": 1.5}`,
			errMsg: `in.jsonl:1: size: cannot parse 1.5 as a size (want a whole number of bytes)`},
		{name: "size string", in: `{"time": 1700000000, "size": "big"}`,
			errMsg: `in.jsonl:1: size: cannot parse "big" as a size (want a whole number of bytes)`},
		{name: "size bool", opt: renamed, in: `{"ts": 1700000000, "bytes": true}`,
			errMsg: `in.jsonl:1: bytes: cannot parse true as a size (want a whole number of bytes)`},
		{name: "error on a later line", in: lines(`{"time": 1700000000}`, ``, `{"time": "x"}`),
			// The reorder stage still holds line 1 when line 3 fails.
			errMsg: `in.jsonl:3: time: cannot parse "x" as a time ` + tw},
	})
}

func TestJSONLSyntaxErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{`[1]`, "column 1: not a JSON object"},
		{`"time"`, "column 1: not a JSON object"},
		{`{`, "column 2: want a field name"},
		{`{"time"}`, "column 8: want ':' after a field name"},
		{`{"time": }`, "column 10: invalid value"},
		{`{"time": 1,}`, "column 12: want a field name"},
		{`{"time": 1 "key": 2}`, "column 12: want ',' or '}' after a value"},
		{`{"time": 1}}`, "column 12: unexpected text after the object"},
		{`{"time": 1} {"time": 2}`, "column 13: unexpected text after the object"},
		{`{"time": 01}`, "column 11: want ',' or '}' after a value"},
		{`{"time": 1.}`, "column 12: invalid number"},
		{`{"time": 1e}`, "column 12: invalid number"},
		{`{"time": -}`, "column 10: invalid value"},
		{`{"time": +1}`, "column 10: invalid value"},
		{`{"time": tru}`, "column 10: invalid value"},
		{`{"time": nul}`, "column 10: invalid value"},
		{`{"time": 'x'}`, "column 10: invalid value"},
		{`{"time": "x}`, "column 13: unterminated string"},
		{`{"time": "\x"}`, "column 11: invalid escape in string"},
		{`{"time": "\u12"}`, "column 11: invalid \\u escape in string"},
		{"{\"time\": \"a\tb\"}", "column 12: control character in string"},
		{`{"a": [1 2]}`, "column 10: want ',' or ']'"},
		{`{"a": {"b" 1}}`, "column 12: want ':' after a field name"},
		{`{"a": {1: 2}}`, "column 8: want a field name"},
		{`{"a": [1,]}`, "column 10: invalid value"},
		{`{"a": `, "column 7: want a value"},
		{`{"a": [`, "column 8: want a value"},
		{strings.Repeat(`{"a":`, maxJSONDepth+1), "column 50001: nested too deeply"},
	}
	for _, tt := range tests {
		_, _, err := readAll("in.jsonl", tt.in, ReadOptions{Format: FormatJSONL})
		checkErr(t, err, "in.jsonl:1: invalid JSON at "+tt.msg)
	}
}

func TestJSONLSkipInvalid(t *testing.T) {
	in := lines(
		`{"time": 1700000000, "key": "a"}`,
		`not json`,
		`{"time": "x"}`,
		`{"time": 1700000001, "key": "b"}`,
		`{"key": "c"}`,
		`{"time": 1700000002, "size": -5}`,
		`{"time": 1700000002, "key": []}`,
		`{"time": 1700000003, "key": "d"}`,
	)
	r, got, err := readAll("in.jsonl", in, ReadOptions{SkipInvalid: true})
	checkErr(t, err, "")
	want := []Record{rec(1, t0, "a"), rec(4, t0+1e9, "b"), rec(8, t0+3e9, "d")}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if r.Skipped() != 5 {
		t.Errorf("Skipped() = %d, want 5", r.Skipped())
	}
	first := r.FirstSkipped()
	if len(first) != MaxFirstSkipped {
		t.Fatalf("FirstSkipped() has %d errors, want %d", len(first), MaxFirstSkipped)
	}
	for i, line := range []string{"2", "3", "5", "6", "7"} {
		if !strings.HasPrefix(first[i].Error(), "in.jsonl:"+line+": ") {
			t.Errorf("FirstSkipped()[%d] = %v, want line %s", i, first[i], line)
		}
	}
}

func TestJSONLLongLine(t *testing.T) {
	defer func(n int) { maxLineLen = n }(maxLineLen)
	maxLineLen = 1 << 20 // 16 MiB is as long to skip as it is slow under -race
	long := `{"time": 1700000000, "pad": "` + strings.Repeat("x", 200<<10) + `", "key": "long"}`
	_, got, err := readAll("in.jsonl", lines(long, `{"time": 1700000001}`), ReadOptions{})
	checkErr(t, err, "")
	if len(got) != 2 || got[0].Key != "long" || got[1].Line != 2 {
		t.Errorf("got %+v", got)
	}

	huge := `{"time": 1700000000, "pad": "` + strings.Repeat("x", maxLineLen) + `"}`
	r, got, err := readAll("in.jsonl", lines(huge, `{"time": 1700000001}`), ReadOptions{SkipInvalid: true})
	checkErr(t, err, "")
	if len(got) != 1 || got[0].Line != 2 || r.Skipped() != 1 {
		t.Fatalf("got %+v, skipped %d", got, r.Skipped())
	}
	if msg := r.FirstSkipped()[0].Error(); msg != "in.jsonl:1: line is longer than 1 MiB" {
		t.Errorf("error = %s", msg)
	}
}

// TestJSONLInterning checks that repeated keys share one string.
func TestJSONLInterning(t *testing.T) {
	_, got, err := readAll("in.jsonl", lines(`{"time": 1700000000, "key": "abc"}`, `{"time": 1700000000, "key": "abc"}`), ReadOptions{})
	checkErr(t, err, "")
	if len(got) != 2 || got[0].Key != "abc" || !sameString(got[0].Key, got[1].Key) {
		t.Errorf("keys not shared: %+v", got)
	}
}

// sameString reports whether a and b share their bytes.
func sameString(a, b string) bool {
	return unsafe.StringData(a) == unsafe.StringData(b)
}

// cycleReader repeats data forever.
type cycleReader struct {
	data []byte
	off  int
}

func (c *cycleReader) Read(p []byte) (int, error) {
	n := copy(p, c.data[c.off:])
	c.off = (c.off + n) % len(c.data)
	return n, nil
}

// TestJSONLAllocs checks that a line with a key seen before costs no
// allocation once the reader is warm.
func TestJSONLAllocs(t *testing.T) {
	data := lines(
		`{"time": "2024-05-01T12:00:00.250Z", "key": "trigger-1", "size": 1432, "body": {"a": [1, 2]}}`,
		`{"time": 1714564800250, "key": 42, "size": "99"}`,
		`{"time": 1714564800.25, "key": "caf\u00e9", "size": null}`,
	)
	r := newJSONLReader(bufioReader(""), "in.jsonl", ReadOptions{}.withDefaults())
	r.lines.R.Reset(&cycleReader{data: []byte(data)})
	next := func() {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	for range 10 {
		next()
	}
	if n := testing.AllocsPerRun(1000, next); n != 0 {
		t.Errorf("%v allocations a line, want 0", n)
	}
}
