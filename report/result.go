package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/limitsim"
)

// Result returns what the Analyzer found so far, with the overall verdict
// from the limits alone; CheckResult.ApplyThresholds adds thresholds. The
// caller sets Input.Files and Input.Skipped. Result does not change the
// Analyzer, which can go on taking arrivals.
func (a *Analyzer) Result() *CheckResult {
	r := a.resultHead()
	for pi := range a.profiles {
		a.profileResult(r, pi)
	}
	if a.tl != nil {
		r.Timeline = a.tl.Timeline()
	}
	r.Metrics = CheckMetricsOf(r)
	r.Settle()
	return r
}

// DefaultShowKeys is how many keys' rows ResultWorst shows by default:
// enough for any report a person reads, few enough that a check of a
// million keys keeps its result small.
const DefaultShowKeys = 1000

// ResultWorst is Result with the rows and policy rejections of only the
// worst show keys of each profile (every key when show <= 0). The summary,
// the metrics and the counts still cover every key, and one
// policy_rejected entry sums up the keys not shown. Each key's rows are
// made, ranked and dropped unless among the worst, so memory grows with
// show, not with the keys.
func (a *Analyzer) ResultWorst(show int) *CheckResult {
	r := NewBoundedCompliance(a, 1).Result(show)
	if a.tl != nil && r.Timeline == nil {
		r.Timeline = a.tl.Timeline()
	}
	return r
}

// resultHead returns the start of a Result: what the Analyzer counted
// without its keys' rows, summaries, policy rejections and metrics.
func (a *Analyzer) resultHead() *CheckResult {
	r := &CheckResult{
		Kind:       KindCheck,
		Profiles:   make([]string, len(a.profiles)),
		Thresholds: []ThresholdResult{},
		ComplianceSection: ComplianceSection{
			Input: CheckInput{
				Files:      []string{},
				Records:    a.records,
				Filtered:   a.filtered,
				OutOfOrder: a.outOfOrder,
				Keys:       a.partitions(),
			},
			Limits:         []LimitRow{},
			Summary:        []LimitSummary{},
			PolicyRejected: []PolicyRejection{},
		},
	}
	if a.records > 0 {
		r.Input.First, r.Input.Last = Timestamp(a.first), Timestamp(a.last)
	}
	if a.coarse() {
		r.Input.Resolution = units.FormatDuration(a.opt.Resolution)
	}
	for pi, p := range a.profiles {
		r.Profiles[pi] = p.Name
		for _, name := range p.Excluded {
			r.ExcludedLimits = append(r.ExcludedLimits, p.Name+"."+name)
		}
	}
	return r
}

func (a *Analyzer) profileResult(r *CheckResult, pi int) {
	p := a.profiles[pi]
	g := a.groups[a.groupOf[pi]]
	keys := make([]*keptKey, len(g.order))
	for i, ks := range g.order {
		keys[i] = a.keyRows(pi, ks)
	}
	slices.SortStableFunc(keys, worse)
	for _, k := range keys {
		r.Limits = append(r.Limits, k.rows...)
		r.PolicyRejected = append(r.PolicyRejected, k.pol)
	}
	for _, l := range p.Limits {
		s := summarize(p.Name, l, r.Limits)
		s.Note = a.scopeNote(p, s.Note)
		r.Summary = append(r.Summary, s)
	}
}

// OneWorkspaceNote is the note on the summary of a workspace-scoped
// profile's limits when no arrival named a workspace.
const OneWorkspaceNote = "all traffic is one workspace: no request named one (give --workspace-field, or serve --workspace)"

// OneEnvironmentNote is the note on the summary of an environment-scoped
// profile's limits when no arrival named an environment (in the workspace
// field, which names the environment under that scope).
const OneEnvironmentNote = "all traffic is one environment: no request named one (give --workspace-field, or serve --workspace)"

