package results

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
)

// renamed is a Source whose keys are renamed.
type renamed struct {
	scenarios.Source
	prefix string
}

func (r renamed) Next() (scenarios.Emission, error) {
	e, err := r.Source.Next()
	e.Key = r.prefix + e.Key
	return e, err
}

// mtRun runs a shape against a built-in profile's simulator, its keys
// prefixed with prefix, and returns the result and the results file
// (attempt lines, then the result line).
func mtRun(t testing.TB, profile, shape string, p scenarios.Params, spec string, seed uint64, prefix string) (*report.RunResult, []byte) {
	t.Helper()
	prof, ok := limitsim.Builtin(profile)
	if !ok {
		t.Fatalf("no profile %s", profile)
	}
	return mtRunOn(t, prof, shape, p, spec, seed, prefix)
}

// mtRunOn is mtRun on the profile prof.
func mtRunOn(t testing.TB, prof *limitsim.Profile, shape string, p scenarios.Params, spec string, seed uint64, prefix string) (*report.RunResult, []byte) {
	t.Helper()
	src, err := scenarios.New(shape, p)
	if err != nil {
		t.Fatal(err)
	}
	pol, err := retry.ParsePolicy(spec)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	rw := NewWriter(&buf)
	coll := report.NewRunCollector(prof, rw)
	eng := &probe.Engine{Source: renamed{src, prefix}, Policy: pol, Seed: seed, Observer: coll, Target: &probe.SimTarget{Profile: prof}}
	if _, err := eng.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	res := coll.Result(report.RunMeta{Scenario: shape, Target: "simulator", Retry: pol.String(), Seed: seed})
	if err := NewWriter(&buf).Result(res); err != nil {
		t.Fatal(err)
	}
	return res, buf.Bytes()
}

// mtParse reads a results file held in memory.
func mtParse(t testing.TB, name string, data []byte) *File {
	t.Helper()
	rf, err := Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return rf
}

// resultOnly keeps the last line of a results file.
func resultOnly(data []byte) []byte {
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	return append(lines[len(lines)-1], '\n')
}

// comparable is the JSON of what a merge must reproduce exactly: the
// result without the notes and file names that say how it was made.
func comparable(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "notes")
	if in, ok := m["input"].(map[string]any); ok {
		delete(in, "files")
	}
	out, _ := json.MarshalIndent(m, "", " ")
	return string(out)
}

func diffJSON(t *testing.T, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < min(len(g), len(w)); i++ {
		if g[i] != w[i] {
			t.Fatalf("%s differs at line %d:\ngot  %s\nwant %s", what, i+1, g[i], w[i])
		}
	}
	t.Fatalf("%s differs in length: got %d lines, want %d", what, len(g), len(w))
}

// splitByKey splits a run's results file into one file per key, each
// with the attempts of its key and a result line that counts them.
func splitByKey(t *testing.T, data []byte, keys ...string) [][]byte {
	t.Helper()
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	var res report.RunResult
	var wrap struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(lines[len(lines)-1], &wrap); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(wrap.Result, &res); err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, k := range keys {
		var b bytes.Buffer
		var n int64
		deliveries := map[[2]int64]bool{}
		for _, l := range lines[:len(lines)-1] {
			var a struct {
				Key   string `json:"key"`
				Event int64  `json:"event"`
				Copy  int64  `json:"copy"`
			}
			if err := json.Unmarshal(l, &a); err != nil {
				t.Fatal(err)
			}
			if a.Key == k {
				b.Write(l)
				b.WriteByte('\n')
				n++
				deliveries[[2]int64{a.Event, a.Copy}] = true
			}
		}
		part := res
		part.Delivery.Attempts, part.Delivery.Deliveries = n, int64(len(deliveries))
		if err := NewWriter(&b).Result(&part); err != nil {
			t.Fatal(err)
		}
		out = append(out, b.Bytes())
	}
	return out
}

