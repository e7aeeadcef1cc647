package results

import (
	"bytes"
	"context"
	"testing"

	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
)

// laned gives the emissions of a source to the lanes in turn: the i-th
// emission to lane i%n.
type laned struct {
	scenarios.Source
	n, i int
}

func (l *laned) Next() (scenarios.Emission, error) {
	e, err := l.Source.Next()
	e.Sender = l.i % l.n
	l.i++
	return e, err
}

// sendersRunFile is the results file of a run of three senders into
// Rewst (25 a second per key), as run --out writes it: a burst of events
// on one key shared by psa (no retries: it loses its 429s) and rmm
// (honours Retry-After), and billing, which sends nothing. Its keys are
// prefixed with prefix.
func sendersRunFile(t testing.TB, events int, prefix string) (*report.RunResult, []byte) {
	t.Helper()
	prof := builtin(t, "rewst")
	src, err := scenarios.New("burst", scenarios.Params{Events: int64(events)})
	if err != nil {
		t.Fatal(err)
	}
	lanes := []probe.Lane{{Name: "psa", Policy: retry.None{}}, {Name: "rmm", Policy: retry.RetryAfter{Max: 3}}, {Name: "billing", Policy: retry.None{}}}
	m := report.RunMeta{Scenario: "plan", Target: "simulator", Retry: "per sender", Seed: 1}
	for _, l := range lanes {
		m.Senders = append(m.Senders, report.SenderMeta{Name: l.Name, Sender: "parallel", Retry: l.Policy.String()})
	}
	var buf bytes.Buffer
	rw := NewWriter(&buf)
	if err := rw.StartRun(prof, m, nil); err != nil {
		t.Fatal(err)
	}
	coll := report.NewRunCollector(prof, rw)
	eng := &probe.Engine{Source: &laned{Source: renamed{src, prefix}, n: 2}, Lanes: lanes, Seed: 1, Observer: coll, Target: &probe.SimTarget{Profile: prof}}
	if _, err := eng.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := coll.Result(m)
	if err := rw.Result(res); err != nil {
		t.Fatal(err)
	}
	return res, buf.Bytes()
}

// checkSenderSums fails unless the senders' counts sum to the run's.
func checkSenderSums(t *testing.T, what string, r *report.RunResult) {
	t.Helper()
	var s report.SenderShare
	for _, x := range r.Senders {
		s.AddCounts(x)
	}
	d := r.Delivery
	if s.Events != d.Events || s.Attempts != d.Attempts || s.Accepted != d.Accepted || s.Rejected429 != d.Rejected429 || s.Errors != d.Errors ||
		s.Lost != d.Lost || s.RetryAfterEarly != d.RetryAfterEarly || s.PartitionViolations != d.PartitionViolations {
		t.Fatalf("%s: the senders sum to %+v, the run has %+v", what, s, d)
	}
}

// senderNames returns the names of r's senders, joined.
func senderNames(r *report.RunResult) string {
	var b bytes.Buffer
	for _, s := range r.Senders {
		b.WriteString(s.Name + " ")
	}
	return b.String()
}

// TestStartLineNamesTheSenders: the start line of a run of several
// senders names them all, with their model and retry policy, so a file
// cut before any attempt still has them; a start line whose senders are
// bad is an input error at its field.
func TestStartLineNamesTheSenders(t *testing.T) {
	_, data := sendersRunFile(t, 10, "")
	start := data[:bytes.IndexByte(data, '\n')+1]
	want := `"senders":[{"name":"psa","sender":"parallel","retry":"none"},{"name":"rmm","sender":"parallel","retry":"retry-after,max=3,fallback=(exponential,base=1s,cap=5m,max=7,jitter=full)"},{"name":"billing","sender":"parallel","retry":"none"}]`
	if !bytes.Contains(start, []byte(want)) {
		t.Fatalf("start line %s\nwant %s", start, want)
	}
	rf, err := Parse("x.jsonl", start)
	if err != nil {
		t.Fatal(err)
	}
	r := rf.Result.(*report.RunResult)
	if got := senderNames(r); got != "psa rmm billing " || r.Senders[1].Retry != lanesRMM || r.Delivery.Attempts != 0 {
		t.Fatalf("senders %q %+v, want psa rmm billing, with no attempt", got, r.Senders)
	}
	for _, tc := range []struct{ senders, want string }{
		{`[{"name":""}]`, "x.jsonl:1: run.senders[0].name: missing"},
		{`[{"name":"a"},{"name":"a"}]`, `x.jsonl:1: run.senders[1].name: "a" is the name of an earlier sender`},
		{`[{"name":"` + string(bytes.Repeat([]byte("a"), 65)) + `"}]`, "x.jsonl:1: run.senders[0].name: must be at most 64 bytes, not 65"},
	} {
		bad := bytes.Replace(start, []byte(`"senders":[`), []byte(`"senders":`+tc.senders+`,"x":[`), 1)
		_, err := Parse("x.jsonl", bad)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: err %v, want %s", tc.senders, err, tc.want)
		}
	}
}

