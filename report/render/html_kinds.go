package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

func runHTML(r *report.RunResult, t *report.Timeline) (*htmlDoc, error) {
	doc := &htmlDoc{
		Title:    "hooklimit run: " + r.Scenario,
		Headline: fmt.Sprintf("against %s (%s), retry %s", r.Profile, r.Target, r.Retry),
		Facts: []htmlFact{
			{"scenario", r.Scenario}, {"profile", r.Profile}, {"target", r.Target}, {"retry policy", r.Retry},
			{"seed", strconv.FormatUint(r.Seed, 10)}, {"attempts", spanText(r.Start, r.End)},
			{"compliance of what was sent", strings.ToUpper(string(r.Compliance))},
		},
		Notes: append([]string{}, r.Notes...),
	}
	if r.RunID != "" {
		doc.Facts = append(doc.Facts, htmlFact{"run id", r.RunID})
	}
	if len(r.Input.Files) > 0 {
		doc.Facts = append(doc.Facts, htmlFact{"results files", strings.Join(r.Input.Files, ", ")})
	}
	secs, err := chartSections(t, report.KindRun, r.Input.Keys)
	if err != nil {
		return nil, err
	}
	doc.Sections = append(doc.Sections, secs...)
	dt := newTable("", []int{1}, "delivery", "")
	for _, row := range deliveryRows(r) {
		dt.add(row[0], row[1])
	}
	doc.Sections = append(doc.Sections, htmlSection{Title: "Delivery", Tables: []htmlTable{dt}})
	if len(r.Senders) > 0 {
		doc.Sections = append(doc.Sections, htmlSection{Title: "Senders", Tables: []htmlTable{sendersHTML(r.Senders)}})
	}
	lat, err := latencyCharts(r)
	if err != nil {
		return nil, err
	}
	doc.Sections = append(doc.Sections, lat)
	doc.Sections = append(doc.Sections, complianceSection(fmt.Sprintf("Compliance of what was sent (%s)", numfmt.CountNoun(r.Input.Records, "attempt")), r.Check()))
	if tt := thresholdTable(r.Thresholds); tt != nil {
		doc.Sections = append(doc.Sections, htmlSection{Title: "Thresholds", Tables: []htmlTable{*tt}})
	}
	return doc, nil
}

// deliveryRows are the rows of the delivery table, as the table form
// writes them.
func deliveryRows(r *report.RunResult) [][2]string {
	d := &r.Delivery
	rows := [][2]string{
		{"events", numfmt.WithCommas(d.Events)},
		{"attempts", fmt.Sprintf("%s (%.3g× events)", numfmt.WithCommas(d.Attempts), d.Amplification)},
		{"accepted", numfmt.WithCommas(d.Accepted)},
		{"rejected with 429", fmt.Sprintf("%s (%s of attempts)", numfmt.WithCommas(d.Rejected429), percent(d.Rate429))},
		{"other errors", numfmt.WithCommas(d.Errors)},
		{"lost events", fmt.Sprintf("%s (%s)", numfmt.WithCommas(d.Lost), percent(d.LostRate))},
		{"duplicate deliveries", numfmt.WithCommas(d.Duplicates)},
		{"retries", numfmt.WithCommas(d.Retries)},
		{"Retry-After honored", numfmt.WithCommas(d.RetryAfterHonored)},
		{"early retries", numfmt.WithCommas(d.RetryAfterEarly)},
		{"partition violations", withSlack(d.PartitionViolations, d.MinPartitionSlackMS, true)},
	}
	if d.MinRetrySlackMS != nil {
		rows = append(rows, [2]string{"smallest retry slack", numfmt.ShortMS(float64(*d.MinRetrySlackMS))})
	}
	if d.Pending > 0 {
		rows = append(rows, [2]string{"pending (interrupted)", numfmt.WithCommas(d.Pending)})
	}
	if d.Late > 0 {
		rows = append(rows, [2]string{"late sends", numfmt.WithCommas(d.Late)})
	}
	rows = append(rows,
		[2]string{"delivery delay p50 / p99 / max", msTriple(d.DeliveryDelay)},
		[2]string{"latency p50 / p99 / max", msTriple(d.Latency)},
	)
	if r.Target != "simulator" {
		rows = append(rows, [2]string{"latency from intended send p50 / p99", msTriple(d.LatencyFromIntended)})
	}
	return rows
}

