package discover

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Severity says how much a finding matters: an error breaks what a sender
// relies on and fails the probe; a warning is worth fixing; info is
// noted.
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// The codes of the findings about an endpoint's rate-limit answers.
const (
	Code429NoRetryAfter       = "429-without-retry-after"
	CodeRetryAfterBad         = "retry-after-unparseable"
	CodeRetryAfterZero        = "retry-after-zero"
	CodeRetryAfterTooShort    = "retry-after-too-short"
	CodeRetryAfterTooLong     = "retry-after-too-long"
	CodeRemainingNotFalling   = "remaining-not-falling"
	CodeResetInconsistent     = "reset-inconsistent"
	Code503ForRateLimit       = "503-for-rate-limit"
	CodeRetryAfterNotChecked  = "retry-after-not-checked"
	CodeApplicationErrors     = "application-errors"
	CodeAdvertisedNotEnforced = "advertised-not-enforced"
)

// Finding is one thing wrong (or worth knowing) about how the endpoint
// answers: a code from the list above, a severity, and a message that
// says what was seen. Seq is the first request that showed it, Count how
// many did.
type Finding struct {
	Code     string
	Severity Severity
	Message  string
	Seq      int
	Count    int
}

// checkFindings looks at every answer and at the Retry-After checks.
func checkFindings(all []*ProbeRequest, d *Discovery, o *DiscoverOptions) []Finding {
	reqs := append([]*ProbeRequest(nil), all...)
	sort.Slice(reqs, func(i, j int) bool { return reqs[i].Seq < reqs[j].Seq })
	var out []Finding
	// add counts one more request showing code, the first one making the
	// finding; i is the finding's index in out, -1 before the first.
	add := func(i int, code string, sev Severity, p *ProbeRequest, format string, args ...any) int {
		if i < 0 {
			out = append(out, Finding{Code: code, Severity: sev, Message: fmt.Sprintf(format, args...), Seq: p.Seq})
			i = len(out) - 1
		}
		out[i].Count++
		return i
	}
	noRA, badRA, zeroRA, s503, reset := -1, -1, -1, -1, -1
	for _, p := range reqs {
		if !p.Limited() {
			continue
		}
		raw := p.RateLimit["Retry-After"]
		switch {
		case raw == "":
			sev := SeverityWarning
			if o.ExpectRetryAfter {
				sev = SeverityError
			}
			noRA = add(noRA, Code429NoRetryAfter, sev, p, "a %d came without Retry-After, so a sender cannot know when to retry", p.Status)
		case !p.HasRetryAfter:
			badRA = add(badRA, CodeRetryAfterBad, SeverityError, p, "Retry-After %q is neither delay-seconds nor an HTTP-date", clip(raw))
		case p.RetryAfter == 0:
			zeroRA = add(zeroRA, CodeRetryAfterZero, SeverityWarning, p, "Retry-After %q on a %d asks for no wait at all", clip(raw), p.Status)
		}
		if p.Status == 503 {
			s503 = add(s503, Code503ForRateLimit, SeverityError, p, "rejections for rate came as 503 Service Unavailable, not 429 Too Many Requests (RFC 6585): a sender cannot tell rate limiting from an outage")
		}
		if p.HasRetryAfter && p.RetryAfter >= 2*time.Second {
			most := int64(-1)
			for _, v := range resetValues(p.RateLimit, p.Done) {
				most = max(most, v)
			}
			if ra := int64(p.RetryAfter / time.Second); most >= 0 && most+1 < ra {
				reset = add(reset, CodeResetInconsistent, SeverityWarning, p, "a reset field says the limit resets in %d s, but Retry-After asks to wait %d s", most, ra)
			}
		}
	}
	out = append(out, remainingFindings(reqs)...)
	out = append(out, advertisedFindings(d)...)
	if f, ok := appErrorFinding(reqs); ok {
		out = append(out, f)
	}
	for _, c := range d.RetryAfter {
		switch {
		case c.Checked && !c.Admitted:
			out = append(out, Finding{Code: CodeRetryAfterTooShort, Severity: SeverityError, Count: 1,
				Message: fmt.Sprintf("a request sent exactly when Retry-After (%s) ended was rejected (%d)", fmtSeconds(c.Wait), c.Status)})
		case c.EarlySent && !c.EarlyOK:
			out = append(out, Finding{Code: CodeRetryAfterTooLong, Severity: SeverityWarning, Count: 1,
				Message: fmt.Sprintf("a request sent %s before Retry-After (%s) ended was admitted: the wait asked for is longer than needed", fmtSeconds(c.EarlyBy), fmtSeconds(c.Wait))})
		}
	}
	return out
}

