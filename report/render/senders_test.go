package render

import (
	"bytes"
	"html"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/report"
)

// sendersRun is a run of two senders, one of which disabled itself and
// has a name that needs escaping.
func sendersRun() *report.RunResult {
	return &report.RunResult{
		Verdict: report.VerdictFail, Kind: report.KindRun, Scenario: "one-workspace", Profile: "rewst", Target: "simulator",
		Delivery: report.Delivery{Events: 130, Attempts: 150, Accepted: 123, Rejected429: 27, Lost: 7, RetryAfterEarly: 18, PartitionViolations: 79},
		Senders: []report.SenderShare{
			{Name: "psa", Sender: "ordered,pause-on-429=5s", Retry: "none", Events: 60, Attempts: 62, AttemptShare: 0.413, Accepted: 60, Rejected429: 2, PartitionViolations: 24},
			{Name: "<b>rmm</b>", Sender: "parallel", Retry: "exponential,max=1", DisabledAt: 1, Events: 70, Attempts: 88, AttemptShare: 0.587,
				Accepted: 63, Rejected429: 25, Lost: 7, RetryAfterEarly: 18, PartitionViolations: 55},
		},
	}
}

// TestSendersHTML: a run of several senders has, in its HTML report, the
// table of its senders with the columns and rows of the text table (the
// totals row summing the senders), escaped; a run of one sender has none.
func TestSendersHTML(t *testing.T) {
	r := sendersRun()
	var b bytes.Buffer
	if err := Write(&b, &report.Report{Kind: report.KindRun, Result: r, Verdict: r.Verdict}, HTML); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	i := strings.Index(page, "<h2>Senders</h2>")
	if i < 0 || i < strings.Index(page, "<h2>Delivery</h2>") {
		t.Fatalf("no Senders section after the Delivery one:\n%s", page)
	}
	sec := page[i : i+strings.Index(page[i:], "</section>")]
	var head strings.Builder
	for _, h := range senderHeader {
		head.WriteString("<th")
		if h != "sender" && h != "model" && h != "retry" {
			head.WriteString(` class="num"`)
		}
		head.WriteString(">" + html.EscapeString(h) + "</th>")
	}
	if !strings.Contains(sec, "<thead><tr>"+head.String()+"</tr></thead>") {
		t.Errorf("the header is not the text table's:\n%s", sec)
	}
	for _, row := range [][]string{
		{"psa", "ordered,pause-on-429=5s", "none", "60", "62", "41.3%", "2", "0", "0", "24"},
		{"&lt;b&gt;rmm&lt;/b&gt; (disabled)", "parallel", "exponential,max=1", "70", "88", "58.7%", "25", "7", "18", "55"},
		{"all", "", "", "130", "150", "100.0%", "27", "7", "18", "79"},
	} {
		var tr strings.Builder
		for j, c := range row {
			tr.WriteString("<td")
			if j >= 3 {
				tr.WriteString(` class="num"`)
			}
			tr.WriteString(">" + c + "</td>")
		}
		if !strings.Contains(sec, "<tr>"+tr.String()+"</tr>") {
			t.Errorf("no row %v in:\n%s", row, sec)
		}
	}
	if strings.Contains(page, "<b>rmm</b>") {
		t.Error("a sender's name was not escaped")
	}
	// The text table has the same cells.
	b.Reset()
	if err := Write(&b, &report.Report{Kind: report.KindRun, Result: r, Verdict: r.Verdict}, Table); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "| <b>rmm</b> (disabled) | parallel ") || !strings.Contains(b.String(), "| all ") {
		t.Errorf("the text table lost its rows:\n%s", b.String())
	}

	r.Senders = nil
	b.Reset()
	if err := Write(&b, &report.Report{Kind: report.KindRun, Result: r, Verdict: r.Verdict}, HTML); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<h2>Senders</h2>") {
		t.Error("a run of one sender has a Senders section")
	}
}
