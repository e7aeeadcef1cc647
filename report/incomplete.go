package report

import (
	"fmt"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
)

// VerdictIncomplete is the verdict of a result that was cut short: a run,
// serve session, probe or check interrupted (Ctrl-C), or a run that ended
// with deliveries still pending because --drain ran out. What was measured
// is reported, but it is never a pass.
const VerdictIncomplete Verdict = "incomplete"

// The reasons an Incomplete gives.
const (
	// CutInterrupted: the command was interrupted (Ctrl-C, SIGTERM).
	CutInterrupted = "interrupted"
	// CutDrain: a run ended with deliveries whose next retry was due after
	// --drain ran out, so how they would have ended is not known.
	CutDrain = "drain"
	// CutCapped: a run stopped at a cap of attempts (run --max-requests,
	// or the default cap of attempts per event) with attempts still due.
	CutCapped = "capped"
	// CutTruncated: the results file it was read from was cut short (the
	// command that wrote it was killed or crashed): a torn last line, or
	// no result line.
	CutTruncated = "truncated"
)

// Incomplete says that a result was cut short: why, when, and how many
// deliveries were left unresolved. A result that has one has the verdict
// VerdictIncomplete, whatever was measured (its compliance keeps that).
type Incomplete struct {
	Reason  string    `json:"reason"`            // CutInterrupted, CutDrain, CutCapped or CutTruncated
	At      Timestamp `json:"at,omitempty"`      // when it was cut short
	Pending int64     `json:"pending,omitempty"` // deliveries or events not resolved
	Detail  string    `json:"detail"`            // a sentence for people
}

// NewIncomplete returns the Incomplete of reason at (Unix ns; 0 when not
// known) with pending deliveries left, its detail written out.
func NewIncomplete(reason string, at, pending int64) *Incomplete {
	c := &Incomplete{Reason: reason, At: Timestamp(at), Pending: pending}
	when := ""
	if at != 0 {
		when = " at " + c.At.Time().Format("2006-01-02 15:04:05.000") + " UTC"
	}
	switch reason {
	case CutDrain:
		c.Detail = fmt.Sprintf("cut short%s: %s still pending when --drain ran out (their next retry was due later); a longer --drain shows how they end",
			when, StillPending(pending))
	case CutCapped:
		c.Detail = fmt.Sprintf("stopped%s at the cap of attempts: ", when)
		if pending > 0 {
			c.Detail += StillPending(pending) + " still pending, and "
		}
		c.Detail += "the rest of the scenario was not sent; raise the cap (--max-requests N) or send fewer retries"
	case CutTruncated:
		c.Detail = fmt.Sprintf("cut short%s: its results file ends before its result line (the command that wrote it was killed or crashed), so these are the partial results its whole lines hold", when)
		if pending > 0 {
			c.Detail += fmt.Sprintf("; %s still pending", StillPending(pending))
		}
	default:
		c.Detail = fmt.Sprintf("interrupted%s: these are the partial results of what was measured until then", when)
		if pending > 0 {
			c.Detail += fmt.Sprintf("; %s still pending", StillPending(pending))
		}
	}
	return c
}

// Text is the line renderers print: "INCOMPLETE: interrupted at ...".
func (c *Incomplete) Text() string { return "INCOMPLETE, not a pass: " + c.Detail }

// verdictRank orders verdicts from best to worst for combining them: a
// verdict that could not be judged is worse than a pass and better than a
// failure; a result cut short is incomplete whatever was measured.
func verdictRank(v Verdict) int {
	switch v {
	case VerdictPass:
		return 0
	case VerdictUnknown:
		return 1
	case VerdictIncomplete:
		return 3
	}
	return 2 // fail, partial
}

// worstVerdict returns the worse of a and b; partial counts as fail.
func worstVerdict(a, b Verdict) Verdict {
	if a == VerdictPartial {
		a = VerdictFail
	}
	if b == VerdictPartial {
		b = VerdictFail
	}
	if verdictRank(b) > verdictRank(a) {
		return b
	}
	return a
}