// TestMergeReplayOfOneFileIsTheRun: replaying a run's attempt lines gives
// its result back, number for number (outcomes rebuilt from attempts).
// Workato's burst runs on a copy of its profile with a store of 180
// events rather than 18,000: 280 events, of which 200 fit the first
// second and 80 are rejected, the shape of 18,100 against the real
// store in a sixtieth of the attempts.
func TestMergeReplayOfOneFileIsTheRun(t *testing.T) {
	t.Parallel()
	workato := *builtin(t, "workato")
	workato.Limits = append([]limitsim.Limit(nil), workato.Limits...)
	workato.Limits[0].Burst = 180
	for _, tc := range []struct {
		profile      *limitsim.Profile
		shape, retry string
		p            scenarios.Params
		rejected     int64 // the run's 429s, when the case is about them
	}{
		{builtin(t, "rewst"), "duplicate-storm", "retry-after", scenarios.Params{Rate: scenarios.Rate{N: 20, Per: time.Second}, Copies: 2, Keys: 2, Duration: 20 * time.Second}, -1},
		{builtin(t, "rewst"), "steady", "exponential,base=1s,max=3,jitter=full", scenarios.Params{Rate: scenarios.Rate{N: 40, Per: time.Second}, Duration: 30 * time.Second}, -1},
		{&workato, "burst", "none", scenarios.Params{Events: 280}, 80},
		{builtin(t, "perwebhook"), "bulk", "fixed,delay=2s,max=5", scenarios.Params{Events: 500, Over: 30 * time.Second, Keys: 3}, -1},
	} {
		t.Run(tc.profile.Name+"/"+tc.shape, func(t *testing.T) {
			want, data := mtRunOn(t, tc.profile, tc.shape, tc.p, tc.retry, 7, "")
			if tc.rejected >= 0 && want.Delivery.Rejected429 != tc.rejected {
				t.Fatalf("the run had %d 429s, want %d", want.Delivery.Rejected429, tc.rejected)
			}
			rf := mtParse(t, "a.jsonl", data)
			got, err := replayRuns([]*File{rf}, []*report.RunResult{rf.Result.(*report.RunResult)}, tc.profile)
			if err != nil {
				t.Fatal(err)
			}
			diffJSON(t, "replayed run", comparable(t, got), comparable(t, want))
		})
	}
}

// TestMergeSplitByKeyIsTheRun: a run split into one file per key merges
// back into the run itself: delivery, histograms, compliance and the
// timeline, all computed again from the attempts.
func TestMergeSplitByKeyIsTheRun(t *testing.T) {
	t.Parallel()
	want, data := mtRun(t, "rewst", "duplicate-storm", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Copies: 2, Keys: 2, Duration: 20 * time.Second}, "retry-after", 3, "")
	parts := splitByKey(t, data, "t1", "t2")
	rep, err := Merge([]*File{mtParse(t, "t1.jsonl", parts[0]), mtParse(t, "t2.jsonl", parts[1])})
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Result.(*report.RunResult)
	if want.Delivery.Duplicates == 0 || want.Delivery.Rejected429 == 0 {
		t.Fatalf("the run should have duplicates and 429s: %+v", want.Delivery)
	}
	diffJSON(t, "merged run", comparable(t, got), comparable(t, want))
	if len(got.Notes) == 0 || !strings.Contains(got.Notes[0], "replaying") {
		t.Errorf("notes %q should say the attempts were replayed", got.Notes)
	}
}

