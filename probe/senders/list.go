package senders

import (
	"strings"

	"github.com/hooklimit/hooklimit/probe/retry"
)

// SplitList splits a list of senders, as --compare-sender takes it, into
// sender specs. As in a list of retry policies (retry.SplitPolicies), a
// comma-separated item with no "=" starts a new sender and one with "="
// belongs to the sender before it; parentheses group a whole spec whose
// items have no "=". So
//
//	autotask,svix,pause-on-429,pace=1000/1m,(ordered,pause-on-429)
//
// is autotask; svix; pause-on-429,pace=1000/1m; ordered,pause-on-429.
// SplitList checks nothing: Parse reports what is wrong with a spec.
func SplitList(s string) []string {
	var out []string
	for _, t := range retry.SplitPolicies(s) {
		if strings.HasPrefix(t, "(") {
			if end := closing(t); end > 0 {
				t = t[1:end] + t[end+1:]
			}
		}
		out = append(out, t)
	}
	return out
}

// closing returns the index of the ")" that closes the "(" at t[0], or -1.
func closing(t string) int {
	depth := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}
