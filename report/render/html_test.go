package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/results"
	"github.com/hooklimit/hooklimit/scenarios"
)

// browserPagesOnce and htmlPagesOnce hold the pages, rendered by the
// first test that needs them; browserMu and htmlMu guard them.
var (
	browserPagesOnce, htmlPagesOnce map[string][]byte
	browserMu, htmlMu               sync.Mutex
)

// browserPages renders the pages the browser opens: a run's, workato's
// burst, a check's and a probe's.
func browserPages(t *testing.T) map[string][]byte {
	t.Helper()
	browserMu.Lock()
	defer browserMu.Unlock()
	if browserPagesOnce != nil {
		return browserPagesOnce
	}
	pages := map[string][]byte{}
	render := func(name string, rep *report.Report) {
		var b bytes.Buffer
		if err := Write(&b, rep, HTML); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pages[name] = b.Bytes()
	}
	// 65 s, so that the per-minute chart has two minutes; at 20/s the
	// per-minute limit rejects the last 300 events and their retries,
	// which a page about a run against rewst must show, with a results
	// file of 3,400 lines rather than the 24,000 of 30/s.
	_, rewst := mtRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 20, Per: time.Second}, Duration: 65 * time.Second}, "retry-after", 1, "")
	render("run", mtParse(t, "rewst.jsonl", rewst).Report())
	// A burst of 1,600 events of 40 kB: 64 MB against the 30 MB of
	// Workato's first minute and its 30 MB byte store, so the page shows
	// the store emptied and 100 429s retried, as 18,100 small events
	// would against the event store, in an eleventh of the lines.
	_, workato := mtRun(t, "workato", "burst", scenarios.Params{Events: 1600, Size: 40000}, "retry-after", 1, "")
	render("workato", mtParse(t, "workato.jsonl", workato).Report())
	_, chk := mtCheck(t, []*limitsim.Profile{builtin(t, "rewst"), builtin(t, "perwebhook")}, mtTraffic([]string{"t1", "<b>t2</b>"}), "traffic.jsonl")
	render("check", mtParse(t, "check.jsonl", chk).Report())
	// Two pages from timelines as runs wrote them, without the runs:
	// Workato's burst of 18,100 events (18,020 admitted, 80 rejected and
	// retried), and a retry storm peaking at 1,000/s against rewst's
	// 25/s.
	render("burst", timelinePage("burst", "workato", &report.Timeline{Profile: builtinSpec("workato"), StepSeconds: 1, Start: report.Timestamp(time.Date(2026, 2, 17, 9, 0, 0, 0, time.UTC).UnixNano()),
		Sent: []int64{18100, 80, 60, 40, 20}, Admitted: []int64{18020, 20, 20, 20, 20}, Rejected429: []int64{80, 60, 40, 20, 0}}))
	storm := &report.Timeline{Profile: builtinSpec("rewst"), StepSeconds: 1, Start: report.Timestamp(time.Date(2026, 2, 17, 9, 0, 0, 0, time.UTC).UnixNano())}
	for _, sent := range []int64{1000, 1000, 800, 600, 400, 200, 100, 50, 30, 25, 25, 20} {
		adm := min(sent, 25)
		storm.Sent, storm.Admitted, storm.Rejected429 = append(storm.Sent, sent), append(storm.Admitted, adm), append(storm.Rejected429, sent-adm)
	}
	render("storm", timelinePage("bulk", "rewst", storm))
	prb := mtParse(t, "probe.jsonl", probeLines())
	render("probe", prb.Report())
	// What --compare-retry compares, with the long form of each policy
	// in the table's first column.
	a := simRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 30 * time.Second}, "none", 1)
	b := simRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 30 * time.Second}, "retry-after", 1)
	render("compare", &report.Report{Kind: report.KindCompare, Result: report.NewCompareResult([]*report.RunResult{a, b}), Verdict: report.VerdictFail, Files: []string{"cmp.jsonl"}})
	browserPagesOnce = pages
	return pages
}

// timelinePage is the report of a run of scenario against profile that
// drew timeline t: a failed run with nothing else to show.
func timelinePage(scenario, profile string, t *report.Timeline) *report.Report {
	r := &report.RunResult{Verdict: report.VerdictFail, Kind: report.KindRun, Scenario: scenario, Profile: profile, Target: "simulator", Retry: "retry-after"}
	return &report.Report{Kind: report.KindRun, Result: r, Timeline: t, Verdict: report.VerdictFail, Files: []string{scenario + ".jsonl"}}
}