// The percentiles the latency charts mark, with the maximum last.
var (
	chartQuantiles = []float64{50, 75, 90, 95, 99, 99.9, 99.99}
	chartQNames    = []string{"p50", "p75", "p90", "p95", "p99", "p99.9", "p99.99", "max"}
)

// histPoints returns the values at chartQuantiles and the maximum, in ms.
func histPoints(h *hdrhistogram.Histogram) []float64 {
	out := make([]float64, 0, len(chartQNames))
	for _, q := range chartQuantiles {
		out = append(out, float64(h.ValueAtQuantile(q))/1000)
	}
	return append(out, float64(h.Max())/1000)
}

// msUnit picks a unit for values in milliseconds.
func msUnit(maxMS float64) (string, float64) {
	switch {
	case maxMS >= 600_000:
		return "minutes", 60_000
	case maxMS >= 10_000:
		return "seconds", 1000
	}
	return "ms", 1
}

func scaled(v []float64, by float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x / by
	}
	return out
}

// latencyCharts draws delivery delay and latency at their percentiles:
// from the histograms when the result has them, else from the
// percentiles it records.
func latencyCharts(r *report.RunResult) (htmlSection, error) {
	s := htmlSection{Title: "Latency and delivery delay"}
	d := &r.Delivery
	names := []string{"p50", "p90", "p99", "max"}
	pts := func(p report.Percentiles) []float64 { return []float64{p.P50, p.P90, p.P99, p.Max} }
	delay, lat, fromInt := pts(d.DeliveryDelay), pts(d.Latency), pts(d.LatencyFromIntended)
	if d.Histograms != nil {
		if a, b, c, err := d.Histograms.DecodeAll(); err == nil {
			names, delay, lat, fromInt = chartQNames, histPoints(a), histPoints(b), histPoints(c)
		}
	}
	var text []string
	if d.DeliveryDelay.Count > 0 && d.DeliveryDelay.Max > 0 {
		u, by := msUnit(d.DeliveryDelay.Max)
		ch, err := percentileChart("Delivery delay: first emission to acceptance", u, names,
			[]chartSeries{{name: "delivery delay", ys: scaled(delay, by), color: colSent}})
		if err != nil {
			return s, err
		}
		ch.Caption = fmt.Sprintf("%s delivered events.", numfmt.WithCommas(d.DeliveryDelay.Count))
		s.Charts = append(s.Charts, ch)
	} else {
		text = append(text, "Every delivered event was accepted at once: the delivery delay is 0.")
	}
	if d.Latency.Count > 0 && d.Latency.Max > 0 {
		u, by := msUnit(max(d.Latency.Max, d.LatencyFromIntended.Max))
		series := []chartSeries{{name: "latency from the actual send", ys: scaled(lat, by), color: colAdmitted}}
		if r.Target != "simulator" {
			series = append(series, chartSeries{name: "latency from the intended send", ys: scaled(fromInt, by), color: colSecond})
		}
		ch, err := percentileChart("Response latency", u, names, series)
		if err != nil {
			return s, err
		}
		ch.Caption = fmt.Sprintf("%s attempts.", numfmt.WithCommas(d.Latency.Count))
		s.Charts = append(s.Charts, ch)
	} else {
		text = append(text, "Latency is 0: the simulator answers in virtual time.")
	}
	s.Text = strings.Join(text, " ")
	return s, nil
}

