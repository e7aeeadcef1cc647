package render

import (
	"fmt"
	"strings"

	"github.com/hooklimit/hooklimit/report"
)

// unknownLines says, for each limit that could not be judged, why and how
// to judge it, when the verdict is unknown.
func unknownLines(r *report.CheckResult) []string {
	if r.Verdict != report.VerdictUnknown {
		return nil
	}
	var out []string
	for _, s := range r.Summary {
		if s.Verdict == report.VerdictUnknown {
			out = append(out, fmt.Sprintf("UNKNOWN, not a pass: %s %s could not be judged: %s", s.Profile, s.Name, s.Note))
		}
	}
	return out
}

// excludedLine says which limits were left out, or "" when none was.
func excludedLine(excluded []string) string {
	if len(excluded) == 0 {
		return ""
	}
	return "left out with --exclude-limit, so not judged: " + strings.Join(excluded, ", ")
}
