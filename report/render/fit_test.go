package render

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hooklimit/hooklimit/internal/golden"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// widthResults returns a result of every kind the table form writes: two
// checks, a run, a comparison of retry policies, a serve session and a
// probe, each named for its golden files. They are made once, by the
// first test that needs them (rendering does not change a result).
func widthResults(t *testing.T) map[string]report.Result {
	t.Helper()
	widthMu.Lock() // parallel tests share them
	defer widthMu.Unlock()
	if widthResultsOnce == nil {
		widthResultsOnce = makeWidthResults(t)
	}
	return widthResultsOnce
}

// widthResultsOnce holds widthResults' results once made; widthMu
// guards it.
var (
	widthResultsOnce map[string]report.Result
	widthMu          sync.Mutex
)

// makeWidthResults makes widthResults' results.
func makeWidthResults(t *testing.T) map[string]report.Result {
	t.Helper()
	run := simRun(t, "rewst", "poisson", scenarios.Params{Rate: scenarios.Rate{N: 40, Per: time.Second}, Duration: 90 * time.Second}, "retry-after", 1)
	steady := scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 30 * time.Second}
	a := simRun(t, "rewst", "steady", steady, "none", 1)
	b := simRun(t, "rewst", "steady", steady, "retry-after", 1)
	_, serve := serveSession(t, session.Options{})
	prb := mtParse(t, "probe.jsonl", []byte(`{"type":"result","result":{"verdict":"fail","kind":"probe","target":"http://127.0.0.1:8080/hooks/t1","profile":"rewst","requests":2,"limits":[{"name":"per_second","documented":25,"inferred":30,"basis":"measured","verdict":"mismatch"}],"findings":[{"code":"429-without-retry-after","severity":"error","message":"a 429 had no Retry-After header, so a sender cannot know when to come back","count":1}]}}`))
	return map[string]report.Result{
		"check_rewst":   rewstFixture(t),
		"check_workato": workatoFixture(t),
		"run":           run,
		"compare":       report.NewCompareResult([]*report.RunResult{a, b}),
		"serve":         serve,
		"probe":         prb.Report(),
		"senders":       sendersRun(),
	}
}

// TestWidthGoldenLists pins the tables of profiles, scenarios and a
// profile diff at 80 columns and at 240.
func TestWidthGoldenLists(t *testing.T) {
	var shape scenarios.ShapeInfo
	for _, s := range scenarios.Builtins() {
		if s.Name == "bulk" {
			shape = s
		}
	}
	lists := map[string]func(io.Writer, Option) error{
		"profiles":     func(w io.Writer, o Option) error { return ProfileList(w, Table, limitsim.Builtins(), o) },
		"profile_show": func(w io.Writer, o Option) error { return ProfileShow(w, Table, builtin(t, "workato"), o) },
		"profile_diff": func(w io.Writer, o Option) error {
			return ProfileDiff(w, Table, builtin(t, "rewst"), builtin(t, "rewst@2026-02-18"), o)
		},
		"scenarios": func(w io.Writer, o Option) error {
			return ScenarioList(w, Table, scenarios.Builtins(), retry.Policies(), o)
		},
		"scenario_show": func(w io.Writer, o Option) error { return ScenarioShow(w, Table, &shape, nil, o) },
	}
	for name, write := range lists {
		for _, width := range []int{80, 240} {
			t.Run(name+"/"+itoa(width), func(t *testing.T) {
				var b bytes.Buffer
				if err := write(&b, Width(width)); err != nil {
					t.Fatal(err)
				}
				for i, line := range strings.Split(b.String(), "\n") {
					if w := twwidth.Width(line); w > width {
						t.Errorf("line %d is %d cells: %q", i+1, w, line)
					}
				}
				golden.Assert(t, "testdata/width/"+name+"."+itoa(width)+".golden", b.Bytes())
			})
		}
	}
}

// TestWidthGolden pins the table form of every kind at 80 columns (tables
// turned into blocks, long lines wrapped) and at 240 (the full tables).
func TestWidthGolden(t *testing.T) {
	t.Parallel() // beside TestHTMLInChromium, which mostly waits
	for name, res := range widthResults(t) {
		for _, width := range []int{80, 240} {
			t.Run(name+"/"+itoa(width), func(t *testing.T) {
				var b bytes.Buffer
				if err := Write(&b, res, Table, Width(width)); err != nil {
					t.Fatal(err)
				}
				golden.Assert(t, "testdata/width/"+name+"."+itoa(width)+".golden", b.Bytes())
			})
		}
	}
}

