package render

import (
	"fmt"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

// AllAdvice makes the table and markdown forms of a failing run show every
// change the advisor tried, instead of the best one.
func AllAdvice() Option {
	return func(o *options) { o.allAdvice = true }
}

// runAdvice writes what would have passed: the best verified change and
// its command in two lines, or every change tried when all is set.
func runAdvice(r *report.RunResult, p *textPrinter, all bool) {
	if len(r.Advice) == 0 {
		if r.AdviceNote != "" {
			p.blank()
			p.linef("%sWhat would pass: %s", p.bullet(), p.cell(r.AdviceNote))
		}
		return
	}
	p.blank()
	best := r.BestAdvice()
	if !all {
		if best == nil {
			p.linef("%sWhat would pass: no change tried passes (%s); --advise shows what was tried", p.bullet(), p.cell(r.AdviceNote))
			return
		}
		more := ""
		if len(r.Advice) > 1 {
			more = fmt.Sprintf("; --advise shows all %d changes tried", len(r.Advice))
		}
		p.linef("%sWhat would pass: %s: %s%s", p.bullet(), p.cell(best.Change), suggestionOutcome(best), more)
		p.linef("  %s", p.code(best.Command))
		return
	}
	p.linef("What would pass (%s):", p.cell(r.AdviceNote))
	for i := range r.Advice {
		s := &r.Advice[i]
		mark := "would pass"
		if !s.Passes {
			mark = "still fails"
		}
		p.blank()
		p.linef("%s%s: %s", p.bullet(), mark, p.cell(s.Change))
		line := suggestionOutcome(s)
		if s.Boundary != "" {
			line += "; " + s.Boundary
		}
		p.linef("  %s", p.cell(line))
		p.linef("  %s", p.code(s.Command))
	}
}

// suggestionOutcome says how a suggestion's simulated run went:
// "PASS, 0 lost, 0 429s, 1× events".
func suggestionOutcome(s *report.Suggestion) string {
	return fmt.Sprintf("%s, %s lost, %s, %s× events", strings.ToUpper(string(s.Verdict)), numfmt.WithCommas(s.Lost),
		numfmt.CountNoun(s.Rejected429, "429"), numfmt.ShortFloat(s.Amplification))
}
