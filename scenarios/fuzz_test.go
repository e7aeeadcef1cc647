package scenarios

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
)

// jsonSeeds are lines for FuzzJSONL's corpus.
var jsonSeeds = []string{
	`{"time": "2023-11-14T22:13:20Z", "key": "t1", "size": 1432}`,
	`{"time": 1700000000.25, "key": 42, "size": "7"}`,
	`{"t\u0069me": 1700000000, "key": "\ud83d\ude00\ud800x", "size": null}`,
	`{"a": [1, {"b": [true, false, null]}], "time": "1700000000", "key": "caf\u00e9"}`,
	`{"time": 1, "time": 2e9}`,
	`{}`, `[]`, `{"time": }`, `{"key": "\x"}`, "{\"key\": \"\xff\"}", `{"time": 01}`,
}

func FuzzJSONL(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		sc := jsonScanner{names: [4][]byte{[]byte("time"), []byte("key"), []byte("size"), []byte("workspace")}}
		e := sc.scan(line)
		first := skipWS(line, 0)
		valid := json.Valid(line) && first < len(line) && line[first] == '{'
		if (e.what == "") != valid {
			t.Fatalf("scanner says %q at %d, encoding/json valid=%v", e.what, e.pos, valid)
		}
		if valid {
			d := json.NewDecoder(bytes.NewReader(line))
			d.UseNumber()
			var m map[string]any
			if err := d.Decode(&m); err != nil {
				t.Fatalf("encoding/json: %v", err)
			}
			for k, name := range []string{"time", "key", "size"} {
				checkValue(t, name, &sc.vals[k], m)
			}
		}
		// The whole reader must not panic, with or without skipping.
		for _, skip := range []bool{false, true} {
			r, err := NewReader(bytes.NewReader(line), "f", ReadOptions{Format: FormatJSONL, SkipInvalid: skip})
			if err != nil {
				mustBeInputError(t, err) // input that starts like gzip
				continue
			}
			recs, _ := drain(r)
			if valid && len(recs) == 1 {
				if want := keyOf(decodeObject(line)); recs[0].Key != want {
					t.Fatalf("key %q, encoding/json gives %q", recs[0].Key, want)
				}
			}
		}
	})
}

// mustBeInputError fails the test unless err is an *exitcode.InputError.
func mustBeInputError(t *testing.T, err error) {
	t.Helper()
	var in *exitcode.InputError
	if !errors.As(err, &in) {
		t.Fatalf("error %v (%T), want an *exitcode.InputError", err, err)
	}
}

// decodeObject decodes a valid JSON object line with numbers kept as text.
func decodeObject(line []byte) map[string]any {
	d := json.NewDecoder(bytes.NewReader(line))
	d.UseNumber()
	var v map[string]any
	d.Decode(&v)
	return v
}

// keyOf returns the key the reader should give for a decoded object.
func keyOf(v map[string]any) string {
	switch k := v["key"].(type) {
	case string:
		return k
	case json.Number:
		return k.String()
	}
	return ""
}

// checkValue compares what the scanner found for name with encoding/json.
func checkValue(t *testing.T, name string, got *jsonValue, want map[string]any) {
	t.Helper()
	w, ok := want[name]
	kind := byte(kindAbsent)
	if ok {
		switch w.(type) {
		case string:
			kind = kindString
		case json.Number:
			kind = kindNumber
		case nil:
			kind = kindNull
		case bool:
			kind = kindBool
		case map[string]any:
			kind = kindObject
		case []any:
			kind = kindArray
		}
	}
	if got.kind != kind {
		t.Fatalf("%s: kind %q, encoding/json has %#v", name, got.kind, w)
	}
	switch w := w.(type) {
	case string:
		text := got.raw
		if !got.plain {
			text = unquote(nil, got.raw)
		}
		if string(text) != w {
			t.Fatalf("%s: %q, encoding/json has %q", name, text, w)
		}
	case json.Number:
		if string(got.raw) != w.String() {
			t.Fatalf("%s: %s, encoding/json has %s", name, got.raw, w)
		}
	}
}

