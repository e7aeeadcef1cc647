package render

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

// writeServe writes r in format f: a table or markdown (what serve answered and
// what it saw of the sender's events, the retry schedule, then the
// compliance of what was sent as check shows it), JSON, or JUnit (the
// compliance and thresholds, as check and run write them).
func writeServe(r *report.ServeResult, w io.Writer, f Format, keys int) error {
	switch f {
	case JSON:
		return writeJSON(w, r)
	case JUnit:
		return checkJUnit(r.Check(), w, "serve")
	case Table, Markdown, "":
	default:
		return fmt.Errorf("report: unknown format %q (want table, markdown, json or junit)", f)
	}
	p := &textPrinter{w: w, md: f == Markdown}
	head := "hooklimit serve: " + strings.ToUpper(string(r.Verdict))
	if p.md {
		head = "**" + head + "**"
	}
	p.linef("%s — %s at %s, %s", head, r.Profile, p.cell(r.Listen), serveSpan(r))
	if r.Incomplete != nil {
		p.linef("%s%s", p.bullet(), p.cell(r.Incomplete.Text()))
	}
	if line := excludedLine(r.ExcludedLimits); line != "" {
		p.linef("%s%s", p.bullet(), p.cell(line))
	}
	for _, n := range r.Notes {
		p.linef("%snote: %s", p.bullet(), p.cell(n))
	}
	p.blank()
	if err := serveSender(r, p, f); err != nil {
		return err
	}
	p.blank()
	if err := serveSchedule(r, p, f); err != nil {
		return err
	}
	ws := ""
	if r.WorkspaceSource != "" {
		ws = ", workspace from " + p.code(r.WorkspaceSource)
	}
	p.linef("Compliance of what was sent (%s, key from %s%s):", numfmt.CountNoun(r.Input.Records, "request"), p.code(r.KeySource), ws)
	p.blank()
	c := r.Check()
	if err := checkRows(c, p, f, keys); err != nil {
		return err
	}
	if err := checkSummary(c, p, f); err != nil {
		return err
	}
	checkFooter(c, p, "request")
	return p.err
}

// span writes "1,234 requests over 1m (20.6/s)".
func serveSpan(r *report.ServeResult) string {
	s := numfmt.CountNoun(r.Requests.Total, "request")
	if n := r.Requests.Unanswered; n > 0 {
		s += " (" + numfmt.WithCommas(n) + " unanswered)"
	}
	if d := time.Duration(r.End - r.Start); d > 0 {
		s += " over " + numfmt.ShortDuration(d.Round(time.Millisecond))
		if r.Requests.RatePerSecond > 0 {
			s += fmt.Sprintf(" (%s/s)", numfmt.TrimFloat(r.Requests.RatePerSecond))
		}
	}
	return s
}

func serveSender(r *report.ServeResult, p *textPrinter, f Format) error {
	d := &r.Delivery
	q := &r.Requests
	t := newCheckTable(p.w, f, 2, []int{}, "sender", "")
	rows := [][2]string{
		{"requests", numfmt.WithCommas(q.Total)},
		{"accepted (2xx)", numfmt.WithCommas(d.Accepted)},
		{"rejected with 429", fmt.Sprintf("%s (%s of attempts), %s with Retry-After", numfmt.WithCommas(d.Rejected429), percent(d.Rate429), numfmt.WithCommas(d.RetryAfterSent))},
	}
	if d.Errors > 0 {
		rows = append(rows, [2]string{"other answers", numfmt.WithCommas(d.Errors) + " (" + otherStatuses(r) + ")"})
	}
	if q.Unanswered > 0 {
		rows = append(rows, [2]string{"unanswered (the answer never reached the client)", numfmt.WithCommas(q.Unanswered)})
	}
	if q.Unmatched > 0 {
		rows = append(rows, [2]string{"no key in the path (404)", numfmt.WithCommas(q.Unmatched)})
	}
	if q.Dropped > 0 {
		rows = append(rows, [2]string{"not recorded (recorder behind)", numfmt.WithCommas(q.Dropped) + ": every number is a lower bound"})
	}
	rows = append(rows,
		[2]string{"events", numfmt.WithCommas(d.Events) + " (" + idSummary(d.IDs) + ")" + sendersText(d.Senders)},
		[2]string{"attempts per event", fmt.Sprintf("%.3g", d.Amplification)},
		[2]string{"retries", numfmt.WithCommas(d.Retries)},
		[2]string{"Retry-After honored", honoredLine(r)},
		[2]string{"early retries", withSlack(d.RetryAfterEarly, d.MinRetrySlackMS, d.RetryAfterEarly > 0)},
		[2]string{"partition violations", withSlack(d.PartitionViolations, d.MinPartitionSlackMS, true)},
		[2]string{"duplicate deliveries", numfmt.WithCommas(d.Duplicates)},
		[2]string{"events given up", numfmt.WithCommas(d.GivenUp)},
	)
	if d.Pending > 0 {
		rows = append(rows, [2]string{"events pending (may still be retried)", numfmt.WithCommas(d.Pending)})
	}
	if d.Forgotten > 0 {
		rows = append(rows, [2]string{"events forgotten early (memory bound)", numfmt.WithCommas(d.Forgotten)})
	}
	for _, row := range rows {
		if err := t.Append(row[0], p.cell(row[1])); err != nil {
			return err
		}
	}
	return t.Render()
}

