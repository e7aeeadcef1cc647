package report

import (
	"fmt"
	"math"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/discover"
)

// The verdicts of a ProbeLimitRow.
const (
	ProbeMatch         = "match"
	ProbeMismatch      = "mismatch"
	ProbeUndetermined  = "not determined"
	ProbeUndocumented  = "undocumented"
	ProbeNotComparable = "-"
)

// NewProbeResult builds the result of discovery d: the inferred limits
// beside the advertised ones and those of meta.Profile (when given), the
// findings, and the verdict.
func NewProbeResult(d *discover.Discovery, meta ProbeMeta) *ProbeResult {
	tol := meta.Tolerance
	if tol <= 0 {
		tol = DefaultProbeTolerance
	}
	r := &ProbeResult{
		Kind: KindProbe, Target: meta.Target, Interrupted: d.Interrupted, Capped: d.Capped,
		Start: Timestamp(d.Start), End: Timestamp(d.End), Requests: d.Requests,
		DurationSeconds: numfmt.Round3(time.Duration(d.End - d.Start).Seconds()),
		Caps:            ProbeCaps{MaxRequests: meta.MaxRequests, MaxDurationSeconds: meta.MaxDuration.Seconds()},
		Tolerance:       tol, Headers: d.Advertised.Fields,
		Inferred: []ProbeInferred{}, Advertised: []ProbeAdvertised{}, RetryAfter: []ProbeRetryAfter{},
		Findings: []ProbeFinding{}, Steps: []ProbeStep{}, Limits: []ProbeLimitRow{},
	}
	if meta.Profile != nil {
		r.Profile = meta.Profile.Name
	}
	b := d.Burst
	r.Burst = ProbeBurst{Admitted: b.Admitted, Sent: b.Sent, Limited: b.Limited, Status: b.Status,
		ElapsedMS: numfmt.Round3(float64(b.Elapsed) / 1e6), RetryAfterSeconds: secondsPtr(b.RetryAfter, b.HasRetryAfter)}
	for _, l := range d.Inferred {
		r.Inferred = append(r.Inferred, ProbeInferred{WindowSeconds: l.WindowSeconds, Limit: l.Limit,
			RatePerSecond: numfmt.Round3(float64(l.Limit) / float64(l.WindowSeconds)), Basis: l.Basis, Confidence: l.Confidence, Note: l.Note,
			Kind: l.Kinds, Alignment: l.Alignment, KindNote: l.KindNote, CountsRejected: l.CountsRejected, CountsNote: l.CountsNote,
			Scope: l.Scope, ScopeNote: l.ScopeNote})
		if s := r.Sustained; s == nil || float64(l.Limit)/float64(l.WindowSeconds) < s.RatePerSecond {
			r.Sustained = &ProbeSustained{RatePerSecond: numfmt.Round3(float64(l.Limit) / float64(l.WindowSeconds)), Window: l.WindowSeconds}
		}
	}
	if r.Sustained != nil {
		r.Sustained.HeldPerSecond, r.Sustained.FailedPerSecond = d.Rate.Held, d.Rate.Failed
	}
	for _, a := range d.Advertised.Limits {
		r.Advertised = append(r.Advertised, ProbeAdvertised{Name: a.Name, WindowSeconds: a.WindowSeconds, Limit: a.Limit, Bytes: a.Bytes, Field: a.Field})
	}
	for _, c := range d.RetryAfter {
		r.RetryAfter = append(r.RetryAfter, ProbeRetryAfter{WaitSeconds: c.Wait.Seconds(), Checked: c.Checked, Admitted: c.Admitted,
			Status: c.Status, EarlySent: c.EarlySent, EarlyBySeconds: numfmt.Round3(c.EarlyBy.Seconds()), EarlyRejected: c.EarlySent && c.EarlyOK, Note: c.Note})
	}
	r.Rate = ProbeRate{SaturationRate: d.Rate.SaturationRate, MaxPerSecond: d.Rate.MaxPerSecond, Trials: []ProbeTrial{}, Note: d.Rate.Note}
	for _, t := range d.Rate.Trials {
		r.Rate.Trials = append(r.Rate.Trials, ProbeTrial{Rate: t.Rate, Nominal: t.Nominal, Sent: t.Sent, Rejected: t.Rejected, Held: t.Held})
	}
	if bb := d.Bytes; bb != nil {
		r.ByteBurst = &ProbeBytes{BodySize: bb.BodySize, Admitted: bb.Admitted, AdmittedBytes: bb.AdmittedBytes, Limited: bb.Limited,
			Status: bb.Status, RetryAfterSeconds: secondsPtr(bb.RetryAfter, bb.HasRetryAfter), Note: bb.Note}
	}
	for _, f := range d.Findings {
		r.Findings = append(r.Findings, ProbeFinding{Code: f.Code, Severity: string(f.Severity), Message: f.Message, Count: f.Count, FirstRequest: f.Seq})
	}
	for _, s := range d.Steps {
		r.Steps = append(r.Steps, ProbeStep{Name: s.Name, Status: s.Status, Requests: s.Requests, DurationSeconds: numfmt.Round3(s.Duration.Seconds()), Note: s.Note})
	}
	r.Limits = compareLimits(d, meta.Profile, tol)
	r.Drift = probeDrift(d, meta.Profile, tol)
	r.Settle()
	return r
}

