package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/render"
	"github.com/hooklimit/hooklimit/scenarios"
)

// cutRunFile is the results file of a real simulated run, as run --out
// writes it: its start line, its attempt lines, its result line.
func cutRunFile(t testing.TB) (*report.RunResult, []byte) {
	t.Helper()
	res, data := mtRun(t, "rewst", "burst", scenarios.Params{Events: 30}, "retry-after", 1, "")
	prof, _ := limitsim.Builtin("rewst")
	var start bytes.Buffer
	th, err := report.ParseThreshold("lost==0")
	if err != nil {
		t.Fatal(err)
	}
	if err := NewWriter(&start).StartRun(prof, report.RunMeta{Scenario: res.Scenario, Target: res.Target, Retry: res.Retry, Seed: res.Seed}, []report.Threshold{th}); err != nil {
		t.Fatal(err)
	}
	return res, append(start.Bytes(), data...)
}

// cutServeFile is the results file of a serve session, as serve --out
// writes it: its start line, its request lines, its result line.
func cutServeFile(t *testing.T) (*report.ServeResult, []byte) {
	t.Helper()
	base := int64(1771318800 * time.Second)
	var reqs []session.Record
	for i := range 60 {
		id := "evt-" + strconv.Itoa(i/3)
		st, ra := 200, int64(0)
		if i%4 == 0 {
			st, ra = 429, 1
		}
		r := session.Record{Seq: uint64(i + 1), Time: base + int64(i)*int64(37*time.Millisecond), Key: []string{"t1", "t2"}[i%2], Keyed: true, Size: 100,
			Status: st, RetryAfter: ra, EventID: id, EventHash: xxhash.Sum64String(id), IDFrom: session.IDHeader}
		if i%9 == 0 {
			r = session.Record{Seq: r.Seq, Time: r.Time, Status: 404}
		}
		reqs = append(reqs, r)
	}
	var start bytes.Buffer
	th, _ := report.ParseThreshold("retry_after_early==0")
	s := session.NewRecorder(builtin(t, "rewst"), session.Options{Thresholds: []report.Threshold{th}})
	if err := NewWriter(&start).StartServe(s, session.Meta{Listen: "http://a", KeySource: "path", Start: base}); err != nil {
		t.Fatal(err)
	}
	res, data := mtServe(t, reqs, "http://a")
	return res, append(start.Bytes(), data...)
}