// TestCutSendersAttributed: a run of several senders whose file is cut
// anywhere after its start line is rebuilt with every sender the start
// line names, in its order, each with the events, attempts, 429s and
// lost events its kept lines hold, summing to the rebuilt totals.
func TestCutSendersAttributed(t *testing.T) {
	t.Parallel()
	full, data := sendersRunFile(t, 40, "")
	if full.Delivery.Lost == 0 || full.Senders[0].Lost == 0 || full.Senders[1].Rejected429 == 0 {
		t.Fatalf("the run should reject both and psa should lose events: %+v", full.Senders)
	}
	startEnd := bytes.IndexByte(data, '\n')
	for _, cut := range cutPoints(data, 8) {
		if cut <= startEnd {
			continue
		}
		rf, err := Parse("x.jsonl", data[:cut])
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		r := rf.Result.(*report.RunResult)
		if got := senderNames(r); got != "psa rmm billing " {
			t.Fatalf("cut at %d: senders %q", cut, got)
		}
		checkSenderSums(t, "cut", r)
		kept := keptLines(data[:cut])
		if kept[len(kept)-1]["type"] == LineResult {
			continue
		}
		type tally struct{ attempts, r429 int64 }
		want := map[string]*tally{"psa": {}, "rmm": {}, "billing": {}}
		events := map[string]map[float64]bool{}
		for _, l := range kept {
			if l["type"] != LineAttempt {
				continue
			}
			s := l["sender"].(string)
			want[s].attempts++
			if l["status"].(float64) == 429 {
				want[s].r429++
			}
			if events[s] == nil {
				events[s] = map[float64]bool{}
			}
			events[s][l["event"].(float64)] = true
		}
		for _, s := range r.Senders {
			w := want[s.Name]
			if s.Attempts != w.attempts || s.Rejected429 != w.r429 || s.Events != int64(len(events[s.Name])) || s.Lost != 0 {
				t.Fatalf("cut at %d: %s has %d attempts, %d 429s, %d events, %d lost; its kept lines %d, %d, %d, and none lost (undelivered is pending)",
					cut, s.Name, s.Attempts, s.Rejected429, s.Events, s.Lost, w.attempts, w.r429, len(events[s.Name]))
			}
		}
	}
}

// TestMergeSenders: merging the results files of runs of several
// senders keeps the attribution: senders of the same name are one
// sender, whose counts add up across the files, and the merged senders
// sum to the merged totals, whether the merge replays the attempt lines
// or adds up the results. A run of one sender merged with them is a
// sender named after its file.
func TestMergeSenders(t *testing.T) {
	a, da := sendersRunFile(t, 40, "a-")
	b, db := sendersRunFile(t, 50, "b-")
	one, d1 := mtRun(t, "rewst", "burst", scenarios.Params{Events: 30}, "none", 1, "c-")
	onlyResult := func(data []byte) []byte { // the start and result lines
		lines := bytes.SplitAfter(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
		var out []byte
		for _, l := range lines {
			if !bytes.Contains(l, []byte(`"type":"attempt"`)) {
				out = append(out, l...)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		files []*File
		want  string
	}{
		{"replay", []*File{mtParse(t, "a.jsonl", da), mtParse(t, "b.jsonl", db)}, "psa rmm billing "},
		{"results", []*File{mtParse(t, "a.jsonl", onlyResult(da)), mtParse(t, "b.jsonl", onlyResult(db))}, "psa rmm billing "},
		{"replay, one sender", []*File{mtParse(t, "a.jsonl", da), mtParse(t, "one.jsonl", d1)}, "psa rmm billing one.jsonl "},
		{"results, one sender", []*File{mtParse(t, "a.jsonl", onlyResult(da)), mtParse(t, "one.jsonl", onlyResult(d1))}, "psa rmm billing one.jsonl "},
	} {
		rep, err := Merge(tc.files)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		r := rep.Result.(*report.RunResult)
		if got := senderNames(r); got != tc.want {
			t.Fatalf("%s: senders %q, want %q", tc.name, got, tc.want)
		}
		checkSenderSums(t, tc.name, r)
		other := b.Senders
		if len(r.Senders) == 4 {
			other = nil
			if s := r.Senders[3]; s.Events != one.Delivery.Events || s.Lost != one.Delivery.Lost || s.Retry != "none" || s.Sender != "parallel" {
				t.Fatalf("%s: the file of one sender is %+v, want its run's %+v", tc.name, s, one.Delivery)
			}
		}
		for i, s := range r.Senders[:3] {
			events, attempts, lost, r429 := a.Senders[i].Events, a.Senders[i].Attempts, a.Senders[i].Lost, a.Senders[i].Rejected429
			if other != nil {
				events, attempts, lost, r429 = events+other[i].Events, attempts+other[i].Attempts, lost+other[i].Lost, r429+other[i].Rejected429
			}
			if s.Events != events || s.Attempts != attempts || s.Lost != lost || s.Rejected429 != r429 {
				t.Fatalf("%s: %s has %d events, %d attempts, %d lost, %d 429s; want %d, %d, %d, %d (its files' sums)",
					tc.name, s.Name, s.Events, s.Attempts, s.Lost, s.Rejected429, events, attempts, lost, r429)
			}
		}
	}
}

// lanesRMM is the retry policy of rmm in sendersRunFile, in full.
const lanesRMM = "retry-after,max=3,fallback=(exponential,base=1s,cap=5m,max=7,jitter=full)"
