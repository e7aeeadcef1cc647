package render

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hooklimit/hooklimit/internal/golden"
	"github.com/hooklimit/hooklimit/internal/termtext"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
)

// nastyKeys are keys a sender or a traffic file can choose: each would
// clear the screen, colour a fake verdict, add a row, hide text or
// reorder it if printed raw.
var nastyKeys = []string{
	"\x1b[2J\x1b[1;32mPASS all good\x1b[0m", // clear screen, green PASS
	"t1\r\n| t2 | PASS |",                   // a fake row
	"\x1b]0;owned\x07title",                 // OSC: window title
	"nul\x00byte\x7fdel",
	"c1\u009b2Jcsi",
	"bidi\u202egnp.exe",
	"bad\xffutf8",
}

// assertTerminalSafe fails when out holds anything but printable
// characters and the newlines that end lines.
func assertTerminalSafe(t *testing.T, what, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s: bytes that are not UTF-8 reach the terminal:\n%q", what, out)
	}
	for i, r := range out {
		if r != '\n' && !strconv.IsPrint(r) {
			t.Fatalf("%s: %U at byte %d reaches the terminal:\n%q", what, r, i, out)
		}
	}
	if strings.Contains(out, "\r") || !strings.HasSuffix(out, "\n") {
		t.Fatalf("%s: bad line ends:\n%q", what, out)
	}
}

// nastyCheck is a check in which key sends 30 in a second (over rewst's
// 25/s) and "ok" sends 2: key is the worst key, the first violation, and
// in a note.
func nastyCheck(t *testing.T, key string) *report.CheckResult {
	t.Helper()
	r := analyze(t, []*limitsim.Profile{builtin(t, "rewst")}, report.AnalyzerOptions{},
		merge(spaced(key, 30, 0, 20*time.Millisecond, -1), spaced("ok", 2, 0, 100*time.Millisecond, -1)))
	r.Input.Files = []string{"traffic-" + key + ".jsonl"}
	for i := range r.Limits {
		if r.Limits[i].Key == key {
			r.Limits[i].Note = "quoted from input: " + key
		}
	}
	return r
}

// TestRenderEscapesKeys: a key, a file name or a note from the input
// reaches tables, text lines and markdown only escaped, and JSON keeps it
// exact, for check, run, serve and probe results.
func TestRenderEscapesKeys(t *testing.T) {
	for _, key := range nastyKeys {
		want := termtext.Escape(key)
		results := map[string]report.Result{
			"check": nastyCheck(t, key),
			"run":   nastyRun(t, key),
			"serve": nastyServe(t, key),
			"probe": nastyProbe(key),
		}
		for name, res := range results {
			for _, f := range []Format{Table, Markdown} {
				var b bytes.Buffer
				if err := Write(&b, res, f); err != nil {
					t.Fatal(err)
				}
				what := name + " " + string(f) + " " + strconv.Quote(key)
				assertTerminalSafe(t, what, b.String())
				if plain := strings.ReplaceAll(b.String(), `\`, ""); !strings.Contains(plain, strings.ReplaceAll(want, `\`, "")) {
					t.Errorf("%s: the escaped key %s is not shown:\n%s", what, want, b.String())
				}
			}
			var b bytes.Buffer
			if err := Write(&b, res, JSON); err != nil {
				t.Fatal(err)
			}
			if !jsonHolds(t, b.Bytes(), key) {
				t.Errorf("%s json: the key %q is not kept exact:\n%s", name, key, b.String())
			}
		}
	}
}

// jsonHolds reports whether some string in the JSON document doc contains s.
func jsonHolds(t *testing.T, doc []byte, s string) bool {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	s = strings.ToValidUTF8(s, "\uFFFD") // JSON carries text, not bytes
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case string:
			return strings.Contains(v, s)
		case []any:
			for _, x := range v {
				if walk(x) {
					return true
				}
			}
		case map[string]any:
			for k, x := range v {
				if strings.Contains(k, s) || walk(x) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

func nastyRun(t *testing.T, key string) *report.RunResult {
	r := simRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 2 * time.Second}, "none", 1)
	r.Target = "http://127.0.0.1:1/" + key
	r.Notes = append(r.Notes, "note about "+key)
	for i := range r.Limits {
		r.Limits[i].Key = key
	}
	return r
}

func nastyServe(t *testing.T, key string) *report.ServeResult {
	s := session.NewRecorder(rewst(t), session.Options{})
	for i := range 30 {
		st, ra := 200, int64(0)
		if i >= 25 {
			st, ra = 429, 1
		}
		r := sreq{int64(i) * 30, key, "evt-" + itoa(i), st, ra}.record(uint64(i + 1))
		s.Add(&r)
	}
	return s.Result(session.Meta{Listen: "http://127.0.0.1:8080", KeySource: "path", Start: st0, End: st0 + int64(3*time.Second)})
}

func nastyProbe(key string) *report.ProbeResult {
	return &report.ProbeResult{Verdict: report.VerdictFail, Kind: report.KindProbe, Target: "http://127.0.0.1:1/" + key,
		Findings: []report.ProbeFinding{{Code: "bad_retry_after", Severity: "error", Message: "Retry-After was " + key, Count: 1}},
		Steps:    []report.ProbeStep{{Name: "burst", Status: "done", Requests: 1, Note: key}}}
}

// TestCheckNastyKeyGolden shows the table and markdown of a check whose
// worst key would clear the screen and print a green PASS, and whose
// other key would add a fake row.
func TestCheckNastyKeyGolden(t *testing.T) {
	for _, tc := range []struct {
		key, name string
	}{{nastyKeys[0], "esc"}, {nastyKeys[1], "crlf"}} {
		r := nastyCheck(t, tc.key)
		for f, ext := range map[Format]string{Table: "txt", Markdown: "md"} {
			var b bytes.Buffer
			if err := Write(&b, r, f); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "testdata/check_nasty_"+tc.name+"."+ext+".golden", b.Bytes())
		}
	}
}