// scopeNote adds to note, for a workspace- or environment-scoped profile,
// that all the traffic counted as one workspace (or environment) when no
// arrival named one.
func (a *Analyzer) scopeNote(p *limitsim.Profile, note string) string {
	if !p.Aggregates() || a.named || a.records == 0 {
		return note
	}
	if p.Scope == limitsim.ScopeEnvironment {
		return joinNote(note, OneEnvironmentNote)
	}
	return joinNote(note, OneWorkspaceNote)
}

// joinNote returns note with more added after a semicolon.
func joinNote(note, more string) string {
	if note == "" {
		return more
	}
	return note + "; " + more
}

// row builds the LimitRow of one spec for one partition, called label.
func (a *Analyzer) row(s rowSpec, ks *keyState, label string, peak int64, st replay) LimitRow {
	doc := a.profiles[s.profile].Limits[s.limit]
	row := LimitRow{
		Profile:        a.profiles[s.profile].Name,
		Key:            label,
		Name:           doc.Name,
		Limit:          s.spec,
		Unit:           string(limitsim.Requests),
		Interpretation: s.lim.Kind.Describe(),
		Documented:     s.documented,
		Allowed:        allowedOf(s.lim),
		Peak:           peak,
		Rejected:       st.rejected,
	}
	if s.lim.Unit == limitsim.Bytes {
		row.Unit = string(limitsim.Bytes)
	}
	row.PeakRatio = float64(row.Peak) / float64(max(row.Allowed, 1))
	row.Headroom = float64(row.Allowed-row.Peak) / float64(max(row.Allowed, 1))
	if row.Allowed == 0 {
		row.Headroom = 1 - row.PeakRatio
	}
	if st.rejected > 0 {
		row.FirstViolation = Timestamp(st.first)
	}
	switch {
	case s.lim.Unit == limitsim.Bytes && ks.unsized > 0 && row.Peak > row.Allowed:
		// The records with a size alone exceed the limit: the others
		// can only add to it.
		row.Verdict = VerdictFail
		row.Note = fmt.Sprintf("%s; the %d with one exceed the limit already", unsizedNote(ks), ks.records-ks.unsized)
	case s.lim.Unit == limitsim.Bytes && ks.unsized > 0:
		row.Verdict = VerdictUnknown
		row.Note = fmt.Sprintf("%s; peak and rejected count only the %d with one", unsizedNote(ks), ks.records-ks.unsized)
	case row.Peak <= row.Allowed:
		row.Verdict = VerdictPass
	default:
		row.Verdict = VerdictFail
	}
	return row
}

func unsizedNote(ks *keyState) string {
	return fmt.Sprintf("%d of %d records have no size", ks.unsized, ks.records)
}

// LimitSpec writes a limit in a few characters: "25/1s", "20/1s, burst
// 18000", "30 MB/1m, burst 30 MB".
func LimitSpec(l limitsim.Limit) string {
	q, b := fmt.Sprint(l.Quota), fmt.Sprint(l.Burst)
	if l.Unit == limitsim.Bytes {
		q, b = units.FormatBytes(l.Quota), units.FormatBytes(l.Burst)
	}
	s := q + "/" + units.FormatDuration(l.Per)
	if l.Kind == limitsim.Bucket || l.Kind == limitsim.Credits {
		s += ", burst " + b
	}
	return s
}

// KeyLimitVerdict is the verdict of one key and limit from its rows (one
// per interpretation), and the interpretations under which it passes.
//
// It is unknown when nothing fails and some interpretation could not be
// judged: a pass must hold under every one.
func KeyLimitVerdict(rows []LimitRow) (Verdict, []string) {
	var known, unknown int
	passing := []string{}
	for _, row := range rows {
		switch row.Verdict {
		case VerdictPass:
			known++
			passing = append(passing, row.Interpretation)
		case VerdictFail:
			known++
		default:
			unknown++
		}
	}
	switch {
	case known == 0:
		return VerdictUnknown, passing
	case len(passing) == 0:
		return VerdictFail, passing
	case len(passing) < known:
		return VerdictPartial, passing
	case unknown > 0:
		return VerdictUnknown, passing
	}
	return VerdictPass, passing
}

