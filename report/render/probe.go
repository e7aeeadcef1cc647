package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/probe/discover"
	"github.com/hooklimit/hooklimit/report"
)

// writeProbe writes r in format f: Table, Markdown, JSON or JUnit.
func writeProbe(r *report.ProbeResult, w io.Writer, f Format) error {
	switch f {
	case Table, "":
		return probeText(r, w, Table)
	case Markdown:
		return probeText(r, w, Markdown)
	case JSON:
		return writeJSON(w, r)
	case JUnit:
		return writeProbeJUnit(w, r)
	}
	return fmt.Errorf("report: unknown format %q (want table, markdown, json or junit)", f)
}

// probeText writes r for people: a headline with the verdict; a table of
// each limit as documented, advertised and inferred, with how it was
// found; the sustained rate and the Retry-After checks; the findings; and
// what each step did.
func probeText(r *report.ProbeResult, w io.Writer, f Format) error {
	p := &textPrinter{w: w, md: f == Markdown}
	head := "hooklimit probe: " + strings.ToUpper(string(r.Verdict))
	if p.md {
		head = "**" + head + "**"
	}
	against := ""
	if r.Profile != "" {
		against = " against " + r.Profile
	}
	p.linef("%s — %s%s; %s in %s", head, p.cell(r.Target), against, numfmt.CountNoun(int64(r.Requests), "request"), fmtSecs(r.DurationSeconds))
	switch {
	case r.Incomplete != nil:
		p.linef("%s%s", p.bullet(), p.cell(r.Incomplete.Text()))
	case r.Capped != "":
		p.linef("%scut short by --%s: limits not reached within the caps are marked \"not determined\"", p.bullet(), r.Capped)
	}
	p.blank()
	t := newCheckTable(w, f, 6, []int{1, 2, 3}, "limit", "documented", "advertised", "inferred", "how", "verdict")
	for _, row := range r.Limits {
		inf := numOrDash(row.Inferred)
		if row.AtLeast && row.Inferred != nil {
			inf = ">= " + inf
		}
		if err := t.Append([]string{row.Name, numOrDash(row.Documented), numOrDash(row.Advertised), inf, numfmt.DashIfEmpty(row.Basis), tableProbeVerdict(row.Verdict)}); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if p.md {
		p.blank()
	}
	if d := r.Drift; d != nil && !(len(d.Matches) == 1 && d.Matches[0] == d.Profile && d.Candidates[0].Name == d.Profile) {
		// As documented is the table's own verdict: said only in JSON.
		p.linef("%sdrift: %s", p.bullet(), p.cell(r.Drift.Message))
	}
	if s := r.Sustained; s != nil {
		line := fmt.Sprintf("sustained: %s/s (the per-%s limit)", numfmt.ShortFloat(round1(s.RatePerSecond)), report.LimitName(s.Window)[4:])
		if s.HeldPerSecond > 0 {
			line += fmt.Sprintf("; steady %s/s held", numfmt.ShortFloat(s.HeldPerSecond))
		}
		if s.FailedPerSecond > 0 {
			line += fmt.Sprintf(", %s/s got rejections", numfmt.ShortFloat(s.FailedPerSecond))
		}
		for _, row := range r.Limits {
			if row.Verdict == report.ProbeUndetermined && row.WindowSeconds > 0 {
				line += "; " + row.Name + " not determined within the caps, so this may be higher than what holds"
				break
			}
		}
		p.linef("%s%s", p.bullet(), line)
	} else {
		p.linef("%ssustained: not determined within the caps", p.bullet())
	}
	for _, l := range r.Inferred {
		if l.Note != "" {
			p.linef("%s%s%s: %s", p.bullet(), report.LimitName(l.WindowSeconds), inferredQualifier(l), p.cell(l.Note))
		}
		switch {
		case len(l.Kind) >= 4 && l.KindNote != "":
			p.linef("%s%s: %s", p.bullet(), report.LimitName(l.WindowSeconds), p.cell(l.KindNote))
		case len(l.Kind) > 0 && l.KindNote != "" && l.KindNote != l.Note:
			p.linef("%s%s is a %s: %s", p.bullet(), report.LimitName(l.WindowSeconds), kindText(l), p.cell(l.KindNote))
		}
		if l.CountsRejected != nil && l.CountsNote != "" {
			p.linef("%s%s, rejected requests: %s", p.bullet(), report.LimitName(l.WindowSeconds), p.cell(l.CountsNote))
		}
		if l.Scope != "" {
			p.linef("%s%s, scope %s: %s", p.bullet(), report.LimitName(l.WindowSeconds), l.Scope, p.cell(l.ScopeNote))
		}
	}
	for _, c := range r.RetryAfter {
		p.linef("%sRetry-After %s: %s", p.bullet(), fmtSecs(c.WaitSeconds), p.cell(retryAfterLine(c)))
	}
	if b := r.ByteBurst; b != nil {
		p.linef("%sbytes: %s", p.bullet(), p.cell(b.Note))
	}
	p.blank()
	if err := probeFindings(r, p, f); err != nil {
		return err
	}
	p.linef("Steps:")
	if p.md {
		p.blank()
	}
	for _, s := range r.Steps {
		note := ""
		if s.Note != "" {
			note = ": " + s.Note
		}
		p.linef("%s%s (%s, %s, %s)%s", p.bullet(), s.Name, s.Status, numfmt.CountNoun(int64(s.Requests), "request"), fmtSecs(s.DurationSeconds), p.cell(note))
	}
	return p.err
}

func probeFindings(r *report.ProbeResult, p *textPrinter, f Format) error {
	if len(r.Findings) == 0 {
		p.linef("No findings: every rate-limit answer seen was right.")
		p.blank()
		return nil
	}
	t := newCheckTable(p.w, f, 4, []int{2}, "severity", "finding", "requests", "what was seen")
	for _, fd := range r.Findings {
		sev := fd.Severity
		if sev == string(discover.SeverityError) {
			sev = "ERROR"
		}
		if err := t.Append([]string{sev, fd.Code, numfmt.WithCommas(int64(fd.Count)), p.cell(fd.Message)}); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	p.blank()
	return nil
}

func retryAfterLine(c report.ProbeRetryAfter) string {
	if !c.Checked {
		return c.Note
	}
	s := "a request exactly at its end was "
	if c.Admitted {
		s += "admitted"
	} else {
		s += fmt.Sprintf("REJECTED (%d)", c.Status)
	}
	if c.EarlySent {
		s += fmt.Sprintf("; one %s before it was ", fmtSecs(c.EarlyBySeconds))
		if c.EarlyRejected {
			s += "rejected"
		} else {
			s += "ADMITTED"
		}
	} else if c.Note != "" && !strings.HasPrefix(c.Note, "waited") {
		s += "; " + c.Note
	}
	return s
}

func tableProbeVerdict(v string) string {
	if v == report.ProbeMismatch {
		return "MISMATCH"
	}
	return v
}

func numOrDash(n *int64) string {
	if n == nil {
		return "-"
	}
	return numfmt.WithCommas(*n)
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

// fmtSecs writes seconds as numfmt.ShortDuration does: "1s", "1.25s", "1m01s".
func fmtSecs(s float64) string {
	return numfmt.ShortDuration(time.Duration(s * float64(time.Second)))
}

// WriteProbePlan writes what a probe will do before it sends anything:
// the target, the caps and the steps with their budgets.
func WriteProbePlan(w io.Writer, target, profile string, steps []discover.PlanStep, maxRequests int, maxDuration time.Duration) error {
	ew := &errWriter{w: w}
	against := ""
	if profile != "" {
		against = ", compared with profile " + profile
	}
	ew.printf("probe plan for %s%s: at most %s, at most %s\n", target, against, numfmt.CountNoun(int64(maxRequests), "request"), numfmt.ShortDuration(maxDuration))
	for i, s := range steps {
		budget := "what is left"
		switch {
		case s.Budget != "":
			budget = s.Budget
		case s.MaxRequests > 0:
			budget = "up to " + numfmt.CountNoun(int64(s.MaxRequests), "request")
		}
		ew.printf("  %d. %-12s %s: %s\n", i+1, s.Name, budget, s.What)
	}
	return ew.err
}

// kindText says what kind of limiter a limit is, as people say it: "fixed
// window aligned to the second", "token bucket", "sliding window or token
// bucket".
func kindText(l report.ProbeInferred) string {
	names := map[string]string{"window": "sliding window", "fixed": "fixed window", "bucket": "token bucket", "credits": "credits"}
	var s []string
	for _, k := range l.Kind {
		n := names[k]
		if n == "" {
			n = k
		}
		if k == "fixed" && l.Alignment != "" {
			n += " aligned to the " + l.Alignment
		}
		s = append(s, n)
	}
	return strings.Join(s, " or ")
}

// inferredQualifier says what kind of window an inferred limit is and how
// sure the inference is, as " (fixed window, confidence high)", or "".
func inferredQualifier(l report.ProbeInferred) string {
	var parts []string
	if len(l.Kind) > 0 && len(l.Kind) < 4 {
		parts = append(parts, kindText(l))
	}
	if l.Confidence != "" {
		parts = append(parts, "confidence "+l.Confidence)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