// Settle sets the verdict and the metrics.
func (r *ProbeResult) Settle() {
	r.Verdict = VerdictPass
	var errs, warns, mismatches float64
	for _, f := range r.Findings {
		switch f.Severity {
		case string(discover.SeverityError):
			errs++
		case string(discover.SeverityWarning):
			warns++
		}
	}
	for _, l := range r.Limits {
		if l.Verdict == ProbeMismatch {
			mismatches++
		}
	}
	if errs > 0 || mismatches > 0 {
		r.Verdict = VerdictFail
	}
	if r.Interrupted && r.Incomplete == nil {
		r.Incomplete = NewIncomplete(CutInterrupted, int64(r.End), 0)
	}
	if r.Incomplete != nil {
		r.Verdict = VerdictIncomplete
	}
	r.Metrics = map[string]float64{"requests": float64(r.Requests), "burst": float64(r.Burst.Admitted),
		"errors": errs, "warnings": warns, "mismatches": mismatches}
	if r.Sustained != nil {
		r.Metrics["sustained_rate"] = r.Sustained.RatePerSecond
	}
}

func i64(n int64) *int64 { return &n }

// documentedRow is one count limit of a profile as a window: at most
// Limit per Window seconds.
type documentedRow struct {
	window, limit int64
	name          string
}

// documentedRows turns the count limits of p into windows: a window's
// quota per its length; a bucket's or a credit model's refill per its
// period (per second when that is whole).
func documentedRows(p *limitsim.Profile) (rows []documentedRow, burst, byteBurst int64) {
	burst, byteBurst = -1, -1
	for _, l := range p.Limits {
		if l.Unit == limitsim.Bytes {
			if byteBurst < 0 || l.Capacity() < byteBurst {
				byteBurst = l.Capacity()
			}
			continue
		}
		if burst < 0 || l.Capacity() < burst {
			burst = l.Capacity()
		}
		w := int64(l.Per / time.Second)
		q := l.Quota
		if l.Kind == limitsim.Bucket && l.Per > time.Second && (l.Quota*int64(time.Second))%int64(l.Per) == 0 {
			w, q = 1, l.Quota*int64(time.Second)/int64(l.Per)
		}
		if l.Per%time.Second != 0 || w == 0 {
			continue // sub-second periods are not compared
		}
		rows = append(rows, documentedRow{window: w, limit: q, name: l.Name})
	}
	return rows, burst, byteBurst
}