// TestMergeResultLinesEqualsReplay: runs of different keys merge from
// their result lines alone (counters added, HDR histograms merged) into
// exactly what replaying their attempts gives.
func TestMergeResultLinesEqualsReplay(t *testing.T) {
	t.Parallel()
	_, a := mtRun(t, "rewst", "poisson", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 30 * time.Second, Keys: 2}, "retry-after", 1, "a-")
	_, b := mtRun(t, "rewst", "bulk", scenarios.Params{Events: 900, Over: 20 * time.Second}, "exponential,base=500ms,max=4,jitter=full", 2, "b-")
	replayed, err := Merge([]*File{mtParse(t, "a.jsonl", a), mtParse(t, "b.jsonl", b)})
	if err != nil {
		t.Fatal(err)
	}
	merged, err := Merge([]*File{mtParse(t, "a.jsonl", resultOnly(a)), mtParse(t, "b.jsonl", resultOnly(b))})
	if err != nil {
		t.Fatal(err)
	}
	r, m := replayed.Result.(*report.RunResult), merged.Result.(*report.RunResult)
	if !strings.Contains(r.Notes[0], "replaying") || !strings.Contains(m.Notes[0], "histograms merged") {
		t.Fatalf("notes: replayed %q, merged %q", r.Notes, m.Notes)
	}
	ha, hb, hc, err := r.Delivery.Histograms.DecodeAll()
	if err != nil {
		t.Fatal(err)
	}
	ma, mb, mc, err := m.Delivery.Histograms.DecodeAll()
	if err != nil {
		t.Fatal(err)
	}
	if !ha.Equals(ma) || !hb.Equals(mb) || !hc.Equals(mc) || ha.TotalCount() == 0 {
		t.Fatalf("merged histograms differ from the replayed ones")
	}
	r.Delivery.Histograms, m.Delivery.Histograms = nil, nil
	diffJSON(t, "result-line merge", comparable(t, m), comparable(t, r))
}

// mtCheck analyses arrivals, with a timeline, and returns the result and
// its results file.
func mtCheck(t testing.TB, profiles []*limitsim.Profile, arrivals []scenarios.Record, file string) (*report.CheckResult, []byte) {
	t.Helper()
	a := report.NewAnalyzer(profiles, report.AnalyzerOptions{Timeline: true})
	for _, x := range arrivals {
		a.Add(x)
	}
	r := a.Result()
	r.Input.Files = []string{file}
	var b bytes.Buffer
	if err := NewWriter(&b).Result(r); err != nil {
		t.Fatal(err)
	}
	return r, b.Bytes()
}

// mtTraffic is traffic over keys, in time order, with bursts on the
// first key that break Rewst's per-second limit.
func mtTraffic(keys []string) []scenarios.Record {
	var out []scenarios.Record
	x := uint64(12345)
	t := int64(1771318800 * time.Second)
	for i := range 6000 {
		x = x*6364136223846793005 + 1442695040888963407
		k := keys[int(x>>33)%len(keys)]
		step := int64(x>>40) % int64(40*time.Millisecond)
		if i%700 < 60 {
			k, step = keys[0], int64(2*time.Millisecond) // a burst on the first key
		}
		t += step
		out = append(out, scenarios.Record{Time: t, Key: k, Size: int64(x>>50) + 100, HasSize: true})
	}
	return out
}

// TestMergeChecksOfDisjointKeysIsTheCheck: checks of traffic split by key
// merge into the check of the whole traffic.
func TestMergeChecksOfDisjointKeysIsTheCheck(t *testing.T) {
	profiles := []*limitsim.Profile{builtin(t, "rewst"), builtin(t, "workato")}
	all := mtTraffic([]string{"t1", "t2", "t3", "t4", "t5"})
	// Workato's limits are per workspace: the halves are two workspaces.
	var a, b []scenarios.Record
	for i, x := range all {
		if x.Key < "t3" {
			all[i].Workspace = "w1"
			a = append(a, all[i])
		} else {
			all[i].Workspace = "w2"
			b = append(b, all[i])
		}
	}
	want, _ := mtCheck(t, profiles, all, "all.jsonl")
	_, fa := mtCheck(t, profiles, a, "a.jsonl")
	_, fb := mtCheck(t, profiles, b, "b.jsonl")
	rep, err := Merge([]*File{mtParse(t, "ra.jsonl", fa), mtParse(t, "rb.jsonl", fb)})
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Result.(*report.CheckResult)
	if want.Verdict != report.VerdictFail {
		t.Fatalf("the traffic should fail somewhere: %s", want.Verdict)
	}
	diffJSON(t, "merged check", comparable(t, got), comparable(t, want))
	if strings.Join(got.Input.Files, ",") != "a.jsonl,b.jsonl" {
		t.Errorf("files %q, want the traffic files of both", got.Input.Files)
	}
	// One workspace split over two files does not merge: its partition
	// is in both.
	for i := range a {
		a[i].Workspace = ""
	}
	for i := range b {
		b[i].Workspace = ""
	}
	_, fa = mtCheck(t, profiles, a, "a.jsonl")
	_, fb = mtCheck(t, profiles, b, "b.jsonl")
	_, err = Merge([]*File{mtParse(t, "ra.jsonl", fa), mtParse(t, "rb.jsonl", fb)})
	if err == nil || !strings.Contains(err.Error(), `partition key "workspace (all traffic)" is in ra.jsonl and in rb.jsonl`) {
		t.Errorf("merging one workspace split over two files: %v", err)
	}
}