func checkHTML(c *report.CheckResult, t *report.Timeline) (*htmlDoc, error) {
	doc := &htmlDoc{
		Title:    "hooklimit check: " + strings.Join(c.Profiles, ", "),
		Headline: fmt.Sprintf("%s, %s", numfmt.CountNoun(int64(c.Input.Keys), "key"), numfmt.CountNoun(c.Input.Records, "record")),
		Facts: []htmlFact{
			{"profiles", strings.Join(c.Profiles, ", ")}, {"traffic files", numfmt.DashIfEmpty(strings.Join(c.Input.Files, ", "))},
			{"records", spanText(c.Input.First, c.Input.Last)}, {"keys", numfmt.WithCommas(int64(c.Input.Keys))},
		},
	}
	if n := c.Input.Skipped; n > 0 {
		doc.Notes = append(doc.Notes, numfmt.CountNoun(n, "invalid line")+" skipped")
	}
	if n := c.Input.Filtered; n > 0 {
		doc.Notes = append(doc.Notes, numfmt.CountNoun(n, "record")+" of other keys left out")
	}
	if n := c.Input.OutOfOrder; n > 0 {
		doc.Notes = append(doc.Notes, numfmt.CountNoun(n, "record")+" out of order, analysed as if they had come at the previous record's time")
	}
	secs, err := chartSections(t, report.KindCheck, timelinePartitions(c))
	if err != nil {
		return nil, err
	}
	doc.Sections = append(doc.Sections, secs...)
	doc.Sections = append(doc.Sections, complianceSection("Compliance", c))
	return doc, nil
}

func compareHTML(c *report.CompareResult) (*htmlDoc, error) {
	doc := &htmlDoc{Title: "hooklimit run: retry policies compared"}
	if len(c.Runs) == 0 {
		return doc, nil
	}
	r0 := c.Runs[0]
	doc.Headline = fmt.Sprintf("%s against %s (%s), %s events", r0.Scenario, r0.Profile, r0.Target, numfmt.WithCommas(r0.Delivery.Events))
	doc.Facts = []htmlFact{{"scenario", r0.Scenario}, {"profile", r0.Profile}, {"target", r0.Target}, {"policies", numfmt.WithCommas(int64(len(c.Runs)))}}
	t := newTable("", []int{1, 2, 3, 4, 5, 6, 7, 8}, "retry", "attempts", "× events", "429s", "429 rate", "lost", "duplicates", "early retries", "partition violations", "delay p50 / p99 / max", "compliance")
	for _, r := range c.Runs {
		d := &r.Delivery
		t.add(r.Retry, numfmt.WithCommas(d.Attempts), fmt.Sprintf("%.3g", d.Amplification), numfmt.WithCommas(d.Rejected429), percent(d.Rate429),
			numfmt.WithCommas(d.Lost), numfmt.WithCommas(d.Duplicates), numfmt.WithCommas(d.RetryAfterEarly), numfmt.WithCommas(d.PartitionViolations), msTriple(d.DeliveryDelay), tableVerdict(r.Compliance))
	}
	doc.Sections = append(doc.Sections, htmlSection{Title: "Retry policies", Tables: []htmlTable{t}})
	var tls []*report.Timeline
	for _, r := range c.Runs {
		if r.Timeline != nil && r.Timeline.Len() > 0 {
			tls = append(tls, r.Timeline)
		}
	}
	if len(tls) == len(c.Runs) {
		ch, err := compareChart(c.Runs)
		if err != nil {
			return nil, err
		}
		doc.Sections = append(doc.Sections, htmlSection{Title: "Attempts per second by policy", Charts: []htmlChart{ch}})
	}
	return doc, nil
}

// compareChart draws each policy's attempts per step on one chart.
func compareChart(runs []*report.RunResult) (htmlChart, error) {
	var lo, hi int64
	step := int64(time.Second)
	for i, r := range runs {
		t := r.Timeline
		if i == 0 || int64(t.Start) < lo {
			lo = int64(t.Start)
		}
		hi = max(hi, int64(t.Start)+int64(t.Len())*t.Step())
		step = max(step, t.Step())
	}
	n := int((hi - lo + step - 1) / step)
	xs, xStep, xl := timeAxis(n, step/int64(time.Second), report.Timestamp(lo))
	var series []chartSeries
	for i, r := range runs {
		t := r.Timeline
		ys := make([]float64, n)
		for j, v := range t.Sent {
			k := (int64(t.Start) + int64(j)*t.Step() - lo) / step
			if k >= 0 && k < int64(n) {
				ys[k] += float64(v)
			}
		}
		col := colLimits[(i+1)%len(colLimits)]
		if i == 0 {
			col = colSent
		}
		series = append(series, chartSeries{name: r.Retry, ys: ys, color: col, steps: true})
	}
	var lines []chartLine
	if lim, ok := rateLimitOf(runs[0].Timeline.Profile, time.Duration(step)); ok {
		lines = append(lines, chartLine{label: lim.text, y: lim.perStep, color: colRejected})
	}
	ch, err := lineChart("Attempts per "+stepUnitLong(time.Duration(step))+" by retry policy", xl, "attempts per "+stepUnitLong(time.Duration(step)), xs, xStep, series, lines)
	ch.Caption = "Each policy ran the same scenario against its own simulator; time is each run's own."
	return ch, err
}

