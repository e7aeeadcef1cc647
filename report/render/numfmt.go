package render

import (
	"strings"

	"github.com/hooklimit/hooklimit/report"
)

// utcTimeOfDay writes a report.Timestamp as its UTC time of day to the millisecond,
// or "-" for none.
func utcTimeOfDay(t report.Timestamp) string {
	if t == 0 {
		return "-"
	}
	return t.Time().Format("15:04:05.000")
}

// tableVerdict writes a verdict for a table, shouting the failures.
func tableVerdict(v report.Verdict) string {
	switch v {
	case report.VerdictFail, report.VerdictPartial:
		return strings.ToUpper(string(v))
	}
	return string(v)
}