// KeyLimitGroups calls f with each run of rows of one profile, key and
// limit, in order.
func KeyLimitGroups(rows []LimitRow, f func(group []LimitRow)) {
	for i := 0; i < len(rows); {
		j := i + 1
		for j < len(rows) && rows[j].Profile == rows[i].Profile && rows[j].Key == rows[i].Key && rows[j].Name == rows[i].Name {
			j++
		}
		f(rows[i:j])
		i = j
	}
}

// summarize sums up one limit of one profile over the keys in rows.
func summarize(profile string, l limitsim.Limit, rows []LimitRow) LimitSummary {
	s := LimitSummary{Profile: profile, Name: l.Name, Limit: LimitSpec(l), PassingInterpretations: []string{}}
	interps := []string{l.Kind.Describe()}
	if alt, ok := l.Alternative(); ok {
		interps = append(interps, alt.Kind.Describe())
	}
	failed := map[string]bool{}
	worst := -1.0
	KeyLimitGroups(rows, func(g []LimitRow) {
		if g[0].Profile != profile || g[0].Name != l.Name {
			return
		}
		s.addKey(g, failed, &worst)
	})
	settleSummary(&s, interps, failed)
	return s
}

// Settle sets the overall verdict from the summaries, the thresholds and
// whether the check was cut short.
func (r *CheckResult) Settle() {
	r.Verdict = settleVerdict(r.compliance(), r.Thresholds, r.Incomplete)
}

// compliance is the verdict of the limits alone: fail when a limit fails
// (or passes under only some interpretations), else unknown when a limit
// could not be judged, else pass.
func (r *CheckResult) compliance() Verdict {
	v := VerdictPass
	for _, s := range r.Summary {
		v = worstVerdict(v, s.Verdict)
	}
	return v
}

// settleSummary sets a limit summary's passing interpretations (those of
// interps no key failed), its verdict and its note.
func settleSummary(s *LimitSummary, interps []string, failed map[string]bool) {
	for _, in := range interps {
		if !failed[in] {
			s.PassingInterpretations = append(s.PassingInterpretations, in)
		}
	}
	switch {
	case s.Keys == 0 && s.KeysUnknown > 0:
		s.Verdict = VerdictUnknown
		s.PassingInterpretations = []string{}
	case len(s.PassingInterpretations) == len(interps):
		s.Verdict = VerdictPass
	case len(s.PassingInterpretations) == 0:
		s.Verdict = VerdictFail
	default:
		s.Verdict = VerdictPartial
	}
	if s.KeysUnknown > 0 {
		// A limit some key of which could not be judged is not a pass.
		if s.Verdict == VerdictPass {
			s.Verdict = VerdictUnknown
		}
		s.Note = fmt.Sprintf("%d of %d keys have records without a size: give sizes (--size-field NAME) or leave the limit out (--exclude-limit %s.%s)",
			s.KeysUnknown, s.Keys+s.KeysUnknown, s.Profile, s.Name)
		if s.coarseKeys == s.KeysUnknown {
			s.Note = fmt.Sprintf("%d of %d keys cannot be judged at the resolution of their times (see the rows' worst case): record finer times or leave the limit out (--exclude-limit %s.%s)",
				s.KeysUnknown, s.Keys+s.KeysUnknown, s.Profile, s.Name)
		}
	}
}