func serveHTML(s *report.ServeResult, t *report.Timeline) (*htmlDoc, error) {
	doc := &htmlDoc{
		Title:    "hooklimit serve: " + s.Profile,
		Headline: fmt.Sprintf("at %s, %s", s.Listen, numfmt.CountNoun(s.Requests.Total, "request")),
		Facts: []htmlFact{
			{"profile", s.Profile}, {"listening on", s.Listen}, {"partition key from", s.KeySource},
			{"session", spanText(s.Start, s.End)}, {"requests", numfmt.WithCommas(s.Requests.Total)},
		},
		Notes: append([]string{}, s.Notes...),
	}
	if s.WorkspaceSource != "" {
		doc.Facts = append(doc.Facts[:3], append([]htmlFact{{"workspace from", s.WorkspaceSource}}, doc.Facts[3:]...)...)
	}
	secs, err := chartSections(t, report.KindServe, s.Input.Keys)
	if err != nil {
		return nil, err
	}
	doc.Sections = append(doc.Sections, secs...)
	doc.Sections = append(doc.Sections, htmlSection{Title: "The sender", Pre: textOf(s)})
	c := s.Check()
	doc.Sections = append(doc.Sections, complianceSection(fmt.Sprintf("Compliance of what was sent (%s)", numfmt.CountNoun(s.Input.Records, "request")), c))
	return doc, nil
}

func probeHTML(p *report.ProbeResult, t *report.Timeline) (*htmlDoc, error) {
	doc := &htmlDoc{
		Title:    "hooklimit probe: " + p.Target,
		Headline: fmt.Sprintf("%s in %s", numfmt.CountNoun(int64(p.Requests), "request"), fmtSecs(p.DurationSeconds)),
		Facts:    []htmlFact{{"target", p.Target}, {"profile", numfmt.DashIfEmpty(p.Profile)}, {"probe", spanText(p.Start, p.End)}},
	}
	if p.Capped != "" {
		doc.Notes = append(doc.Notes, "cut short by --"+p.Capped+": limits not reached within the caps are marked \"not determined\"")
	}
	disc, err := probeDiscovery(p, t)
	if err != nil {
		return nil, err
	}
	doc.Sections = append(doc.Sections, disc)
	lt := newTable("Limits: documented, advertised and inferred", []int{1, 2, 3}, "limit", "documented", "advertised", "inferred", "how", "verdict")
	for _, row := range p.Limits {
		inf := numOrDash(row.Inferred)
		if row.AtLeast && row.Inferred != nil {
			inf = ">= " + inf
		}
		lt.add(row.Name, numOrDash(row.Documented), numOrDash(row.Advertised), inf, numfmt.DashIfEmpty(row.Basis), row.Verdict)
	}
	ft := newTable("Findings", []int{2}, "severity", "finding", "requests", "what was seen")
	for _, f := range p.Findings {
		ft.add(f.Severity, f.Code, numfmt.WithCommas(int64(f.Count)), f.Message)
	}
	sec := htmlSection{Title: "What the endpoint enforces", Tables: []htmlTable{lt}}
	if len(p.Findings) > 0 {
		sec.Tables = append(sec.Tables, ft)
	} else {
		sec.Text = "No findings: every rate-limit answer seen was right."
	}
	if s := p.Sustained; s != nil {
		sec.Text += fmt.Sprintf(" Sustained: %s/s (the %s limit).", numfmt.ShortFloat(round1(s.RatePerSecond)), report.LimitName(s.Window))
	}
	sec.Text = strings.TrimSpace(sec.Text)
	sec.Tables = append(sec.Tables, probeTables(p)...)
	doc.Sections = append(doc.Sections, sec)
	return doc, nil
}