func honoredLine(r *report.ServeResult) string {
	d := &r.Delivery
	after := d.RetryAfterHonored + d.RetryAfterEarly
	switch {
	case d.RetryAfterSent == 0:
		return "- (no Retry-After was sent)"
	case after == 0:
		return "- (no retry came after a 429)"
	case d.RetryAfterEarly == 0:
		return fmt.Sprintf("yes: %s of %s after a 429", numfmt.WithCommas(d.RetryAfterHonored), numfmt.CountRetries(after))
	}
	return fmt.Sprintf("no: %s of %s after a 429 came early", numfmt.WithCommas(d.RetryAfterEarly), numfmt.CountRetries(after))
}

// sendersText says how many runs of hooklimit run sent, by their
// X-Hooklimit-Run header; "" when none did.
func sendersText(n int64) string {
	switch {
	case n == 0:
		return ""
	case n >= report.MaxSenders:
		return ", from " + numfmt.WithCommas(n) + " or more runs (X-Hooklimit-Run)"
	}
	return ", from " + numfmt.CountNoun(n, "run") + " (X-Hooklimit-Run)"
}

// withSlack writes "12, smallest slack -850ms".
func withSlack(n int64, slackMS *int64, show bool) string {
	s := numfmt.WithCommas(n)
	if n > 0 && show && slackMS != nil {
		s += ", smallest slack " + numfmt.ShortMS(float64(*slackMS))
	}
	return s
}

func idSummary(ids report.EventIDs) string {
	var parts []string
	for _, x := range []struct {
		n    int64
		what string
	}{{ids.Header, "id from a header"}, {ids.Body, "id from the body"}, {ids.Hash, "body hash"}, {ids.None, "no id"}} {
		if x.n > 0 {
			parts = append(parts, numfmt.WithCommas(x.n)+" by "+x.what)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// otherStatuses writes "413: 2, 503: 7", the answers neither 2xx nor 429
// nor 404.
func otherStatuses(r *report.ServeResult) string {
	var codes []int
	for k := range r.Requests.ByStatus {
		c, _ := strconv.Atoi(k)
		if c >= 200 && c <= 299 || c == 429 || c == 404 {
			continue
		}
		codes = append(codes, c)
	}
	slices.Sort(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%d: %s", c, numfmt.WithCommas(r.Requests.ByStatus[strconv.Itoa(c)]))
	}
	return strings.Join(parts, ", ")
}

func serveSchedule(r *report.ServeResult, p *textPrinter, f Format) error {
	s := &r.RetrySchedule
	switch s.Resembles {
	case "":
		p.linef("Retry schedule: %s.", s.Reason)
	default:
		p.linef("Retry schedule: resembles %s — %s.", p.code(s.Resembles), p.cell(s.Reason))
	}
	p.blank()
	if len(s.Steps) == 0 {
		return p.err
	}
	t := newCheckTable(p.w, f, 7, []int{1, 2, 3, 4, 5, 6}, "after attempt", "retries", "median wait", "p10", "p90", "max", "after a Retry-After")
	for _, st := range s.Steps {
		n := strconv.Itoa(st.Attempt)
		if st.AndLater {
			n += "+"
		}
		if err := t.Append(n, numfmt.WithCommas(st.Retries), numfmt.ShortMS(st.MedianMS), numfmt.ShortMS(st.P10MS),
			numfmt.ShortMS(st.P90MS), numfmt.ShortMS(st.MaxMS), numfmt.WithCommas(st.AfterRetryAfter)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	p.blank()
	return p.err
}
