package render

import (
	"fmt"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

// senderHeader are the columns of the table of a run's senders, in text
// and in HTML; senderRight are those aligned right (the numbers).
var (
	senderHeader = []string{"sender", "model", "retry", "events", "attempts", "share", "429s", "lost", "early retries", "partition violations"}
	senderRight  = []int{3, 4, 5, 6, 7, 8, 9}
)

// senderRows are the rows of the table of a run's senders: a row per
// sender, each with its model and its part of the traffic, then the
// totals, which are the run's. The text cells (name, model, retry) are
// as the result holds them: each output makes them safe its own way.
func senderRows(ss []report.SenderShare) [][]string {
	var rows [][]string
	var sum report.SenderShare
	for _, s := range ss {
		name := s.Name
		if s.DisabledAt != 0 {
			name += " (disabled)"
		}
		rows = append(rows, []string{name, s.Sender, s.Retry, numfmt.WithCommas(s.Events), numfmt.WithCommas(s.Attempts),
			percent(s.AttemptShare), numfmt.WithCommas(s.Rejected429), numfmt.WithCommas(s.Lost),
			numfmt.WithCommas(s.RetryAfterEarly), numfmt.WithCommas(s.PartitionViolations)})
		sum.AddCounts(s)
	}
	share := "-"
	if sum.Attempts > 0 {
		share = percent(1)
	}
	return append(rows, []string{"all", "", "", numfmt.WithCommas(sum.Events), numfmt.WithCommas(sum.Attempts), share, numfmt.WithCommas(sum.Rejected429),
		numfmt.WithCommas(sum.Lost), numfmt.WithCommas(sum.RetryAfterEarly), numfmt.WithCommas(sum.PartitionViolations)})
}

// runSenders writes the table of a run's senders, under its delivery
// table (see senderRows).
func runSenders(r *report.RunResult, p *textPrinter, f Format) error {
	t := newCheckTable(p.w, f, len(senderHeader), senderRight, senderHeader...)
	for _, row := range senderRows(r.Senders) {
		cells := make([]any, len(row))
		for i, c := range row {
			if i < 3 { // sender, model, retry
				c = p.cell(c)
			}
			cells[i] = c
		}
		if err := t.Append(cells...); err != nil {
			return err
		}
	}
	return t.Render()
}

// sendersHTML is the table of a run's senders in its HTML report, with
// the columns and rows of the text table (see senderRows).
func sendersHTML(ss []report.SenderShare) htmlTable {
	t := newTable("", senderRight, senderHeader...)
	for _, row := range senderRows(ss) {
		t.add(row...)
	}
	return t
}

// sendersJUnit is the JUnit testsuite of a run's senders: a testcase per
// sender, which fails when the sender lost events or sent inside a
// Retry-After (early retries, partition violations), and whose output
// holds its part of the traffic.
func sendersJUnit(ss []report.SenderShare) junitSuite {
	suite := junitSuite{Name: "hooklimit run senders"}
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