// keptLines returns the lines a reader keeps of a file cut at prefix:
// every line with its line ending, and the last one if it is whole JSON.
// Each is decoded into a map.
func keptLines(prefix []byte) []map[string]any {
	var out []map[string]any
	lines := bytes.Split(prefix, []byte("\n"))
	for i, l := range lines {
		if len(bytes.TrimSpace(l)) == 0 || i == len(lines)-1 && !json.Valid(l) {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(l, &m); err != nil {
			panic(err)
		}
		out = append(out, m)
	}
	return out
}

// cutPoints lists every line boundary of data (the cut just after a line
// ending), and, for the first two lines, the last two and every full-th
// line, one byte either side of its line ending and a point inside it at
// a seeded random offset. Those are every case a reader tells apart: a
// line torn short (the byte before its line ending; a point further
// inside tears it the same way, and the sampled ones check that), a
// whole line without its line ending, and a whole line with it; each
// case is checked on the start line, on attempt (or request) lines and
// on the result line. Every distinct set of kept lines is reached by a
// line boundary, since a line torn or without its ending leaves the same
// lines kept as the boundary before or after it; which attempt line is
// torn does not change how the reader treats it, so sampling every
// full-th line keeps every case while each cut costs a whole rebuild.
func cutPoints(data []byte, full int) []int {
	rng := rand.New(rand.NewPCG(12, 34))
	lines := bytes.Count(data, []byte("\n"))
	cuts := []int{0}
	prev, line := 0, 0
	for i, c := range data {
		if c != '\n' {
			continue
		}
		if line < 2 || line >= lines-2 || line%full == 0 {
			if i-1 > prev {
				cuts = append(cuts, prev+rng.IntN(i-1-prev))
			}
			cuts = append(cuts, i-1, i)
		}
		cuts = append(cuts, i+1)
		prev, line = i+1, line+1
	}
	return cuts
}

// TestReadRunCutAnywhere: a run's results file cut at any point reads
// either as the whole result (the result line is whole) or as an
// incomplete result rebuilt from the whole lines kept, whose counts are
// what those attempt lines say; a file cut inside its start line has
// nothing to report and is an input error.
func TestReadRunCutAnywhere(t *testing.T) {
	t.Parallel()
	full, data := cutRunFile(t)
	startEnd := bytes.IndexByte(data, '\n')
	for _, cut := range cutPoints(data, 3) {
		prefix := data[:cut]
		rf, err := Parse("x.jsonl", prefix)
		kept := keptLines(prefix)
		if cut < startEnd {
			if err == nil || exitcode.Of(err) != exitcode.Usage {
				t.Fatalf("cut at %d, inside the start line: err %v, want an input error", cut, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if last := kept[len(kept)-1]; last["type"] == LineResult {
			if rf.Verdict != full.Verdict || rf.Result.(*report.RunResult).Incomplete != nil {
				t.Fatalf("cut at %d, after the result line: verdict %s, want the run's, %s", cut, rf.Verdict, full.Verdict)
			}
			continue
		}
		var attempts, accepted, r429 int64
		events := map[float64]bool{}
		for _, l := range kept {
			if l["type"] != LineAttempt {
				continue
			}
			attempts++
			st := l["status"].(float64)
			if st >= 200 && st <= 299 {
				accepted++
			}
			if st == 429 {
				r429++
			}
			events[l["event"].(float64)] = true
		}
		r := rf.Result.(*report.RunResult)
		d := r.Delivery
		if d.Attempts != attempts || d.Accepted != accepted || d.Rejected429 != r429 || d.Events != int64(len(events)) {
			t.Fatalf("cut at %d: attempts %d accepted %d 429 %d events %d, want %d %d %d %d (the kept lines)",
				cut, d.Attempts, d.Accepted, d.Rejected429, d.Events, attempts, accepted, r429, len(events))
		}
		if r.Incomplete == nil || r.Incomplete.Reason != report.CutTruncated || rf.Verdict != report.VerdictIncomplete || r.Verdict != report.VerdictIncomplete {
			t.Fatalf("cut at %d: verdict %s, incomplete %+v; want incomplete, truncated", cut, rf.Verdict, r.Incomplete)
		}
		if r.Profile != full.Profile || r.Scenario != full.Scenario || r.Retry != full.Retry || len(r.Thresholds) != 1 {
			t.Fatalf("cut at %d: profile %s scenario %s retry %s thresholds %v: want the start line's", cut, r.Profile, r.Scenario, r.Retry, r.Thresholds)
		}
		if tail := bytes.TrimSpace(prefix[bytes.LastIndexByte(prefix, '\n')+1:]); rf.Truncated != (len(tail) > 0 && !json.Valid(tail)) {
			t.Fatalf("cut at %d: Truncated %v", cut, rf.Truncated)
		}
	}
}

// TestReadServeCutAnywhere: the same for a serve session: the request
// counts of a rebuilt session are those of the request lines kept.
func TestReadServeCutAnywhere(t *testing.T) {
	t.Parallel()
	full, data := cutServeFile(t)
	startEnd := bytes.IndexByte(data, '\n')
	for _, cut := range cutPoints(data, 3) {
		prefix := data[:cut]
		rf, err := Parse("x.jsonl", prefix)
		kept := keptLines(prefix)
		if cut < startEnd {
			if err == nil || exitcode.Of(err) != exitcode.Usage {
				t.Fatalf("cut at %d, inside the start line: err %v, want an input error", cut, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if kept[len(kept)-1]["type"] == LineResult {
			if rf.Verdict != full.Verdict {
				t.Fatalf("cut at %d, after the result line: verdict %s, want %s", cut, rf.Verdict, full.Verdict)
			}
			continue
		}
		var total, unmatched int64
		byStatus := map[string]int64{}
		for _, l := range kept {
			if l["type"] != LineRequest {
				continue
			}
			total++
			byStatus[strconv.Itoa(int(l["status"].(float64)))]++
			if _, ok := l["key"]; !ok {
				unmatched++
			}
		}
		r := rf.Result.(*report.ServeResult)
		q := r.Requests
		if q.Total != total || q.Unmatched != unmatched || len(q.ByStatus) != len(byStatus) {
			t.Fatalf("cut at %d: %d requests (%d unmatched) by status %v, want %d (%d) %v", cut, q.Total, q.Unmatched, q.ByStatus, total, unmatched, byStatus)
		}
		for k, n := range byStatus {
			if q.ByStatus[k] != n {
				t.Fatalf("cut at %d: %d requests of status %s, want %d", cut, q.ByStatus[k], k, n)
			}
		}
		if r.Incomplete == nil || r.Incomplete.Reason != report.CutTruncated || rf.Verdict != report.VerdictIncomplete {
			t.Fatalf("cut at %d: verdict %s, incomplete %+v; want incomplete, truncated", cut, rf.Verdict, r.Incomplete)
		}
		if r.Listen != "http://a" || r.KeySource != "path" || len(r.Thresholds) != 1 {
			t.Fatalf("cut at %d: listen %s key %s thresholds %v: want the start line's", cut, r.Listen, r.KeySource, r.Thresholds)
		}
	}
}

// TestReadCutIncompleteEverywhere: a file cut short is incomplete in
// every format and in a merge with a whole file, and keeps its note.
func TestReadCutIncompleteEverywhere(t *testing.T) {
	_, data := cutRunFile(t)
	whole := mtParse(t, "whole.jsonl", data)
	cut := bytes.LastIndexByte(data[:len(data)/2], '\n') + 20 // inside an attempt line
	rf := mtParse(t, "cut.jsonl", data[:cut])
	want := map[render.Format]string{
		render.Table:    "INCOMPLETE, not a pass: the results file was cut short at line",
		render.Markdown: "INCOMPLETE, not a pass: the results file was cut short at line",
		render.JSON:     `"reason": "truncated"`,
		render.JUnit:    `type="incomplete/truncated"`,
		render.HTML:     "INCOMPLETE, not a pass: the results file was cut short at line",
	}
	for f, w := range want {
		var b bytes.Buffer
		if err := render.Write(&b, rf.Report(), f); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), w) {
			t.Errorf("%s: no %q in\n%.2000s", f, w, b.String())
		}
	}
	if n := rf.Report().Notes; len(n) != 1 || !strings.Contains(n[0], "cut.jsonl was cut short") {
		t.Errorf("notes %q, want the cut-short note", n)
	}
	rep, err := Merge([]*File{whole, rf})
	if err != nil {
		t.Fatal(err)
	}
	inc := rep.Result.(*report.RunResult).Incomplete
	if rep.Verdict != report.VerdictIncomplete || inc == nil || inc.Reason != report.CutTruncated {
		t.Fatalf("merged verdict %s, incomplete %+v: want incomplete, truncated", rep.Verdict, inc)
	}
}

// TestReadWithoutResultLine: a file that ends on a line boundary before
// its result line is rebuilt and incomplete; one written without a start
// line (an older hooklimit, or a check or probe) is an input error that
// says why.
func TestReadWithoutResultLine(t *testing.T) {
	_, data := cutRunFile(t)
	lines := bytes.SplitAfter(data, []byte("\n"))
	rf := mtParse(t, "x.jsonl", bytes.Join(lines[:5], nil))
	if inc := report.IncompleteOf(rf.Result); rf.Verdict != report.VerdictIncomplete || inc == nil || !strings.HasPrefix(inc.Detail, "the results file ends at line 5, without its result line") {
		t.Fatalf("verdict %s, incomplete %+v", rf.Verdict, inc)
	}
	if rf.Truncated {
		t.Error("a file cut on a line boundary has no torn line")
	}
	_, err := Parse("old.jsonl", bytes.Join(lines[1:5], nil))
	if err == nil || exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "old.jsonl: no result line and no start line") {
		t.Fatalf("err %v, want exit 2 naming the missing start line", err)
	}
	// A reader that does not know start lines counts and skips them.
	if rf.Lines[LineStart] != 1 {
		t.Errorf("%d start lines counted", rf.Lines[LineStart])
	}
	var l resultLine
	if err := l.decode(lines[0]); err != nil || l.Type != LineStart || l.Result != nil {
		t.Errorf("the start line decodes as %+v, %v: want a line of its own type, not a result", l, err)
	}
}

// FuzzReadCut: reading any prefix of a results file never panics; it is
// either an input error naming the file, or a result, incomplete when the
// file was cut short or has no result line.
func FuzzReadCut(f *testing.F) {
	_, run := cutRunFile(f)
	f.Add(run, uint(len(run)/3))
	f.Add(run, uint(len(run)-2))
	f.Add([]byte(okAttempt+"\n"+okRun+"\n"), uint(30))
	f.Fuzz(func(t *testing.T, data []byte, cut uint) {
		prefix := data[:cut%uint(len(data)+1)]
		rf, err := Parse("f.jsonl", prefix)
		if err != nil {
			var in *exitcode.InputError
			if !errors.As(err, &in) || !strings.HasPrefix(err.Error(), "f.jsonl") {
				t.Fatalf("err %v (%T): want an input error naming the file", err, err)
			}
			return
		}
		if (rf.Truncated || rf.ResultLine == 0) && rf.Verdict != report.VerdictIncomplete {
			t.Fatalf("cut short (torn %v, result line %d) but verdict %s", rf.Truncated, rf.ResultLine, rf.Verdict)
		}
		if rf.Timeline == nil || rf.Timeline.Len() <= 2000 {
			_ = render.Write(io.Discard, rf.Report(), render.Table)
		}
	})
}