// settleVerdict is the overall verdict of a result: its compliance, made
// worse by any threshold that does not hold, and incomplete when it was
// cut short.
func settleVerdict(compliance Verdict, ths []ThresholdResult, inc *Incomplete) Verdict {
	v := worstVerdict(VerdictPass, compliance)
	for _, t := range ths {
		if t.Verdict != VerdictPass {
			v = worstVerdict(v, VerdictFail)
		}
	}
	if inc != nil {
		return VerdictIncomplete
	}
	return v
}

// MergeIncomplete combines the Incomplete of merged results: nil when
// none is cut short, else the latest cut, its pending counts added up.
func MergeIncomplete(parts []*Incomplete) *Incomplete {
	var out *Incomplete
	var pending int64
	for _, c := range parts {
		if c == nil {
			continue
		}
		pending += c.Pending
		if out == nil || c.At > out.At {
			out = c
		}
	}
	if out == nil {
		return nil
	}
	m := NewIncomplete(out.Reason, int64(out.At), pending)
	m.Detail = "one of the merged results was " + m.Detail
	return m
}

// IncompleteOf returns the Incomplete of a result, or of the first run of
// a comparison that has one; nil when it was not cut short.
func IncompleteOf(res Result) *Incomplete {
	switch r := res.(type) {
	case *CheckResult:
		return r.Incomplete
	case *RunResult:
		return r.Incomplete
	case *ServeResult:
		return r.Incomplete
	case *ProbeResult:
		return r.Incomplete
	case *CompareResult:
		for _, run := range r.Runs {
			if run.Incomplete != nil {
				return run.Incomplete
			}
		}
	}
	return nil
}

// CutShort makes a result read back from a file say that it was cut
// short, when it was: one written before results had an Incomplete (with
// only "interrupted": true) gets one, and the verdict of any result that
// has one is incomplete, whatever the file says. It reports whether res
// was cut short.
func CutShort(res Result) bool {
	upgrade := func(interrupted bool, inc **Incomplete, end Timestamp, pending int64, v *Verdict) bool {
		if interrupted && *inc == nil {
			*inc = NewIncomplete(CutInterrupted, int64(end), pending)
		}
		if *inc != nil {
			*v = VerdictIncomplete
		}
		return *inc != nil
	}
	switch r := res.(type) {
	case *CheckResult:
		return upgrade(false, &r.Incomplete, 0, 0, &r.Verdict)
	case *RunResult:
		return upgrade(r.Interrupted, &r.Incomplete, r.End, r.Delivery.Pending, &r.Verdict)
	case *ServeResult:
		return upgrade(r.Interrupted, &r.Incomplete, r.End, r.Delivery.Pending, &r.Verdict)
	case *ProbeResult:
		return upgrade(r.Interrupted, &r.Incomplete, r.End, 0, &r.Verdict)
	case *CompareResult:
		cut := false
		for _, run := range r.Runs {
			if CutShort(run) {
				cut = true
			}
		}
		if cut {
			r.Verdict = VerdictIncomplete
		}
		return cut
	}
	return false
}

// ExcludedOf returns the limits of excluded (PROFILE.LIMIT) that belong
// to profile, as PROFILE.LIMIT.
func ExcludedOf(profile string, excluded []string) []string {
	var out []string
	for _, e := range excluded {
		if p, _, ok := strings.Cut(e, "."); ok && p == profile {
			out = append(out, e)
		}
	}
	return out
}

// String returns v as a string.
func (v Verdict) String() string { return string(v) }

// StillPending writes "1 delivery was" or "12 deliveries were".
func StillPending(n int64) string {
	if n == 1 {
		return "1 delivery was"
	}
	return numfmt.WithCommas(n) + " deliveries were"
}