func FuzzCSV(f *testing.F) {
	f.Add("time,key,size\n2023-11-14T22:13:20Z,t1,1432\n1700000000.5,t2,\n")
	f.Add("id, size, key, time\ne1, 10, \"a\nb\", 1700000000000\n")
	f.Add("time,key\n\"x,\"y\"\n1,\n")
	f.Add("\xEF\xBB\xBFtime\r\n1700000000\r\n")
	f.Add("[{\"time\": 1700000000}]\n")
	f.Add("<!DOCTYPE html>\n<html></html>\n")
	f.Add("\x00\xff\xfe\n")
	f.Add("{\"ts\": \"2024-01-01T00:00:00Z\", \"trigger\": \"a\", \"n\": {\"x\": [1]}}\n")
	f.Fuzz(func(t *testing.T, data string) {
		// CSV as named, and whatever detection makes of the input (a file
		// that is no traffic, JSON lines with other fields, ...).
		for _, opt := range []ReadOptions{{Format: FormatCSV}, {Format: FormatCSV, SkipInvalid: true}, {}, {SkipInvalid: true}, {RequireKey: true}} {
			skip := opt.SkipInvalid
			r, err := NewReader(strings.NewReader(data), "f", opt)
			if err != nil {
				mustBeInputError(t, err) // a bad header, no traffic file, or input that starts like gzip
				continue
			}
			recs, err := drain(r)
			for _, rec := range recs {
				if opt.Format == FormatCSV && rec.Line < 2 {
					t.Fatalf("record on line %d", rec.Line)
				}
			}
			if skip && err != nil {
				t.Fatalf("error while skipping: %v", err)
			}
			if len(r.FirstSkipped()) > min(r.Skipped(), MaxFirstSkipped) {
				t.Fatalf("%d first skipped of %d", len(r.FirstSkipped()), r.Skipped())
			}
		}
	})
}

func FuzzAccessLog(f *testing.F) {
	f.Add(`127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "POST /hooks/t1?x=1 HTTP/1.1" 200 2326 "-" "curl/8"`)
	f.Add(`::1 - - [10/Oct/2000:13:55:36 +0000] "-" 400 0`)
	f.Add(`h - - [10/Oct/2000:13:55:36 +0000] "GET /a\" HTTP/1.1" 200 -`)
	f.Add(`h - - [10/Oct/2000:13:55:36 +0000] "GET /hooks HTTP/1.1" 200 -`)
	pattern := regexp.MustCompile(`^/hooks(?:/([^/?]+))?`)
	f.Fuzz(func(t *testing.T, line string) {
		for _, opt := range []ReadOptions{{Format: FormatAccessLog}, {Format: FormatAccessLog, KeyPattern: pattern}} {
			r, err := NewReader(strings.NewReader(line), "f", opt)
			if err != nil {
				mustBeInputError(t, err) // input that starts like gzip
				continue
			}
			recs, err := drain(r)
			for _, rec := range recs {
				if !strings.Contains(line, rec.Key) || rec.HasSize || strings.ContainsAny(rec.Key, "?#") {
					t.Fatalf("record %+v from %q", rec, line)
				}
			}
			if err == nil && len(recs) == 0 && !isBlank([]byte(line)) && !strings.Contains(line, "\n") {
				t.Fatalf("no record and no error for %q", line)
			}
		}
		if isAccessLogLine([]byte(line)) && !strings.Contains(line, "\n") {
			if got := classify([]byte(line)); got != FormatAccessLog && got != FormatJSONL {
				t.Fatalf("access-log line classified as %s", got)
			}
		}
	})
}

// The bounds of int64 nanoseconds as times.
var (
	minTime = time.Unix(0, limitsim.MinTime)
	maxTime = time.Unix(0, limitsim.MaxTime)
)

