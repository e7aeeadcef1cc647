package results

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/render"
	"github.com/hooklimit/hooklimit/scenarios"
)

const (
	okAttempt = `{"type":"attempt","event":1,"copy":0,"key":"t1","attempt":1,"size":2,"intended":"2026-02-17T09:00:00.000000000Z","sent":"2026-02-17T09:00:00.000000000Z","done":"2026-02-17T09:00:00.000000000Z","status":200,"latency_ms":0,"late":false}`
	okRun     = `{"type":"result","result":{"verdict":"pass","kind":"run","scenario":"s","profile":"rewst","delivery":{"attempts":1}}}`
)

// TestReadResultsErrors: a bad results file is an input error naming the
// file, the line and the field.
func TestReadResultsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "x.jsonl: empty: no result line"},
		{"no result", okAttempt + "\n", "x.jsonl: no result line and no start line: not a results file"},
		{"not json", okAttempt + "\n{nope\n" + okRun, "x.jsonl:2: not valid JSON: invalid character 'n'"},
		{"no type", okAttempt + "\n" + `{"event":1}` + "\n" + okRun, "x.jsonl:2: type: missing"},
		{"status type", strings.Replace(okAttempt, `"status":200`, `"status":"ok"`, 1) + "\n" + okRun, "x.jsonl:1: status: want an integer, not a JSON string"},
		{"status range", okRun + "\n" + strings.Replace(okAttempt, `"status":200`, `"status":700`, 1), "x.jsonl:2: status: 700 is not an HTTP status"},
		{"no sent", strings.Replace(okAttempt, `"sent":`, `"sant":`, 1) + "\n" + okRun, "x.jsonl:1: sent: missing"},
		{"bad time", strings.Replace(okAttempt, `"done":"2026`, `"done":"yesterday`, 1) + "\n" + okRun, `x.jsonl:1: done: want an RFC 3339 time`},
		{"year 1", strings.Replace(okAttempt, `"sent":"2026-02-17T09:00:00.000000000Z"`, `"sent":"0001-01-01T00:00:00Z"`, 1) + "\n" + okRun, `x.jsonl:1: sent: "0001-01-01T00:00:00Z" is out of range (want a time from 1900-01-01T00:00:00Z to 2189-12-31T23:59:59.999999999Z)`},
		{"just too early", strings.Replace(okAttempt, `"sent":"2026-02-17T09:00:00.000000000Z"`, `"sent":"1899-12-31T23:59:59.999999999Z"`, 1) + "\n" + okRun, `x.jsonl:1: sent: "1899-12-31T23:59:59.999999999Z" is out of range`},
		{"just too late", `{"type":"request","seq":1,"time":"2190-01-01T00:00:00Z","key":"t1","status":200}` + "\n" + okRun, `x.jsonl:1: time: "2190-01-01T00:00:00Z" is out of range`},
		{"edge of int64", strings.Replace(okAttempt, `"done":"2026-02-17T09:00:00.000000000Z"`, `"done":"1677-09-21T00:12:43.145224192Z"`, 1) + "\n" + okRun, `x.jsonl:1: done: "1677-09-21T00:12:43.145224192Z" is out of range`},
		{"timeline year 1", `{"type":"result","result":{"verdict":"pass","kind":"check","timeline":{"start":"0001-01-01T00:00:00Z","step_seconds":1,"sent":[],"admitted":[],"rejected_429":[]}}}`, `x.jsonl:1: result: timestamp: "0001-01-01T00:00:00Z" is out of range`},
		{"attempt 0", strings.Replace(okAttempt, `"attempt":1`, `"attempt":0`, 1) + "\n" + okRun, "x.jsonl:1: attempt: must be 1 or more"},
		{"kind", okAttempt + "\n" + `{"type":"result","result":{"verdict":"pass","kind":"wat"}}`, `x.jsonl:2: result.kind: unknown kind "wat" (want run, compare, check, serve or probe)`},
		{"no kind", `{"type":"result","result":{"verdict":"pass"}}`, "x.jsonl:1: result.kind: missing"},
		{"verdict", `{"type":"result","result":{"verdict":"maybe","kind":"check"}}`, `x.jsonl:1: result.verdict: want pass, fail, unknown or incomplete, not "maybe"`},
		{"nested type", `{"type":"result","result":{"verdict":"pass","kind":"run","delivery":{"events":"many"}}}`, "x.jsonl:1: result.delivery.events: want an integer, not a JSON string"},
		{"no result object", `{"type":"result"}`, "x.jsonl:1: result: missing"},
		{"histogram", `{"type":"result","result":{"verdict":"pass","kind":"run","delivery":{"histograms":{"delivery_delay":"bm9wZQ==","latency":"","latency_from_intended":""}}}}`, "x.jsonl:1: result.delivery.histograms.delivery_delay: not an encoded HDR histogram"},
		{"timeline lengths", `{"type":"result","result":{"verdict":"pass","kind":"check","timeline":{"start":"2026-02-17T09:00:00Z","step_seconds":1,"sent":[1,2],"admitted":[1],"rejected_429":[0,0]}}}`, "x.jsonl:1: result.timeline.admitted: has 1 points, sent has 2"},
		{"timeline step", `{"type":"result","result":{"verdict":"pass","kind":"check","timeline":{"start":"2026-02-17T09:00:00Z","step_seconds":7,"sent":[],"admitted":[],"rejected_429":[]}}}`, "x.jsonl:1: result.timeline.step_seconds: must be 1, 60, 3600"},
		{"serve id", `{"type":"request","seq":1,"time":"2026-02-17T09:00:00Z","key":"t1","status":200,"event_id":"x","id_from":"hash"}` + "\n" + okRun, `x.jsonl:1: event_id: want hash: and 16 hex digits, not "x"`},
		{"serve sender", `{"type":"request","seq":1,"time":"2026-02-17T09:00:00Z","key":"t1","status":200,"event_id":"x","id_from":"header","sender":"` + strings.Repeat("r", session.MaxSenderLen+1) + `"}` + "\n" + okRun, `x.jsonl:1: sender: must be at most 64 bytes, not 65`},
		{"document", "{\n  \"verdict\": \"pass\",\n  \"kind\": \"run\",\n  \"seed\": -1\n}\n", "x.jsonl: seed: want a non-negative integer, not number -1"},
		{"document syntax", "{\n  \"verdict\": \"pass\",\n  \"kind\": \"run\"\n  \"seed\": 1\n}\n", "x.jsonl:4: not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.jsonl", []byte(tc.data))
			var in *exitcode.InputError
			if !errors.As(err, &in) {
				t.Fatalf("err %v (%T), want an *exitcode.InputError", err, err)
			}
			if exitcode.Of(err) != exitcode.Usage {
				t.Errorf("exit code %d, want 2", exitcode.Of(err))
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err  %q\nwant %q...", err, tc.want)
			}
		})
	}
}

