package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// writeCheck writes r in format f: Table, Markdown (the worst keys of
// each profile, see checkText), JSON or JUnit.
func writeCheck(r *report.CheckResult, w io.Writer, f Format, keys int) error {
	switch f {
	case Table, "":
		return checkText(r, w, Table, keys)
	case Markdown:
		return checkText(r, w, Markdown, keys)
	case JSON:
		return writeJSON(w, r)
	case JUnit:
		return checkJUnit(r, w, "check")
	}
	return fmt.Errorf("report: unknown format %q (want table, markdown, json or junit)", f)
}

// checkText writes r for people, as a Table (ASCII boxes) or Markdown (for
// CI step summaries): a headline with the verdict; a row per key, limit and
// interpretation for the worst maxKeys keys of each profile (all keys when
// maxKeys <= 0); a summary per limit over all keys; what each profile as a
// whole would reject; the thresholds. Numbers have thousands separators,
// ratios are percentages, times are UTC times of day to the millisecond.
func checkText(r *report.CheckResult, w io.Writer, f Format, maxKeys int) error {
	md := f == Markdown
	p := &textPrinter{w: w, md: md}
	if md {
		p.linef("**%s**%s", headVerdict(r), headDetail(r))
	} else {
		p.linef("%s%s", headVerdict(r), headDetail(r))
	}
	if r.Incomplete != nil {
		p.linef("%s%s", p.bullet(), p.cell(r.Incomplete.Text()))
	}
	if line := excludedLine(r.ExcludedLimits); line != "" {
		p.linef("%s%s", p.bullet(), p.cell(line))
	}
	for _, line := range unknownLines(r) {
		p.linef("%s%s", p.bullet(), p.cell(line))
	}
	if line := inputLine(r); line != "" {
		if md {
			p.blank()
		}
		p.linef("%s", p.cell(line))
	}
	if line := sparklineText(r.Timeline, timelinePartitions(r)); line != "" {
		p.blank()
		p.linef("%s", p.code(line))
	}
	p.blank()
	if err := checkRows(r, p, f, maxKeys); err != nil {
		return err
	}
	if err := checkSummary(r, p, f); err != nil {
		return err
	}
	checkFooter(r, p, "record")
	return p.err
}

// timelinePartitions returns how many partitions of the first profile
// (the one the timeline is drawn against) the result has: its partitions
// are not the others' when their scopes differ.
func timelinePartitions(r *report.CheckResult) int {
	if len(r.Profiles) < 2 {
		return r.Input.Keys
	}
	n := 0
	for _, pr := range r.PolicyRejected {
		if pr.Profile == r.Profiles[0] {
			n++
		}
	}
	return n
}

// inputLine says where the records came from and when they were sent.
func inputLine(r *report.CheckResult) string {
	var parts []string
	if len(r.Input.Files) > 0 {
		parts = append(parts, strings.Join(r.Input.Files, ", "))
	}
	if r.Input.Records > 0 {
		const layout = "2006-01-02 15:04:05.000"
		parts = append(parts, r.Input.First.Time().Format(layout)+" to "+r.Input.Last.Time().Format(layout)+" UTC")
	}
	if n := r.Input.Skipped; n > 0 {
		parts = append(parts, numfmt.CountNoun(n, "invalid line")+" skipped")
	}
	if n := r.Input.Filtered; n > 0 {
		parts = append(parts, numfmt.CountNoun(n, "record")+" of other keys left out")
	}
	if n := r.Input.OutOfOrder; n > 0 {
		parts = append(parts, numfmt.CountNoun(n, "record")+" out of order")
	}
	if res := r.Input.Resolution; res != "" {
		parts = append(parts, "times are whole multiples of "+res+", so windows finer than that are judged by their worst case")
	}
	return strings.Join(parts, "; ")
}

func headVerdict(r *report.CheckResult) string {
	return "hooklimit check: " + strings.ToUpper(string(r.Verdict))
}

func headDetail(r *report.CheckResult) string {
	return fmt.Sprintf(" — %s, %s, %s", strings.Join(r.Profiles, ", "),
		numfmt.CountNoun(int64(r.Input.Keys), "key"), numfmt.CountNoun(r.Input.Records, "record"))
}

