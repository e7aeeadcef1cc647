package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

// writeRun writes r in format f: a table or markdown (the delivery numbers,
// then the compliance of what was sent, as check shows it), JSON, or JUnit.
func writeRun(r *report.RunResult, w io.Writer, f Format, o options) error {
	keys := o.keys
	switch f {
	case JSON:
		return writeJSON(w, r)
	case JUnit:
		c := r.Check()
		c.Thresholds = r.Thresholds
		doc := checkJUnitDoc(c, "run")
		if len(r.Senders) > 0 {
			doc.Suites = append(doc.Suites, sendersJUnit(r.Senders))
		}
		return writeJUnitDoc(w, &doc)
	}
	p := &textPrinter{w: w, md: f == Markdown}
	head := "hooklimit run: " + strings.ToUpper(string(r.Verdict))
	if p.md {
		head = "**" + head + "**"
	}
	sender := ""
	if r.Sender != "" {
		sender = ", sender " + p.code(r.Sender)
	}
	if len(r.Senders) > 0 {
		p.linef("%s — %s against %s (%s), %d senders", head, p.cell(r.Scenario), r.Profile, p.cell(r.Target), len(r.Senders))
	} else {
		p.linef("%s — %s against %s (%s), retry %s%s", head, p.cell(r.Scenario), r.Profile, p.cell(r.Target), p.code(r.Retry), sender)
	}
	switch {
	case strings.Contains(r.RunID, " + "):
		p.linef("%sruns %s", p.bullet(), p.cell(r.RunID))
	case r.RunID != "":
		p.linef("%srun id %s: its event ids are %s", p.bullet(), p.code(r.RunID), p.code(r.RunID+"-evt-N"))
	}
	if r.Incomplete != nil {
		p.linef("%s%s", p.bullet(), p.cell(r.Incomplete.Text()))
	}
	if line := excludedLine(r.ExcludedLimits); line != "" {
		p.linef("%s%s", p.bullet(), p.cell(line))
	}
	for _, n := range r.Notes {
		p.linef("%snote: %s", p.bullet(), p.cell(n))
	}
	if line := sparklineText(r.Timeline, r.Input.Keys); line != "" {
		p.blank()
		p.linef("%s", p.code(line))
	}
	p.blank()
	if err := runDelivery(r, p, f); err != nil {
		return err
	}
	if len(r.Senders) > 0 {
		p.blank()
		if err := runSenders(r, p, f); err != nil {
			return err
		}
	}
	p.blank()
	p.linef("Compliance of what was sent (%s):", numfmt.CountNoun(r.Input.Records, "attempt"))
	p.blank()
	c := r.Check()
	if err := checkRows(c, p, f, keys); err != nil {
		return err
	}
	if err := checkSummary(c, p, f); err != nil {
		return err
	}
	c.Thresholds = r.Thresholds
	checkFooter(c, p, "attempt")
	runAdvice(r, p, o.allAdvice)
	return p.err
}

func runDelivery(r *report.RunResult, p *textPrinter, f Format) error {
	t := newCheckTable(p.w, f, 2, []int{1}, "delivery", "")
	rows := deliveryRows(r)
	for _, row := range rows {
		if err := t.Append(row[0], row[1]); err != nil {
			return err
		}
	}
	return t.Render()
}

// msTriple writes percentiles as "12ms / 1.5s / 3s".
func msTriple(pc report.Percentiles) string {
	if pc.Count == 0 {
		return "-"
	}
	return fmt.Sprintf("%s / %s / %s", numfmt.ShortMS(pc.P50), numfmt.ShortMS(pc.P99), numfmt.ShortMS(pc.Max))
}

func percent(f float64) string { return fmt.Sprintf("%.1f%%", f*100) }

// writeCompare writes the comparison: a row per policy, the table an engineer
// needs to choose one.
func writeCompare(c *report.CompareResult, w io.Writer, f Format) error {
	if f == JSON {
		return writeJSON(w, c)
	}
	if f == JUnit {
		return writeCompareJUnit(w, c)
	}
	p := &textPrinter{w: w, md: f == Markdown}
	if len(c.Runs) > 0 {
		r := c.Runs[0]
		head := "hooklimit run: retry policies compared"
		if c.By == "sender" {
			head = "hooklimit run: senders compared"
		}
		if p.md {
			head = "**" + head + "**"
		}
		p.linef("%s — %s against %s (%s), %s events", head, p.cell(r.Scenario), r.Profile, p.cell(r.Target), numfmt.WithCommas(r.Delivery.Events))
		p.blank()
	}
	by := "retry"
	if c.By == "sender" {
		by = "sender (* passes: nothing lost, no 429)"
	}
	t := newCheckTable(w, f, 11, []int{1, 2, 3, 4, 5, 6, 7, 8}, by, "attempts", "× events", "429s", "429 rate", "lost", "duplicates", "early retries", "partition violations", "delay p50 / p99 / max", "compliance")
	for _, r := range c.Runs {
		d := &r.Delivery
		name := r.Retry
		if c.By == "sender" {
			name = r.Sender + ", retry " + r.Retry
			if r.Verdict == report.VerdictPass && d.Lost == 0 && d.Rejected429 == 0 {
				name = "* " + name
			}
		}
		if err := t.Append(p.cell(name), numfmt.WithCommas(d.Attempts), fmt.Sprintf("%.3g", d.Amplification), numfmt.WithCommas(d.Rejected429),
			percent(d.Rate429), numfmt.WithCommas(d.Lost), numfmt.WithCommas(d.Duplicates), numfmt.WithCommas(d.RetryAfterEarly),
			numfmt.WithCommas(d.PartitionViolations), msTriple(d.DeliveryDelay), tableVerdict(r.Compliance)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	for _, r := range c.Runs {
		for _, th := range r.Thresholds {
			if th.Verdict == report.VerdictPass {
				continue
			}
			why := ""
			if th.Why != "" {
				why = ": " + th.Why
			}
			p.linef("%sretry %s: threshold %s: %s (%s is %s)%s", p.bullet(), p.code(r.Retry), p.code(th.Threshold), tableVerdict(th.Verdict),
				th.Metric, numfmt.ShortFloat(th.Actual), why)
		}
	}
	return p.err
}