// Strict forms of the times the fuzz tests compare with time.Parse.
var (
	strictRFC3339    = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$`)
	strictAccessTime = regexp.MustCompile(`^\d\d/[A-Za-z]{3}/\d{4}:\d\d:\d\d:\d\d [+-]([01]\d|2[0-3])[0-5]\d$`)
)

func FuzzTimestamp(f *testing.F) {
	for _, s := range []string{
		"2023-11-14T22:13:20Z", "2023-11-14T22:13:20.123456789+05:30", "2023-11-14 22:13:20",
		"1700000000", "1700000000.25", "1700000000250", "1.7e9", "-1.5", "1e-30", "9223372036854775807",
		"10/Oct/2000:13:55:36 -0700", "2189-12-31T23:59:59.999999999Z", "1900-01-01T00:00:00Z",
		"1677-09-21T00:12:43.145224192Z", "-9223372036854775808",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		e := timeOK
		if err != nil {
			_, e = parseTime([]byte(s))
		}

		// Whatever time.Parse reads as RFC 3339, ParseTime reads the same.
		// (time.Parse also takes some forms RFC 3339 does not, such as a
		// one-digit hour or a zone offset of +00:60; strictRFC3339 leaves
		// those out.)
		if want, perr := time.Parse(time.RFC3339Nano, s); perr == nil && strictRFC3339.MatchString(s) {
			inRange := !want.Before(minTime) && !want.After(maxTime)
			if inRange && (err != nil || got != want.UnixNano()) {
				t.Fatalf("ParseTime(%q) = %d, %v; time.Parse gives %d", s, got, err, want.UnixNano())
			}
			if !inRange && e != timeRange {
				t.Fatalf("ParseTime(%q) = %d, %v; want out of range", s, got, err)
			}
		}
		if err != nil {
			return
		}

		// A time read formats and reads back the same.
		back := time.Unix(0, got).UTC().Format(time.RFC3339Nano)
		if again, err := ParseTime(back); err != nil || again != got {
			t.Fatalf("ParseTime(%q) = %d, formatted %q, read back %d, %v", s, got, back, again, err)
		}

		// A number matches exact rational arithmetic.
		trimmed := string(trimSpace([]byte(s)))
		if len(trimmed) >= 5 && trimmed[4] == '-' {
			return
		}
		r, ok := new(big.Rat).SetString(trimmed)
		if !ok && strings.ContainsAny(trimmed, "eE") && got == 0 {
			return // big.Rat gives up on huge exponents; ParseTime read a zero
		}
		if !ok {
			t.Fatalf("ParseTime(%q) = %d, but big.Rat cannot read it", s, got)
		}
		abs := new(big.Rat).Abs(r)
		whole := new(big.Int).Quo(abs.Num(), abs.Denom())
		unit := int64(1)
		switch {
		case whole.Cmp(big.NewInt(secondsBelow)) < 0:
			unit = 1e9
		case whole.Cmp(big.NewInt(millisBelow)) < 0:
			unit = 1e6
		case whole.Cmp(big.NewInt(microsBelow)) < 0:
			unit = 1e3
		}
		ns := new(big.Rat).Mul(abs, new(big.Rat).SetInt64(unit))
		want := new(big.Int).Quo(ns.Num(), ns.Denom())
		if r.Sign() < 0 {
			want.Neg(want)
		}
		if !want.IsInt64() || want.Int64() != got {
			t.Fatalf("ParseTime(%q) = %d, exact value %s", s, got, want)
		}
	})
}

func FuzzAccessTime(f *testing.F) {
	f.Add("10/Oct/2000:13:55:36 -0700")
	f.Add("29/Feb/2024:00:00:00 +2359")
	f.Fuzz(func(t *testing.T, s string) {
		got, e := parseAccessTime([]byte(s))
		want, err := time.Parse("02/Jan/2006:15:04:05 -0700", s)
		if err == nil && strictAccessTime.MatchString(s) && !want.Before(minTime) && !want.After(maxTime) && (e != timeOK || got != want.UnixNano()) {
			t.Fatalf("parseAccessTime(%q) = %d, %d; time.Parse gives %d", s, got, e, want.UnixNano())
		}
		if e == timeOK && err != nil {
			t.Fatalf("parseAccessTime(%q) = %d, but time.Parse fails: %v", s, got, err)
		}
	})
}