// TestWidthFits: at 60, 80 and 100 columns no line of any table output is
// wider, in display cells (a sparkline's block is one cell and three
// bytes); with no width the tables keep their full form.
func TestWidthFits(t *testing.T) {
	results := widthResults(t)
	for name, res := range results {
		var full bytes.Buffer
		if err := Write(&full, res, Table); err != nil {
			t.Fatal(err)
		}
		for _, width := range []int{60, 80, 100} {
			var b bytes.Buffer
			if err := Write(&b, res, Table, Width(width)); err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(b.String(), "\n") {
				if w := twwidth.Width(line); w > width {
					t.Errorf("%s at %d: line %d is %d cells: %q", name, width, i+1, w, line)
				}
			}
			if maxWidth(full.String()) <= width && b.String() != full.String() {
				t.Errorf("%s at %d: output that fits was changed", name, width)
			}
		}
	}
}

// TestWidthKeepsMarkdownAndJSON: a width changes only the table form.
func TestWidthKeepsMarkdownAndJSON(t *testing.T) {
	r := workatoFixture(t)
	for _, f := range []Format{Markdown, JSON, JUnit} {
		var full, narrow bytes.Buffer
		if err := Write(&full, r, f); err != nil {
			t.Fatal(err)
		}
		if err := Write(&narrow, r, f, Width(40)); err != nil {
			t.Fatal(err)
		}
		if full.String() != narrow.String() {
			t.Errorf("%s changed with a width of 40", f)
		}
	}
}

func TestWrapLine(t *testing.T) {
	tests := []struct {
		line  string
		width int
		want  string
	}{
		{"short line", 10, "short line"},
		{"one two three", 7, "one two\n  three"},
		{"  a bb cc dd", 8, "  a bb\n    cc\n    dd"},
		{"abcdefghij", 4, "abcd\n  ef\n  gh\n  ij"},
		{"▁▂▃▄▅▆▇█ x", 8, "▁▂▃▄▅▆▇█\n  x"},
		{"日本語 x", 6, "日本語\n  x"},
		{"a", 1, "a"},
		{"ab", 1, "a\nb"},
	}
	for _, tt := range tests {
		if got := wrapLine(tt.line, tt.width); got != tt.want {
			t.Errorf("wrapLine(%q, %d) = %q, want %q", tt.line, tt.width, got, tt.want)
		}
	}
}

// TestBlocks: a table wider than the width is written as blocks, headers
// as labels, a long value wrapped under its start; a table that fits
// stays a table.
func TestBlocks(t *testing.T) {
	var b bytes.Buffer
	fw, flush := newFitWriter(&b, 26)
	tbl := textTable(fw, Table, "key", "limit", "verdict")
	for _, row := range [][]string{{"t1", "per_second 25/1s", "FAIL"}, {"t2", "per_minute 1,000/1m", "pass"}} {
		if err := tbl.Append(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := tbl.Render(); err != nil {
		t.Fatal(err)
	}
	list := textTable(fw, Table, "delivery", "")
	if err := list.Append("events", "1,000"); err != nil {
		t.Fatal(err)
	}
	if err := list.Render(); err != nil {
		t.Fatal(err)
	}
	if err := flush(); err != nil {
		t.Fatal(err)
	}
	want := "key: t1\n  limit:   per_second\n           25/1s\n  verdict: FAIL\n\nkey: t2\n  limit:   per_minute\n           1,000/1m\n  verdict: pass\n" +
		"+----------+-------+\n| delivery |       |\n+----------+-------+\n| events   | 1,000 |\n+----------+-------+\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// FuzzWrapLine: any line at any width ends, keeps its words in order and
// makes no line wider than the width.
func FuzzWrapLine(f *testing.F) {
	f.Add("one two three", 7)
	f.Add("▁▂▃▄▅▆▇█ 日本語 x", 3)
	f.Fuzz(func(t *testing.T, line string, width int) {
		if width < 1 || width > 300 || strings.ContainsAny(line, "\n\t\r") || !utf8.ValidString(line) {
			return
		}
		got := wrapLine(line, width)
		if strings.Join(strings.Fields(got), "") != strings.Join(strings.Fields(line), "") {
			t.Fatalf("wrapLine(%q, %d) = %q: the text changed", line, width, got)
		}
		for _, l := range strings.Split(got, "\n") {
			if w := twwidth.Width(l); w > width && utf8.RuneCountInString(l) > 1 {
				t.Fatalf("wrapLine(%q, %d): line %q is %d cells", line, width, l, w)
			}
		}
	})
}