// TestReadResultsForms: JSON Lines, gzip, a --format json document and
// standard input all read to the same result; lines of unknown types are
// counted and skipped.
func TestReadResultsForms(t *testing.T) {
	res, data := mtRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 10 * time.Second}, "retry-after", 1, "")
	var doc bytes.Buffer
	if err := render.Write(&doc, res, render.JSON); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(append([]byte(`{"type":"hello","from":"the future"}`+"\n"), data...))
	zw.Close()
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	want := comparable(t, res)
	for _, tc := range []struct {
		name    string
		read    func() (*File, error)
		attempt int64
	}{
		{"jsonl", func() (*File, error) { return ReadFile("", write("a.jsonl", data), nil) }, res.Delivery.Attempts},
		{"gzip", func() (*File, error) { return ReadFile("", write("a.jsonl.gz", gz.Bytes()), nil) }, res.Delivery.Attempts},
		{"document", func() (*File, error) { return ReadFile("", write("a.json", doc.Bytes()), nil) }, 0},
		{"stdin", func() (*File, error) { return ReadFile("", "-", bytes.NewReader(data)) }, res.Delivery.Attempts},
		{"compact", func() (*File, error) {
			var c bytes.Buffer
			if err := json.Compact(&c, doc.Bytes()); err != nil {
				t.Fatal(err)
			}
			return Parse("c.json", c.Bytes())
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rf, err := tc.read()
			if err != nil {
				t.Fatal(err)
			}
			if rf.Kind != report.KindRun || rf.Verdict != res.Verdict || rf.Lines[LineAttempt] != tc.attempt {
				t.Fatalf("kind %s verdict %s attempt lines %d", rf.Kind, rf.Verdict, rf.Lines[LineAttempt])
			}
			diffJSON(t, tc.name, comparable(t, rf.Result), want)
			if rf.Timeline == nil || report.Total(rf.Timeline.Sent) != res.Delivery.Attempts {
				t.Fatalf("timeline %+v", rf.Timeline)
			}
		})
	}
	if _, err := ReadFile("", filepath.Join(dir, "missing.jsonl"), nil); err == nil || !strings.Contains(err.Error(), "missing.jsonl: cannot open") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ReadFile("", dir, nil); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
}

