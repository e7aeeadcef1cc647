package render

import (
	"fmt"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

// probeDiscovery is the probe's chart: the requests it sent and had
// admitted per step of its timeline, each 429 marked, against the limits
// it inferred, with a panel zoomed to them when the burst towers over
// them.
func probeDiscovery(p *report.ProbeResult, t *report.Timeline) (htmlSection, error) {
	sec := htmlSection{Title: "The discovery"}
	if t == nil || t.Len() == 0 {
		sec.Text = "This result has no request lines, so there is no timeline to chart; the tables below give what each step found."
		return sec, nil
	}
	step := time.Duration(t.Step())
	xs, xStep, xl := timeAxis(t.Len(), t.StepSeconds, t.Start)
	u := stepUnitLong(step)
	series := []chartSeries{
		{name: "sent per " + u, ys: floats(t.Sent), color: colSent, steps: true},
		{name: "admitted (2xx)", ys: floats(t.Admitted), color: colAdmitted, steps: true},
		{name: "rejected (429)", ys: floats(t.Rejected429), color: colRejected, steps: true},
	}
	var lines []chartLine
	for _, l := range p.Inferred {
		if l.WindowSeconds <= 0 {
			continue
		}
		y := float64(l.Limit) * step.Seconds() / float64(l.WindowSeconds)
		label := fmt.Sprintf("inferred %s: %s", report.LimitName(l.WindowSeconds), numfmt.WithCommas(l.Limit))
		if float64(l.WindowSeconds) != step.Seconds() {
			label += fmt.Sprintf(" ≈ %s/%s (rate-equivalent)", trimRate(y), stepUnit(step))
		}
		lines = append(lines, chartLine{label: label, y: y, color: colLimits[len(lines)%len(colLimits)]})
	}
	marks := &chartSeries{name: fmt.Sprintf("429s: a dot marks each %s with any, with its count", u), ys: floats(t.Rejected429), color: colRejected}
	title := fmt.Sprintf("Requests per %s sent and admitted, against the inferred limits", u)
	ch, err := drawLineChart(title, xl, "per "+u, xs, xStep, series, lines, chartOpts{marks: marks})
	if err != nil {
		return sec, err
	}
	ch.Caption = fmt.Sprintf("What the probe sent per clock %s (UTC), step by step, and what the endpoint admitted.", u)
	if len(lines) == 0 {
		ch.Caption += " No limit was inferred, so there is no limit line."
	}
	sec.Charts = append(sec.Charts, ch)
	if top := zoomTop(series, lines); top > 0 {
		zc, err := drawLineChart(title+", zoomed to them", xl, "per "+u, xs, xStep, series, lines, chartOpts{yTop: top, marks: marks})
		if err != nil {
			return sec, err
		}
		zc.Caption = fmt.Sprintf("The same counts with the y axis cut at %s: higher counts are drawn at the top edge, and the dots keep their counts.", trimRate(top))
		sec.Charts = append(sec.Charts, zc)
	}
	return sec, nil
}

// probeTables are the probe's findings beyond its limits table, as HTML
// tables: the inferred limits, the rate trials, the Retry-After checks
// and the steps.
func probeTables(p *report.ProbeResult) []htmlTable {
	var out []htmlTable
	if len(p.Inferred) > 0 {
		t := newTable("Inferred limits", []int{1, 2}, "window", "limit", "rate/s", "how", "kind", "confidence", "observations")
		for _, l := range p.Inferred {
			t.add(report.LimitName(l.WindowSeconds), numfmt.WithCommas(l.Limit), numfmt.ShortFloat(round1(l.RatePerSecond)), l.Basis,
				numfmt.DashIfEmpty(kindText(l)), numfmt.DashIfEmpty(l.Confidence), numfmt.DashIfEmpty(l.Note))
		}
		out = append(out, t)
	}
	if len(p.Rate.Trials) > 0 {
		t := newTable("Steady trials", []int{0, 1, 2, 3}, "asked (/s)", "sent (/s)", "requests", "rejected", "held")
		for _, tr := range p.Rate.Trials {
			held := "no"
			if tr.Held {
				held = "yes"
			}
			t.add(numfmt.ShortFloat(round1(tr.Nominal)), numfmt.ShortFloat(round1(tr.Rate)), numfmt.WithCommas(int64(tr.Sent)), numfmt.WithCommas(int64(tr.Rejected)), held)
		}
		out = append(out, t)
	}
	if len(p.RetryAfter) > 0 {
		t := newTable("Retry-After checks", []int{0}, "wait", "what came of it")
		for _, c := range p.RetryAfter {
			t.add(fmtSecs(c.WaitSeconds), retryAfterLine(c))
		}
		out = append(out, t)
	}
	if len(p.Steps) > 0 {
		t := newTable("Steps", []int{2, 3}, "step", "status", "requests", "time", "note")
		for _, s := range p.Steps {
			t.add(s.Name, s.Status, numfmt.WithCommas(int64(s.Requests)), fmtSecs(s.DurationSeconds), numfmt.DashIfEmpty(s.Note))
		}
		out = append(out, t)
	}
	return out
}
