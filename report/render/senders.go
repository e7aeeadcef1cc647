package render

import (
	"fmt"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

// runSenders writes the table of a run's senders, under its delivery
// table: a row per sender, each with its model and its part of the
// traffic, then the totals, which are the run's.
func runSenders(r *report.RunResult, p *textPrinter, f Format) error {
	t := newCheckTable(p.w, f, 10, []int{3, 4, 5, 6, 7, 8, 9}, "sender", "model", "retry", "events", "attempts", "share", "429s", "lost", "early retries", "partition violations")
	var sum report.SenderShare
	for _, s := range r.Senders {
		name := s.Name
		if s.DisabledAt != 0 {
			name += " (disabled)"
		}
		if err := t.Append(p.cell(name), p.cell(s.Sender), p.cell(s.Retry), numfmt.WithCommas(s.Events), numfmt.WithCommas(s.Attempts),
			percent(s.AttemptShare), numfmt.WithCommas(s.Rejected429), numfmt.WithCommas(s.Lost),
			numfmt.WithCommas(s.RetryAfterEarly), numfmt.WithCommas(s.PartitionViolations)); err != nil {
			return err
		}
		sum.Events += s.Events
		sum.Attempts += s.Attempts
		sum.Rejected429 += s.Rejected429
		sum.Lost += s.Lost
		sum.RetryAfterEarly += s.RetryAfterEarly
		sum.PartitionViolations += s.PartitionViolations
	}
	share := "-"
	if sum.Attempts > 0 {
		share = percent(1)
	}
	if err := t.Append("all", "", "", numfmt.WithCommas(sum.Events), numfmt.WithCommas(sum.Attempts), share, numfmt.WithCommas(sum.Rejected429),
		numfmt.WithCommas(sum.Lost), numfmt.WithCommas(sum.RetryAfterEarly), numfmt.WithCommas(sum.PartitionViolations)); err != nil {
		return err
	}
	return t.Render()
}

// sendersJUnit is the JUnit testsuite of a run's senders: a testcase per
// sender, which fails when the sender lost events or sent inside a
// Retry-After (early retries, partition violations), and whose output
// holds its part of the traffic.
func sendersJUnit(ss []report.SenderShare) junitSuite {
	suite := junitSuite{Name: "senders"}
	for _, s := range ss {
		c := junitCase{Name: s.Name, Classname: "hooklimit.run.senders",
			SystemOut: &junitText{Text: fmt.Sprintf("model %s, retry %s: %s, %s (%s of all), %s, %s lost",
				s.Sender, s.Retry, numfmt.CountNoun(s.Events, "event"), numfmt.CountNoun(s.Attempts, "attempt"), percent(s.AttemptShare),
				numfmt.CountNoun(s.Rejected429, "429"), numfmt.WithCommas(s.Lost))}}
		var why []string
		if s.Lost > 0 {
			why = append(why, fmt.Sprintf("lost %s", numfmt.CountNoun(s.Lost, "event")))
		}
		if s.RetryAfterEarly > 0 {
			why = append(why, fmt.Sprintf("retried %s before the Retry-After ended", numfmt.CountNoun(s.RetryAfterEarly, "time")))
		}
		if s.PartitionViolations > 0 {
			why = append(why, fmt.Sprintf("sent %s into a partition paused by a Retry-After", numfmt.CountNoun(s.PartitionViolations, "attempt")))
		}
		if len(why) > 0 {
			c.Failure = &junitFailure{Message: s.Name + " " + strings.Join(why, ", "), Type: "sender"}
		}
		suite.Cases = append(suite.Cases, c)
	}
	return suite
}