// mtServe feeds a serve recorder requests and returns its result and
// results file.
func mtServe(t *testing.T, reqs []session.Record, listen string) (*report.ServeResult, []byte) {
	t.Helper()
	var b bytes.Buffer
	rw := NewWriter(&b)
	s := session.NewRecorder(builtin(t, "rewst"), session.Options{Log: rw, Thresholds: []report.Threshold{mustThreshold(t, "retry_after_early==0")}})
	for i := range reqs {
		r := reqs[i]
		s.Add(&r)
	}
	res := s.Result(session.Meta{Listen: listen, KeySource: "path"})
	if err := rw.Result(res); err != nil {
		t.Fatal(err)
	}
	return res, b.Bytes()
}

func mustThreshold(t *testing.T, s string) report.Threshold {
	t.Helper()
	th, err := report.ParseThreshold(s)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// TestMergeServeSessionsIsOneSession: two serve sessions merge into what
// one receiver that saw every request would report.
func TestMergeServeSessionsIsOneSession(t *testing.T) {
	base := int64(1771318800 * time.Second)
	var a, b, all []session.Record
	for i := range 120 {
		key := []string{"t1", "t2"}[i%2]
		id := "evt-" + strconv.Itoa(i/3)
		st, ra := 200, int64(0)
		if i%7 == 0 {
			st, ra = 429, 1
		}
		r := session.Record{Seq: uint64(i + 1), Time: base + int64(i)*int64(37*time.Millisecond), Key: key, Keyed: true, Size: 100,
			Status: st, RetryAfter: ra, EventID: id, EventHash: xxhash.Sum64String(id), IDFrom: session.IDHeader, Sender: []string{"ra", "rb"}[i%4/2]}
		if i%5 == 0 {
			r = session.Record{Seq: r.Seq, Time: r.Time, Status: 404}
		}
		all = append(all, r)
		if i%3 == 0 {
			a = append(a, r)
		} else {
			b = append(b, r)
		}
	}
	want, _ := mtServe(t, all, "http://a + http://b")
	_, fa := mtServe(t, a, "http://a")
	_, fb := mtServe(t, b, "http://b")
	rep, err := Merge([]*File{mtParse(t, "a.jsonl", fa), mtParse(t, "b.jsonl", fb)})
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Result.(*report.ServeResult)
	want.Notes, got.Notes = nil, nil
	diffJSON(t, "merged serve", comparable(t, got), comparable(t, want))
	if got.Delivery.Senders != 2 {
		t.Errorf("%d senders, want 2: the sender must survive the request lines", got.Delivery.Senders)
	}
	if rep.Timeline == nil || report.Total(rep.Timeline.Sent) != 120 {
		t.Errorf("timeline %+v, want 120 requests", rep.Timeline)
	}
}

// TestMergeRefuses: what cannot merge exactly is an input error that
// names the file and says why.
func TestMergeRefuses(t *testing.T) {
	_, run1 := mtRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 10, Per: time.Second}, Duration: 5 * time.Second}, "none", 1, "")
	_, run2 := mtRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 12, Per: time.Second}, Duration: 5 * time.Second}, "none", 2, "")
	_, wk := mtRun(t, "workato", "steady", scenarios.Params{Rate: scenarios.Rate{N: 10, Per: time.Second}, Duration: 5 * time.Second}, "none", 1, "")
	_, chk := mtCheck(t, []*limitsim.Profile{builtin(t, "rewst")}, mtTraffic([]string{"t1"}), "x.jsonl")
	_, chk2 := mtCheck(t, []*limitsim.Profile{builtin(t, "rewst")}, mtTraffic([]string{"t1", "t2"}), "y.jsonl")
	cmp := []byte(`{"type":"result","result":{"verdict":"pass","kind":"compare","runs":[]}}` + "\n")
	prb := []byte(`{"type":"result","result":{"verdict":"pass","kind":"probe","target":"http://x"}}` + "\n")
	truncated := bytes.Join(bytes.SplitAfter(run1, []byte("\n"))[3:], nil)
	for _, tc := range []struct {
		name  string
		files [][2]string
		want  string
	}{
		{"kinds", [][2]string{{"r.jsonl", string(run1)}, {"c.jsonl", string(chk)}}, "c.jsonl: is a check result and r.jsonl is a run result"},
		{"profiles", [][2]string{{"r.jsonl", string(run1)}, {"w.jsonl", string(wk)}}, "w.jsonl: was measured against profile workato and r.jsonl against rewst"},
		{"overlap without attempts", [][2]string{{"a.jsonl", string(resultOnly(run1))}, {"b.jsonl", string(resultOnly(run2))}}, `b.jsonl: partition key "t1" is in a.jsonl and in b.jsonl`},
		{"checks overlap", [][2]string{{"x.jsonl", string(chk)}, {"y.jsonl", string(chk2)}}, "run check on the traffic files together"},
		{"incomplete", [][2]string{{"a.jsonl", string(run1)}, {"t.jsonl", string(truncated)}}, "t.jsonl: has 47 attempt lines but its result counts 50 attempts"},
		{"compare", [][2]string{{"a.jsonl", string(cmp)}, {"b.jsonl", string(cmp)}}, "compare-retry do not merge"},
		{"probe", [][2]string{{"a.jsonl", string(prb)}, {"b.jsonl", string(prb)}}, "probe results do not merge"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var files []*File
			for _, f := range tc.files {
				files = append(files, mtParse(t, f[0], []byte(f[1])))
			}
			_, err := Merge(files)
			var in *exitcode.InputError
			if !errors.As(err, &in) {
				t.Fatalf("err %v (%T), want an *exitcode.InputError", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestMergeReappliesThresholds: the thresholds of the inputs judge the
// merged numbers.
func TestMergeReappliesThresholds(t *testing.T) {
	mk := func(prefix string, n int64) []byte {
		r, data := mtRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: n, Per: time.Second}, Duration: 10 * time.Second}, "none", 1, prefix)
		if err := r.ApplyThresholds([]report.Threshold{mustThreshold(t, "attempts<150")}); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := NewWriter(&b).Result(r); err != nil {
			t.Fatal(err)
		}
		return append(bytes.Join(bytes.SplitAfter(data, []byte("\n"))[:r.Delivery.Attempts], nil), b.Bytes()...)
	}
	a, b := mtParse(t, "a.jsonl", mk("a", 10)), mtParse(t, "b.jsonl", mk("b", 10))
	if a.Verdict != report.VerdictPass || b.Verdict != report.VerdictPass {
		t.Fatalf("each run alone passes: %s %s", a.Verdict, b.Verdict)
	}
	rep, err := Merge([]*File{a, b})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Result.(*report.RunResult)
	if rep.Verdict != report.VerdictFail || len(r.Thresholds) != 1 || r.Thresholds[0].Actual != 200 {
		t.Fatalf("verdict %s thresholds %+v, want attempts<150 to fail at 200", rep.Verdict, r.Thresholds)
	}
}
