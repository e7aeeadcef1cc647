package render

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

//go:embed templates/report.html.tmpl
var templateFS embed.FS

var htmlTemplate = template.Must(template.ParseFS(templateFS, "templates/report.html.tmpl"))

// htmlKeys is how many keys per profile the HTML tables show, worst
// first.
const htmlKeys = 50

// htmlDoc is the page: what the template lays out.
type htmlDoc struct {
	Title    string
	Verdict  string
	Pass     bool
	Headline string
	Facts    []htmlFact
	Notes    []string
	Sections []htmlSection
	Footer   string
}

type htmlFact struct{ Name, Value string }

type htmlSection struct {
	Title  string
	Text   string
	Charts []htmlChart
	Tables []htmlTable
	Pre    string
}

type htmlTable struct {
	Title  string
	Header []htmlCell
	Rows   [][]htmlCell
	More   string
}

type htmlCell struct{ Text, Class string }

// newTable returns a table whose columns listed in right are numbers.
func newTable(title string, right []int, header ...string) htmlTable {
	t := htmlTable{Title: title}
	for i, h := range header {
		c := htmlCell{Text: h}
		for _, r := range right {
			if r == i {
				c.Class = "num"
			}
		}
		t.Header = append(t.Header, c)
	}
	return t
}

// add appends a row; a cell's class follows its column's, or its verdict.
func (t *htmlTable) add(cells ...string) {
	row := make([]htmlCell, len(cells))
	for i, s := range cells {
		row[i] = htmlCell{Text: s}
		if i < len(t.Header) {
			row[i].Class = t.Header[i].Class
		}
		switch strings.ToLower(s) {
		case "pass", "fail", "partial", "match":
			row[i].Class = verdictClass(s)
		case "mismatch":
			row[i].Class = "fail"
		}
		if longestWord(s) > longWord {
			row[i].Class = strings.TrimSpace(row[i].Class + " long")
		}
	}
	t.Rows = append(t.Rows, row)
}

// longWord is the length beyond which a word of a cell (a retry policy
// such as retry-after,max=100,fallback=(...)) may break anywhere, so that
// its table fits the window; shorter words break only at spaces.
const longWord = 24

// longestWord returns the length in bytes of the longest run of s
// without a space.
func longestWord(s string) int {
	n := 0
	for w := range strings.FieldsSeq(s) {
		n = max(n, len(w))
	}
	return n
}

func verdictClass(s string) string {
	switch strings.ToLower(s) {
	case "fail", "mismatch":
		return "fail"
	case "partial":
		return "partial"
	case "pass", "match":
		return "pass"
	}
	return ""
}

// writeHTML writes the report as one self-contained HTML page: inline CSS
// and inline SVG charts (drawn by svg.go), no script, and nothing
// that loads from the network (a Content-Security-Policy says so to the
// browser). It shows the verdict; per-second timelines of what was sent,
// admitted and rejected with each limit drawn as a line; for bucket and
// credit limits their level over time; latency and delivery-delay
// percentiles; and the verdict tables.
func writeHTML(r *report.Report, w io.Writer) error {
	doc, err := reportDoc(r)
	if err != nil {
		return err
	}
	if c := report.IncompleteOf(r.Result); c != nil {
		doc.Notes = append([]string{c.Text()}, doc.Notes...)
	}
	doc.Pass = r.Verdict == report.VerdictPass
	doc.Verdict = strings.ToUpper(string(r.Verdict))
	doc.Footer = "Written by hooklimit report from " + strings.Join(r.Files, ", ") + "."
	return htmlTemplate.Execute(w, doc)
}

func reportDoc(r *report.Report) (*htmlDoc, error) {
	switch res := r.Result.(type) {
	case *report.RunResult:
		return runHTML(res, r.Timeline)
	case *report.CheckResult:
		return checkHTML(res, r.Timeline)
	case *report.CompareResult:
		return compareHTML(res)
	case *report.ServeResult:
		return serveHTML(res, r.Timeline)
	case *report.ProbeResult:
		return probeHTML(res, r.Timeline)
	}
	return nil, fmt.Errorf("report: no HTML form for %T", r.Result)
}

// chartSections are the sections of a timeline: traffic against the
// limits, and the levels of bucket and credit limits.
func chartSections(t *report.Timeline, kind string, keys int) ([]htmlSection, error) {
	if t == nil || t.Len() == 0 {
		return []htmlSection{{Title: "Traffic against the limits", Text: "This result has no per-second timeline (it has no attempt or request lines and was written without one), so there is nothing to chart."}}, nil
	}
	charts, err := timelineCharts(t, kind, keys)
	if err != nil {
		return nil, err
	}
	out := []htmlSection{{Title: "Traffic against the limits", Charts: charts}}
	var lv []htmlChart
	for _, ls := range levels(t) {
		ch, err := levelChart(t, ls, keys)
		if err != nil {
			return nil, err
		}
		lv = append(lv, ch)
	}
	if len(lv) > 0 {
		out = append(out, htmlSection{Title: "Bucket and credit levels", Charts: lv})
	}
	return out, nil
}