// TestReadResultsTimelineFromLines: a result without a timeline of its
// own (serve's, probe's, an older run's) gets one counted from its lines.
func TestReadResultsTimelineFromLines(t *testing.T) {
	lines := []string{
		`{"type":"request","seq":1,"time":"2026-02-17T09:00:00.100000000Z","key":"t1","size":5,"status":200,"event":1,"event_id":"a","id_from":"header","attempt":1}`,
		`{"type":"request","seq":2,"time":"2026-02-17T09:00:00.200000000Z","key":"t1","size":5,"status":429,"retry_after_s":1,"event":2,"event_id":"b","id_from":"header","attempt":1}`,
		`{"type":"request","seq":3,"time":"2026-02-17T09:00:02.200000000Z","status":404}`,
		`{"type":"result","result":{"verdict":"fail","kind":"serve","profile":"rewst","requests":{"total":3}}}`,
	}
	rf, err := Parse("s.jsonl", []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	tl := rf.Timeline
	if tl == nil || tl.Start.String() != "2026-02-17T09:00:00.000000000Z" || tl.StepSeconds != 1 {
		t.Fatalf("timeline %+v", tl)
	}
	if got := [3][]int64{tl.Sent, tl.Admitted, tl.Rejected429}; !equal64(got[0], 2, 0, 1) || !equal64(got[1], 1, 0, 0) || !equal64(got[2], 1, 0, 0) {
		t.Fatalf("sent %v admitted %v 429 %v", tl.Sent, tl.Admitted, tl.Rejected429)
	}
	if tl.Profile == nil || tl.Profile.Name != "rewst" || tl.Bytes != nil {
		t.Fatalf("profile %+v bytes %v: want rewst's limits and no bytes", tl.Profile, tl.Bytes)
	}
}

func equal64(s []int64, want ...int64) bool {
	if len(s) != len(want) {
		return false
	}
	for i := range s {
		if s[i] != want[i] {
			return false
		}
	}
	return true
}

// BenchmarkReadResults measures reading a run's results file: about
// 19,000 attempt lines.
func BenchmarkReadResults(b *testing.B) {
	_, data := mtRun(b, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: time.Minute}, "retry-after", 1, "")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("a.jsonl", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReadResultsStdinCap: standard input, held in memory, stops at its
// cap with an input error instead of growing without end.
func TestReadResultsStdinCap(t *testing.T) {
	defer func(n int) { maxStdin = n }(maxStdin)
	maxStdin = 1 << 10
	_, err := ReadFile("", "-", io.LimitReader(zeros{}, 1<<20))
	if err == nil || err.Error() != "-: standard input is longer than 1 KiB, the most held in memory: give the results file by name" || exitcode.Of(err) != exitcode.Usage {
		t.Fatalf("err = %v", err)
	}
}

// zeros reads as an endless run of zero bytes, like /dev/zero.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestReadResultsTorn: a last line cut short, as a killed writer leaves
// it, is dropped and the file marked truncated, with a note that makes
// the report incomplete; a last line that is whole but lacks its line
// ending reads as usual, and a bad one is still an error.
func TestReadResultsTorn(t *testing.T) {
	half := okAttempt[:len(okAttempt)/2]
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(okAttempt + "\n" + okRun + "\n" + okAttempt + "\n"))
	zw.Close()
	for _, tc := range []struct {
		name, data string
		torn       int    // the torn line, 0 for none
		err        string // the error's start, "" for none
	}{
		{"whole", okAttempt + "\n" + okRun + "\n", 0, ""},
		{"no final newline", okAttempt + "\n" + okRun, 0, ""},
		{"torn after the result", okAttempt + "\n" + okRun + "\n" + half, 3, ""},
		{"torn after a blank line", okRun + "\n\n" + half, 3, ""},
		{"torn, no result", okAttempt + "\n" + half, 2, "x.jsonl: cut short at line 2 (a torn last line), with no result line and no start line"},
		{"bad but whole last line", okRun + "\n" + strings.Replace(okAttempt, `"status":200`, `"status":700`, 1), 0, "x.jsonl:2: status: 700 is not an HTTP status"},
		{"torn in the middle", okAttempt + "\n" + half + "\n" + okRun + "\n", 0, "x.jsonl:2: not valid JSON"},
		{"gzip cut short", gz.String()[:gz.Len()-12], 4, ""}, // line 3 whole, then the stream ends short
	} {
		t.Run(tc.name, func(t *testing.T) {
			rf, err := Parse("x.jsonl", []byte(tc.data))
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) || exitcode.Of(err) != exitcode.Usage {
					t.Fatalf("err = %v, want %q... (exit 2)", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rf.Truncated != (tc.torn > 0) || rf.TornLine != tc.torn {
				t.Fatalf("Truncated %v at %d, want line %d", rf.Truncated, rf.TornLine, tc.torn)
			}
			rep, err := Merge([]*File{rf})
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			if tc.torn > 0 {
				want = 1
			}
			if len(rep.Notes) != want {
				t.Fatalf("notes %q, want %d", rep.Notes, want)
			}
			if want > 0 && !strings.Contains(rep.Notes[0], "x.jsonl was cut short: its last line") {
				t.Errorf("note %q", rep.Notes[0])
			}
			if inc := report.IncompleteOf(rf.Result); (tc.torn > 0) != (rep.Verdict == report.VerdictIncomplete && inc != nil && inc.Reason == report.CutTruncated) {
				t.Errorf("torn line %d: verdict %s, incomplete %+v", tc.torn, rep.Verdict, inc)
			}
		})
	}
}

// TestReadResultsLongLine: a line past the cap is an input error naming
// the file and line, found in one pass over a compressed line of 64 times
// the cap.
func TestReadResultsLongLine(t *testing.T) {
	defer func(n int) { maxLine = n }(maxLine)
	maxLine = 64 << 10
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(okRun + "\n"))
	for range 64 {
		zw.Write(bytes.Repeat([]byte("x"), maxLine))
	}
	zw.Close()
	_, err := Parse("x.jsonl.gz", gz.Bytes())
	if err == nil || err.Error() != "x.jsonl.gz:2: line longer than 64 KiB" || exitcode.Of(err) != exitcode.Usage {
		t.Fatalf("err = %v", err)
	}
}