func checkRows(r *report.CheckResult, p *textPrinter, f Format, maxKeys int) error {
	if len(r.Limits) == 0 {
		p.linef("No records to check.")
		p.blank()
		return nil
	}
	multi := len(r.Profiles) > 1
	header := []string{"key", "limit", "interpretation", "allowed", "peak", "ratio", "rejected", "first violation", "verdict"}
	right := []int{3, 4, 5, 6}
	if multi {
		header = append([]string{"profile"}, header...)
		right = []int{4, 5, 6, 7}
	}
	t := newCheckTable(p.w, f, len(header), right, header...)
	hidden := map[string]int{}
	shown := map[string]int{}
	var lastKey string
	var notes []string
	for _, row := range r.Limits {
		if id := row.Profile + "\x00" + row.Key; id != lastKey {
			lastKey = id
			shown[row.Profile]++
			if maxKeys > 0 && shown[row.Profile] > maxKeys {
				hidden[row.Profile]++
			}
		}
		if maxKeys > 0 && shown[row.Profile] > maxKeys {
			continue
		}
		interp := row.Interpretation
		if !row.Documented {
			interp += " (alt.)"
		}
		cells := []string{p.cell(row.Key), row.Name + " " + numfmt.CommaDigits(row.Limit), interp,
			numfmt.WithCommas(row.Allowed), numfmt.WithCommas(row.Peak), numfmt.RatioPercent(row.PeakRatio), numfmt.WithCommas(row.Rejected),
			utcTimeOfDay(row.FirstViolation), tableVerdict(row.Verdict)}
		if multi {
			cells = append([]string{row.Profile}, cells...)
		}
		if err := t.Append(cells); err != nil {
			return err
		}
		if row.Note != "" && row.Documented {
			notes = append(notes, fmt.Sprintf("%s / %s: %s", row.Key, row.Name, row.Note))
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if p.md && (len(hidden) > 0 || len(notes) > 0) {
		p.blank()
	}
	for _, name := range r.Profiles {
		if n := hidden[name]; n > 0 {
			p.linef("… and %s more %s (use --key or --format json)", numfmt.WithCommas(int64(n)), numfmt.NounFor(int64(n), "key"))
		}
	}
	for _, n := range notes {
		p.linef("%snote: %s", p.bullet(), p.cell(n))
	}
	p.blank()
	return nil
}

func checkSummary(r *report.CheckResult, p *textPrinter, f Format) error {
	multi := len(r.Profiles) > 1
	header := []string{"limit", "verdict", "passes under", "keys", "failing", "worst key", "worst ratio"}
	right := []int{3, 4, 6}
	if multi {
		header = append([]string{"profile"}, header...)
		right = []int{4, 5, 7}
	}
	t := newCheckTable(p.w, f, len(header), right, header...)
	for _, s := range r.Summary {
		passes := strings.Join(s.PassingInterpretations, ", ")
		if passes == "" {
			passes = "-"
		}
		worst := "-"
		if s.WorstKey != "" || s.Keys > 0 {
			worst = numfmt.RatioPercent(s.WorstPeakRatio)
		}
		cells := []string{s.Name + " " + numfmt.CommaDigits(s.Limit), tableVerdict(s.Verdict), passes,
			numfmt.WithCommas(int64(s.Keys)), numfmt.WithCommas(int64(s.KeysFailing)), p.cell(numfmt.DashIfEmpty(s.WorstKey)), worst}
		if multi {
			cells = append([]string{s.Profile}, cells...)
		}
		if err := t.Append(cells); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	noted := false
	for _, s := range r.Summary {
		if s.Note != "" {
			if p.md && !noted {
				p.blank()
			}
			noted = true
			p.linef("%snote: %s: %s", p.bullet(), s.Name, p.cell(s.Note))
		}
	}
	p.blank()
	return nil
}

// checkFooter writes what each profile as documented would reject of the
// input, whose items are called noun ("record", "attempt", "request"),
// and the thresholds.
func checkFooter(r *report.CheckResult, p *textPrinter, noun string) {
	for _, name := range r.Profiles {
		var rejected, keys int64
		var first report.PolicyRejection
		for _, pr := range r.PolicyRejected {
			if pr.Profile != name || pr.Rejected == 0 {
				continue
			}
			if keys == 0 || pr.FirstRejected < first.FirstRejected {
				first = pr
			}
			rejected += pr.Rejected
			keys++
		}
		if rejected == 0 {
			p.linef("%s%s as documented would reject none of the %s.", p.bullet(), name, numfmt.CountNoun(r.Input.Records, noun))
			continue
		}
		p.linef("%s%s as documented would reject %s of %s (%s), the first at %s (key %s).", p.bullet(), name,
			numfmt.WithCommas(rejected), numfmt.CountNoun(r.Input.Records, noun), numfmt.CountNoun(keys, "key"),
			utcTimeOfDay(first.FirstRejected), p.cell(first.Key))
	}
	for _, t := range r.Thresholds {
		why := ""
		if t.Why != "" {
			why = ": " + t.Why
		}
		p.linef("%sthreshold %s: %s (%s is %s)%s", p.bullet(), p.code(t.Threshold), tableVerdict(t.Verdict), t.Metric, numfmt.ShortFloat(t.Actual), why)
	}
}

// newCheckTable is textTable with the columns listed in right aligned right.
func newCheckTable(w io.Writer, f Format, cols int, right []int, header ...string) *fitTable {
	t := textTable(w, f, header...)
	align := make([]tw.Align, cols)
	for i := range align {
		align[i] = tw.AlignLeft
	}
	for _, i := range right {
		align[i] = tw.AlignRight
	}
	t.Options(tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}))
	return t
}

// textPrinter writes lines, remembering the first error. Every string
// argument of a line is escaped for a terminal (see escapeArgs).
type textPrinter struct {
	w   io.Writer
	md  bool
	err error
}

func (p *textPrinter) linef(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", escapeArgs(args)...)
	}
}

func (p *textPrinter) blank() { p.linef("") }

// bullet starts a list item in markdown.
func (p *textPrinter) bullet() string {
	if p.md {
		return "- "
	}
	return ""
}

// cell escapes text from the input (keys, notes) for markdown (see
// mdEscape); linef and the tables escape it for a terminal in every
// format.
func (p *textPrinter) cell(s string) string {
	if !p.md {
		return s
	}
	return mdEscape(s)
}

// code writes s as code in markdown.
func (p *textPrinter) code(s string) string {
	if !p.md {
		return s
	}
	return "`" + s + "`"
}