// probeLines is a probe's results file: a burst of 40 at 09:00:00 of
// which 25 are admitted, then 20/s for three seconds, and the result
// that infers 25 per second.
func probeLines() []byte {
	var b strings.Builder
	seq := 0
	req := func(at time.Duration, status int) {
		seq++
		fmt.Fprintf(&b, `{"type":"probe_request","seq":%d,"step":"burst","size":2,"sent":%q,"status":%d}`+"\n",
			seq, time.Date(2026, 2, 17, 9, 0, 0, 0, time.UTC).Add(at).Format(time.RFC3339Nano), status)
	}
	for i := range 40 {
		status := 200
		if i >= 25 {
			status = 429
		}
		req(time.Duration(i)*time.Millisecond, status)
	}
	for i := range 60 {
		req(time.Second+time.Duration(i)*50*time.Millisecond, 200)
	}
	b.WriteString(`{"type":"result","result":{"verdict":"pass","kind":"probe","target":"http://127.0.0.1:8080/hooks/t1","profile":"rewst","requests":100,` +
		`"limits":[{"name":"burst","documented":25,"inferred":25,"basis":"measured","verdict":"match"},{"name":"per 1s","window_seconds":1,"documented":25,"inferred":25,"basis":"measured","verdict":"match"}],` +
		`"inferred":[{"window_seconds":1,"limit":25,"rate_per_second":25,"basis":"measured","confidence":"high"}],` +
		`"rate":{"saturation_rate":25,"max_per_second":25,"trials":[{"rate":20,"nominal":20,"sent":60,"rejected":0,"held":true}]},` +
		`"steps":[{"name":"burst","status":"done","requests":40,"duration_seconds":0.04},{"name":"steady","status":"done","requests":60,"duration_seconds":3}],` +
		`"findings":[{"code":"429-without-retry-after","severity":"error","message":"a 429 had no Retry-After","count":15}]}}` + "\n")
	return []byte(b.String())
}

// htmlPages renders a page of every kind of result, and the merge of two
// runs: the browser's pages and the others.
func htmlPages(t *testing.T) map[string][]byte {
	t.Helper()
	htmlMu.Lock()
	defer htmlMu.Unlock()
	if htmlPagesOnce != nil {
		return htmlPagesOnce
	}
	pages := map[string][]byte{}
	for name, page := range browserPages(t) {
		pages[name] = page
	}
	render := func(name string, rep *report.Report) {
		var b bytes.Buffer
		if err := Write(&b, rep, HTML); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pages[name] = b.Bytes()
	}
	// The merged files are small: the merge's page is the point, not
	// their size (each file is simulated, written and read again: under
	// the race detector, about 15,000 lines a second).
	_, rewst := mtRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 10 * time.Second}, "retry-after", 1, "")
	_, other := mtRun(t, "rewst", "poisson", scenarios.Params{Rate: scenarios.Rate{N: 20, Per: time.Second}, Duration: 10 * time.Second}, "exponential", 2, "")
	merged, err := results.Merge([]*results.File{mtParse(t, "rewst.jsonl", rewst), mtParse(t, "other.jsonl", other)})
	if err != nil {
		t.Fatal(err)
	}
	render("merged", merged)
	_, serve := serveSession(t, session.Options{})
	render("serve", &report.Report{Kind: report.KindServe, Result: serve, Verdict: serve.Verdict, Files: []string{"serve.jsonl"}})
	htmlPagesOnce = pages
	return pages
}

// TestHTMLIsSelfContained: every page is one HTML document that loads
// nothing (no script, no link, no source, no URL in CSS) and says so with
// a Content-Security-Policy; text from the input is escaped.
func TestHTMLIsSelfContained(t *testing.T) {
	loads := regexp.MustCompile(`(?i)<script|<link|<iframe|<object|<embed|\ssrc=|\shref=|url\(|@import`)
	for name, page := range htmlPages(t) {
		s := string(page)
		if !strings.HasPrefix(s, "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(s), "</html>") {
			t.Errorf("%s: not one HTML document", name)
		}
		if !strings.Contains(s, `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`) {
			t.Errorf("%s: no Content-Security-Policy", name)
		}
		if m := loads.FindString(s); m != "" {
			t.Errorf("%s: loads something: %q", name, m)
		}
		if strings.Contains(s, "<b>t2</b>") {
			t.Errorf("%s: a key was not escaped", name)
		}
		if !strings.Contains(s, `id="verdict">PASS<`) && !strings.Contains(s, `id="verdict">FAIL<`) {
			t.Errorf("%s: no verdict", name)
		}
	}
}