// advertisedTolerance is how far an enforced limit may be from the one a
// header advertises for the same window before it is a finding: 10%.
const advertisedTolerance = 0.1

// advertisedFindings compares each count limit a header advertises with
// the limit inferred for the same window from what the endpoint did (not
// read from the headers themselves): more than advertisedTolerance apart
// is a warning, since a sender that trusts the header is rejected (or
// holds back for nothing).
func advertisedFindings(d *Discovery) []Finding {
	var out []Finding
	for _, a := range d.Advertised.Limits {
		if a.Bytes || a.WindowSeconds <= 0 || a.Limit <= 0 {
			continue
		}
		for _, l := range d.Inferred {
			if l.WindowSeconds != a.WindowSeconds || l.Basis == "advertised" {
				continue
			}
			if diff := l.Limit - a.Limit; float64(max(diff, -diff)) > advertisedTolerance*float64(a.Limit) {
				w := fmtSeconds(time.Duration(a.WindowSeconds) * time.Second)
				out = append(out, Finding{Code: CodeAdvertisedNotEnforced, Severity: SeverityWarning, Count: 1,
					Message: fmt.Sprintf("the header %s says %d per %s, but %d per %s is enforced", a.Field, a.Limit, w, l.Limit, w)})
			}
		}
	}
	return out
}

// appErrorFinding counts the 5xx answers that did not behave like rate
// limiting (see classify503): a warning when they are more than 5% of the
// answers, else info.
func appErrorFinding(reqs []*ProbeRequest) (Finding, bool) {
	var f Finding
	statuses := map[int]int{}
	for _, p := range reqs {
		if p.AppError() {
			if f.Count == 0 {
				f.Seq = p.Seq
			}
			f.Count++
			statuses[p.Status]++
		}
	}
	if f.Count == 0 {
		return f, false
	}
	codes := make([]int, 0, len(statuses))
	for c := range statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d x %d", statuses[c], c))
	}
	f.Code, f.Severity = CodeApplicationErrors, SeverityInfo
	if f.Count*20 > len(reqs) {
		f.Severity = SeverityWarning
	}
	f.Message = fmt.Sprintf("%d of %d answers were server errors that did not behave like rate limiting (%s: isolated, without Retry-After): counted as application errors, not as rejections for rate", f.Count, len(reqs), strings.Join(parts, ", "))
	return f, true
}

// remainingFindings checks that every remaining count falls over the
// admitted requests of the burst, which come too fast for much to refill.
func remainingFindings(reqs []*ProbeRequest) []Finding {
	seqs := map[string][]int64{}
	firstSeq := map[string]int{}
	for _, p := range reqs {
		if !p.Admitted() || (p.Step != StepBurst && p.Step != StepAdvertised) {
			continue
		}
		for k, v := range remainingValues(p.RateLimit) {
			if _, ok := firstSeq[k]; !ok {
				firstSeq[k] = p.Seq
			}
			seqs[k] = append(seqs[k], v)
		}
	}
	var out []Finding
	keys := make([]string, 0, len(seqs))
	for k := range seqs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vs := seqs[k]
		if len(vs) >= 3 && vs[len(vs)-1] >= vs[0] {
			out = append(out, Finding{Code: CodeRemainingNotFalling, Severity: SeverityWarning, Seq: firstSeq[k], Count: 1,
				Message: fmt.Sprintf("%s went from %d to %d over %d admitted requests in a burst: it does not count them", k, vs[0], vs[len(vs)-1], len(vs))})
		}
	}
	return out
}

// sortFindings puts errors first, then warnings, then info, each in the
// order found.
func sortFindings(fs []Finding) {
	rank := map[Severity]int{SeverityError: 0, SeverityWarning: 1, SeverityInfo: 2}
	sort.SliceStable(fs, func(i, j int) bool { return rank[fs[i].Severity] < rank[fs[j].Severity] })
}

// clip shortens a header value for a message.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