// complianceSection is the verdict tables of a compliance analysis.
func complianceSection(title string, c *report.CheckResult) htmlSection {
	s := htmlSection{Title: title}
	multi := len(c.Profiles) > 1
	header := []string{"key", "limit", "interpretation", "allowed", "peak", "ratio", "rejected", "first violation", "verdict"}
	right := []int{3, 4, 5, 6}
	if multi {
		header = append([]string{"profile"}, header...)
		right = []int{4, 5, 6, 7}
	}
	rows := newTable("Per key, limit and interpretation (worst keys first)", right, header...)
	shown := map[string]int{}
	hidden := map[string]int{}
	last := ""
	for _, row := range c.Limits {
		if id := row.Profile + "\x00" + row.Key; id != last {
			last = id
			shown[row.Profile]++
			if shown[row.Profile] > htmlKeys {
				hidden[row.Profile]++
			}
		}
		if shown[row.Profile] > htmlKeys {
			continue
		}
		interp := row.Interpretation
		if !row.Documented {
			interp += " (alt.)"
		}
		cells := []string{row.Key, row.Name + " " + numfmt.CommaDigits(row.Limit), interp, numfmt.WithCommas(row.Allowed), numfmt.WithCommas(row.Peak),
			numfmt.RatioPercent(row.PeakRatio), numfmt.WithCommas(row.Rejected), utcTimeOfDay(row.FirstViolation), tableVerdict(row.Verdict)}
		if multi {
			cells = append([]string{row.Profile}, cells...)
		}
		rows.add(cells...)
	}
	var more []string
	for _, name := range c.Profiles {
		if n := hidden[name]; n > 0 {
			more = append(more, fmt.Sprintf("… and %s more %s of %s (the JSON form has them all)", numfmt.WithCommas(int64(n)), numfmt.NounFor(int64(n), "key"), name))
		}
	}
	rows.More = strings.Join(more, "; ")
	if len(c.Limits) == 0 {
		s.Text = "No records to check."
	} else {
		s.Tables = append(s.Tables, rows)
	}
	sum := newTable("Per limit, over all keys", []int{3, 4, 6}, "limit", "verdict", "passes under", "keys", "failing", "worst key", "worst ratio")
	for _, x := range c.Summary {
		passes := strings.Join(x.PassingInterpretations, ", ")
		worst := "-"
		if x.WorstKey != "" || x.Keys > 0 {
			worst = numfmt.RatioPercent(x.WorstPeakRatio)
		}
		name := x.Name + " " + numfmt.CommaDigits(x.Limit)
		if multi {
			name = x.Profile + " " + name
		}
		sum.add(name, tableVerdict(x.Verdict), numfmt.DashIfEmpty(passes), numfmt.WithCommas(int64(x.Keys)), numfmt.WithCommas(int64(x.KeysFailing)), numfmt.DashIfEmpty(x.WorstKey), worst)
	}
	s.Tables = append(s.Tables, sum)
	pol := newTable("What each profile as documented would reject", []int{1, 2, 3}, "profile", "records", "rejected", "keys", "first rejected")
	for _, name := range c.Profiles {
		var rejected, keys int64
		var first report.Timestamp
		for _, pr := range c.PolicyRejected {
			if pr.Profile != name || pr.Rejected == 0 {
				continue
			}
			if keys == 0 || pr.FirstRejected < first {
				first = pr.FirstRejected
			}
			rejected += pr.Rejected
			keys++
		}
		pol.add(name, numfmt.WithCommas(c.Input.Records), numfmt.WithCommas(rejected), numfmt.WithCommas(keys), utcTimeOfDay(first))
	}
	s.Tables = append(s.Tables, pol)
	if t := thresholdTable(c.Thresholds); t != nil {
		s.Tables = append(s.Tables, *t)
	}
	return s
}

func thresholdTable(ths []report.ThresholdResult) *htmlTable {
	if len(ths) == 0 {
		return nil
	}
	t := newTable("Thresholds", []int{1}, "threshold", "value", "verdict")
	for _, th := range ths {
		name := th.Threshold
		if th.Why != "" {
			name += " (" + th.Why + ")"
		}
		t.add(name, numfmt.ShortFloat(th.Actual), tableVerdict(th.Verdict))
	}
	return &t
}

// span writes "2026-02-17 09:00:00.000 to 09:01:40.000 UTC (1m40s)".
func spanText(start, end report.Timestamp) string {
	if start == 0 && end == 0 {
		return "-"
	}
	const layout = "2006-01-02 15:04:05.000"
	s := start.Time().Format(layout) + " to "
	if start.Time().YearDay() == end.Time().YearDay() && start.Time().Year() == end.Time().Year() {
		s += end.Time().Format("15:04:05.000")
	} else {
		s += end.Time().Format(layout)
	}
	return s + " UTC (" + numfmt.ShortDuration(time.Duration(end-start).Round(time.Millisecond)) + ")"
}

// textOf is a result's own table form, for a <pre>.
func textOf(r report.Result) string {
	var b strings.Builder
	if err := Write(&b, r, Table); err != nil {
		return ""
	}
	return b.String()
}