// TestHTMLCharts: the pages draw what the issue asks for, with the limit
// lines labelled.
func TestHTMLCharts(t *testing.T) {
	pages := htmlPages(t)
	for _, tc := range []struct {
		page string
		want []string
	}{
		{"run", []string{"Sent per second against the limits", "per_second: 25/1s", "Sent per minute against the limits", "per_minute: 1,000/1m", "minutes since 2026-02-17",
			"Delivery delay: first emission to acceptance", "Per key, limit and interpretation", "rejected (429)", "Latency is 0"}},
		{"workato", []string{"events: credits available (fresh + store) over time", "bytes: credits available", "events: refill 20/s (burst 18,000)",
			"Bytes per minute against bytes", "bytes: 30 MB/1m"}},
		{"merged", []string{"merged from 2 results files by replaying", "rewst.jsonl, other.jsonl"}},
		{"check", []string{"Records per second against the limits", "would be rejected", "per_minute: 1,000/1m", "&lt;b&gt;t2&lt;/b&gt;", "What each profile as documented would reject"}},
		{"compare", []string{"Attempts per second by retry policy", "retry-after,max=100", "limit 25/s"}},
		{"serve", []string{"The sender", "Compliance of what was sent"}},
		{"probe", []string{"Requests per second sent and admitted, against the inferred limits", "inferred per 1s: 25", `data-count="15"`,
			"Limits: documented, advertised and inferred", "429-without-retry-after", "Inferred limits", "Steady trials", "<th>step</th>"}},
		{"burst", []string{"events: the most one second can admit from full, 18,020", `data-count="80"`, "rejected (429): a dot marks each second with any"}},
		{"storm", []string{"Sent per second against the limits, zoomed to the limits", "y axis cut at 75", `data-count="975"`}},
	} {
		s := string(pages[tc.page])
		for _, w := range tc.want {
			if !strings.Contains(s, w) {
				t.Errorf("%s: no %q", tc.page, w)
			}
		}
		if tc.page == "probe" && strings.Contains(s, "<pre>") {
			t.Errorf("probe: a <pre>, want HTML tables")
		}
		if tc.page != "serve" && strings.Count(s, `<svg class="chart"`) == 0 {
			t.Errorf("%s: no chart", tc.page)
		}
	}
}

// TestLevelsCredits: Workato's credit level after a burst of 18,100 is
// exactly what the credit model says: emptied, then 20 more each second.
func TestLevelsCredits(t *testing.T) {
	spec := builtinSpec("workato")
	spec.Limits = spec.Limits[:1]
	tl := &report.Timeline{Profile: spec, StepSeconds: 1, Sent: []int64{18100, 0, 0}, Admitted: []int64{18020, 0, 0}, Rejected429: []int64{80, 0, 0}}
	ls := levels(tl)
	if len(ls) != 1 {
		t.Fatalf("%d level series, want 1", len(ls))
	}
	v := ls[0].values
	// End of second 0: nothing left. Then each second's 20 fresh credits
	// are there at its end, and go into the store at the next tick.
	if v[0] != 0 || v[1] != 20 || v[2] != 40 || v[3] != 60 {
		t.Fatalf("levels %v, want 0 20 40 60 ...", v[:4])
	}
	// It goes on until the store is full again, and the fresh credits
	// with it (18,020, as the caption says), and stops there: 901 s.
	if n := len(v); n < 900 || n > 902 || v[n-1] != ls[0].capacity || v[n-2] >= ls[0].capacity {
		t.Fatalf("%d levels ending at %v, %v, want them to end at the first full level %v after about 900 s", n, v[n-2], v[n-1], ls[0].capacity)
	}
}

// BenchmarkHTML measures rendering the page of a 90-second run.
func BenchmarkHTML(b *testing.B) {
	_, data := mtRun(b, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 90 * time.Second}, "retry-after", 1, "")
	rep := mtParse(b, "a.jsonl", data).Report()
	for b.Loop() {
		var buf bytes.Buffer
		if err := Write(&buf, rep, HTML); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLevelsBytesFull: Workato's byte credits after a minute that takes
// them all go on until both the 30 MB store and the minute's 30 MB are
// there again: the last level is the 60 MB the caption names.
func TestLevelsBytesFull(t *testing.T) {
	spec := builtinSpec("workato")
	spec.Limits = spec.Limits[1:2]
	tl := &report.Timeline{Profile: spec, StepSeconds: 60, Sent: []int64{2000, 500}, Admitted: []int64{1500, 500},
		Rejected429: []int64{500, 0}, Bytes: []int64{80e6, 20e6}}
	ls := levels(tl)
	if len(ls) != 1 || ls[0].capacity != 60e6 {
		t.Fatalf("level series %+v, want one of capacity 60 MB", ls)
	}
	v := ls[0].values
	if n := len(v); v[n-1] != 60e6 || v[n-2] >= 60e6 {
		t.Fatalf("levels %v, want them to end at the first full 60 MB", v)
	}
}