// addKey counts one key's rows of a limit into s: its verdict, the
// interpretations it fails under (into failed), and whether it is the
// worst key so far by documented peak ratio (worst holds that ratio).
func (s *LimitSummary) addKey(g []LimitRow, failed map[string]bool, worst *float64) {
	v, _ := KeyLimitVerdict(g)
	switch v {
	case VerdictUnknown:
		s.KeysUnknown++
		for _, row := range g {
			if row.Verdict == VerdictUnknown && row.WorstCase != 0 {
				s.coarseKeys++
				break
			}
		}
		return
	case VerdictPartial:
		s.KeysPartial++
		s.KeysFailing++
	case VerdictFail:
		s.KeysFailing++
	}
	s.Keys++
	for _, row := range g {
		if row.Verdict == VerdictFail {
			failed[row.Interpretation] = true
		}
		if row.Documented && (row.PeakRatio > *worst || row.PeakRatio == *worst && row.Key < s.WorstKey) {
			*worst, s.WorstKey, s.WorstPeakRatio = row.PeakRatio, row.Key, row.PeakRatio
		}
	}
}

// keptKey is one key's rows and policy rejection for one profile, and how
// bad they are: the largest known peak ratio, documented and alternative.
type keptKey struct {
	key      string
	doc, alt float64
	rows     []LimitRow
	pol      PolicyRejection
}

// worse orders keys as Result does: the largest documented peak ratio
// first, then the largest alternative one, then by key.
func worse(x, y *keptKey) int {
	return cmp.Or(cmp.Compare(y.doc, x.doc), cmp.Compare(y.alt, x.alt), cmp.Compare(x.key, y.key))
}

// keyRows returns one key's rows and policy rejection for profile pi, as
// Result computes them.
func (a *Analyzer) keyRows(pi int, ks *keyState) *keptKey {
	g := a.groups[a.groupOf[pi]]
	k := &keptKey{key: g.label(ks.key), rows: make([]LimitRow, 0, len(g.specs))}
	for si, s := range g.specs {
		if s.profile != pi {
			continue
		}
		peak, worst, rep := a.rowNumbers(g, ks, si)
		row := a.row(s, ks, k.key, peak, rep)
		if a.coarse() {
			judgeAtResolution(&row, s.lim, int64(a.opt.Resolution), worst)
		}
		if row.Verdict != VerdictUnknown {
			if s.documented {
				k.doc = max(k.doc, row.PeakRatio)
			} else {
				k.alt = max(k.alt, row.PeakRatio)
			}
		}
		k.rows = append(k.rows, row)
	}
	pol := ks.policyOf(a.slotOf[pi], doneRow*len(g.specs))
	k.pol = PolicyRejection{Profile: a.profiles[pi].Name, Key: k.key, Records: ks.records, Rejected: pol.rejected}
	if pol.rejected > 0 {
		k.pol.FirstRejected = Timestamp(pol.first)
	}
	if ks.unsized > 0 && a.profiles[pi].HasBytes() {
		k.pol.Note = fmt.Sprintf("%s; they count as 0 bytes, so this is a lower bound", unsizedNote(ks))
	}
	return k
}

// SummarizeRows is the summary of one limit of a result read back,
// counted from its rows as a check counts it: the interpretations come from the rows (or, when no key has a row, from
// the summary it replaces).
func SummarizeRows(prev LimitSummary, rows []LimitRow) LimitSummary {
	s := LimitSummary{Profile: prev.Profile, Name: prev.Name, Limit: prev.Limit, PassingInterpretations: []string{}}
	var interps []string
	failed := map[string]bool{}
	worst := -1.0
	KeyLimitGroups(rows, func(g []LimitRow) {
		if g[0].Profile != prev.Profile || g[0].Name != prev.Name {
			return
		}
		for _, row := range g {
			if !slices.Contains(interps, row.Interpretation) {
				interps = append(interps, row.Interpretation)
			}
		}
		s.addKey(g, failed, &worst)
	})
	if interps == nil {
		interps = slices.Clone(prev.PassingInterpretations)
	}
	settleSummary(&s, interps, failed)
	for _, n := range []string{OneWorkspaceNote, OneEnvironmentNote} {
		if strings.Contains(prev.Note, n) {
			s.Note = joinNote(s.Note, n)
		}
	}
	return s
}
