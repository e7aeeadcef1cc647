package render

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/results"
	"github.com/hooklimit/hooklimit/scenarios"
)

// browserPagesOnce and htmlPagesOnce hold the pages, rendered by the
// first test that needs them.
var browserPagesOnce, htmlPagesOnce map[string][]byte

// browserPages renders the pages the browser opens: a run's, workato's
// burst, a check's and a probe's.
func browserPages(t *testing.T) map[string][]byte {
	t.Helper()
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
	_, rewst := mtRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 90 * time.Second}, "retry-after", 1, "")
	render("run", mtParse(t, "rewst.jsonl", rewst).Report())
	// A burst of 2,000 events of 40 kB: 80 MB against the 30 MB of
	// Workato's first minute and its 30 MB byte store, so the page shows
	// the store emptied and 500 429s retried, as 18,100 small events
	// would against the event store, in a ninth of the lines.
	_, workato := mtRun(t, "workato", "burst", scenarios.Params{Events: 2000, Size: 40000}, "retry-after", 1, "")
	render("workato", mtParse(t, "workato.jsonl", workato).Report())
	_, chk := mtCheck(t, []*limitsim.Profile{builtin(t, "rewst"), builtin(t, "perwebhook")}, mtTraffic([]string{"t1", "<b>t2</b>"}), "traffic.jsonl")
	render("check", mtParse(t, "check.jsonl", chk).Report())
	prb := mtParse(t, "probe.jsonl", []byte(`{"type":"probe_request","seq":1,"step":"burst","size":2,"sent":"2026-02-17T09:00:00Z","status":200}`+"\n"+
		`{"type":"probe_request","seq":2,"step":"burst","size":2,"sent":"2026-02-17T09:00:00.1Z","status":429}`+"\n"+
		`{"type":"result","result":{"verdict":"pass","kind":"probe","target":"http://127.0.0.1:8080/hooks/t1","profile":"rewst","requests":2,"limits":[{"name":"burst","documented":25,"inferred":25,"basis":"measured","verdict":"match"}],"findings":[{"code":"429-without-retry-after","severity":"error","message":"a 429 had no Retry-After","count":1}]}}`))
	render("probe", prb.Report())
	browserPagesOnce = pages
	return pages
}

// htmlPages renders a page of every kind of result, and the merge of two
// runs: the browser's pages and the others.
func htmlPages(t *testing.T) map[string][]byte {
	t.Helper()
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
	// their size (the run page's file is 13 MB, and reading it again
	// under the race detector takes seconds).
	_, rewst := mtRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 10 * time.Second}, "retry-after", 1, "")
	_, other := mtRun(t, "rewst", "poisson", scenarios.Params{Rate: scenarios.Rate{N: 20, Per: time.Second}, Duration: 10 * time.Second}, "exponential", 2, "")
	merged, err := results.Merge([]*results.File{mtParse(t, "rewst.jsonl", rewst), mtParse(t, "other.jsonl", other)})
	if err != nil {
		t.Fatal(err)
	}
	render("merged", merged)
	a, _ := mtRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 30 * time.Second}, "none", 1, "")
	b, _ := mtRun(t, "rewst", "steady", scenarios.Params{Rate: scenarios.Rate{N: 30, Per: time.Second}, Duration: 30 * time.Second}, "retry-after", 1, "")
	render("compare", &report.Report{Kind: report.KindCompare, Result: report.NewCompareResult([]*report.RunResult{a, b}), Verdict: report.VerdictFail, Files: []string{"cmp.jsonl"}})
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
		{"run", []string{"Sent per second against the limits", "per_second: 25/1s", "Sent per minute against the limits", "per_minute: 1,000/1m",
			"Delivery delay: first emission to acceptance", "Per key, limit and interpretation", "rejected (429)", "Latency is 0"}},
		{"workato", []string{"events: credits available (fresh + store) over time", "bytes: credits available", "events: refill 20/s (burst 18,000)",
			"Bytes per minute against bytes", "bytes: 30 MB/1m"}},
		{"merged", []string{"merged from 2 results files by replaying", "rewst.jsonl, other.jsonl"}},
		{"check", []string{"Records per second against the limits", "would be rejected", "per_minute: 1,000/1m", "&lt;b&gt;t2&lt;/b&gt;", "What each profile as documented would reject"}},
		{"compare", []string{"Attempts per second by retry policy", "retry-after,max=100", "limit 25/s"}},
		{"serve", []string{"The sender", "Compliance of what was sent"}},
		{"probe", []string{"Sent per second against the limits", "Limits: documented, advertised and inferred", "429-without-retry-after"}},
	} {
		s := string(pages[tc.page])
		for _, w := range tc.want {
			if !strings.Contains(s, w) {
				t.Errorf("%s: no %q", tc.page, w)
			}
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
	// It goes on until the store is full again: 900 s.
	if n := len(v); n < 900 || n > 902 || v[n-1] < 18000 {
		t.Fatalf("%d levels ending at %v, want the store full after about 900 s", n, v[n-1])
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