// compareLimits builds the rows of the table: the burst, each documented
// window, each inferred window nothing documents, and the byte burst.
func compareLimits(d *discover.Discovery, p *limitsim.Profile, tol float64) []ProbeLimitRow {
	var docs []documentedRow
	docBurst, docBytes := int64(-1), int64(-1)
	if p != nil {
		docs, docBurst, docBytes = documentedRows(p)
	}
	verdict := func(doc *int64, inf *int64, atLeast bool) string {
		switch {
		case p == nil:
			return ProbeNotComparable
		case doc == nil && inf == nil:
			return ProbeNotComparable
		case doc == nil:
			return ProbeUndocumented
		case inf == nil:
			return ProbeUndetermined
		case atLeast && float64(*inf) > float64(*doc)*(1+tol):
			return ProbeMismatch
		case atLeast:
			return ProbeUndetermined
		case math.Abs(float64(*inf-*doc)) <= tol*float64(*doc):
			return ProbeMatch
		}
		return ProbeMismatch
	}
	var rows []ProbeLimitRow
	burst := ProbeLimitRow{Name: "burst", Basis: "measured", AtLeast: !d.Burst.Limited && d.Burst.Sent > 0}
	if docBurst >= 0 {
		burst.Documented = i64(docBurst)
	}
	if d.Burst.Sent > 0 {
		burst.Inferred = i64(d.Burst.Admitted)
	}
	burst.Verdict = verdict(burst.Documented, burst.Inferred, burst.AtLeast)
	rows = append(rows, burst)
	seen := map[int64]bool{}
	for _, doc := range docs {
		row := windowRow(d, doc.window)
		row.Documented = i64(doc.limit)
		row.Verdict = verdict(row.Documented, row.Inferred, false)
		seen[doc.window] = true
		rows = append(rows, row)
	}
	for _, l := range d.Inferred {
		if seen[l.WindowSeconds] {
			continue
		}
		row := windowRow(d, l.WindowSeconds)
		row.Verdict = verdict(nil, row.Inferred, false)
		if p != nil && stricterThanDocumented(p, l, tol) {
			row.Verdict = ProbeMismatch
			row.Note = "stricter than the documented limits allow in that window"
		}
		rows = append(rows, row)
	}
	if docBytes >= 0 || d.Bytes != nil {
		row := ProbeLimitRow{Name: "bytes burst", Basis: "measured"}
		if docBytes >= 0 {
			row.Documented = i64(docBytes)
		}
		if d.Bytes != nil && d.Bytes.Limited {
			row.Inferred = i64(d.Bytes.AdmittedBytes)
		} else if d.Bytes != nil {
			row.Inferred, row.AtLeast = i64(d.Bytes.AdmittedBytes), true
		}
		if d.Bytes == nil {
			row.Note = "not probed (use --bytes SIZE)"
		}
		row.Verdict = verdict(row.Documented, row.Inferred, row.AtLeast)
		rows = append(rows, row)
	}
	return rows
}

// windowRow is the row of one window with its advertised and inferred
// limits.
func windowRow(d *discover.Discovery, w int64) ProbeLimitRow {
	row := ProbeLimitRow{Name: LimitName(w), WindowSeconds: w}
	for _, a := range d.Advertised.Limits {
		if a.WindowSeconds == w && !a.Bytes && row.Advertised == nil {
			row.Advertised = i64(a.Limit)
		}
	}
	for _, l := range d.Inferred {
		if l.WindowSeconds == w {
			row.Inferred, row.Basis, row.Note = i64(l.Limit), l.Basis, l.Note
		}
	}
	return row
}

// stricterThanDocumented reports whether l admits less in its window than
// every count limit of p together allows there, beyond the tolerance.
func stricterThanDocumented(p *limitsim.Profile, l discover.InferredLimit, tol float64) bool {
	w := time.Duration(l.WindowSeconds) * time.Second
	allowed := int64(-1)
	for _, pl := range p.Limits {
		if pl.Unit == limitsim.Bytes {
			continue
		}
		var a int64
		switch pl.Kind {
		case limitsim.Window, limitsim.Fixed:
			a = pl.Quota * int64(math.Ceil(float64(w)/float64(pl.Per)))
		default:
			a = pl.Capacity() + int64(float64(pl.Quota)*float64(w)/float64(pl.Per))
		}
		if allowed < 0 || a < allowed {
			allowed = a
		}
	}
	return allowed >= 0 && float64(l.Limit) < float64(allowed)*(1-tol)
}

// LimitName writes a window as a row name.
func LimitName(w int64) string {
	return fmt.Sprintf("per %s", units.FormatDuration(time.Duration(w)*time.Second))
}
