package report

import (
	"maps"

	"github.com/hooklimit/hooklimit/limitsim"
)

// profileAcc sums up keys' rows of one profile without keeping them: the
// summary per limit (as summarize computes it from all rows) and the
// metrics checkMetrics computes.
type profileAcc struct {
	limits         []sumAcc // per limit, in the profile's order
	keysFailing    int
	peak, headroom float64 // over documented rows that are not unknown
	known          bool
}

// sumAcc is summarize, one key at a time.
type sumAcc struct {
	keys, failing, partial, unknown int
	failed                          map[string]bool
	worstKey                        string
	worst                           float64
}

func newProfileAcc(limits int) profileAcc {
	p := profileAcc{limits: make([]sumAcc, limits), headroom: 1}
	for i := range p.limits {
		p.limits[i] = sumAcc{failed: map[string]bool{}, worst: -1}
	}
	return p
}

func (p *profileAcc) clone() profileAcc {
	q := *p
	q.limits = make([]sumAcc, len(p.limits))
	for i, s := range p.limits {
		s.failed = maps.Clone(s.failed)
		q.limits[i] = s
	}
	return q
}

// addKey adds one key's rows (every limit of the profile, in its order).
func (p *profileAcc) addKey(limits []limitsim.Limit, rows []LimitRow) {
	failing := false
	KeyLimitGroups(rows, func(g []LimitRow) {
		li := -1
		for i := range limits {
			if limits[i].Name == g[0].Name {
				li = i
				break
			}
		}
		if li < 0 {
			return
		}
		if p.limits[li].add(g) {
			failing = true
		}
		for _, row := range g {
			if row.Documented && row.Verdict != VerdictUnknown {
				p.peak = max(p.peak, row.PeakRatio)
				p.headroom = min(p.headroom, row.Headroom)
				p.known = true
			}
		}
	})
	if failing {
		p.keysFailing++
	}
}

// add counts one key's rows of the limit, and reports whether the key
// fails it (under some interpretation).
func (s *sumAcc) add(g []LimitRow) bool {
	v, _ := KeyLimitVerdict(g)
	switch v {
	case VerdictUnknown:
		s.unknown++
		return false
	case VerdictPartial:
		s.partial++
		s.failing++
	case VerdictFail:
		s.failing++
	}
	s.keys++
	for _, row := range g {
		if row.Verdict == VerdictFail {
			s.failed[row.Interpretation] = true
		}
		if row.Documented && (row.PeakRatio > s.worst || row.PeakRatio == s.worst && row.Key < s.worstKey) {
			s.worst, s.worstKey = row.PeakRatio, row.Key
		}
	}
	return v == VerdictFail || v == VerdictPartial
}

// summary is summarize's result from the counts.
func (s *sumAcc) summary(profile string, l limitsim.Limit) LimitSummary {
	out := LimitSummary{Profile: profile, Name: l.Name, Limit: LimitSpec(l), PassingInterpretations: []string{},
		Keys: s.keys, KeysFailing: s.failing, KeysPartial: s.partial, KeysUnknown: s.unknown}
	if s.worst >= 0 {
		out.WorstKey, out.WorstPeakRatio = s.worstKey, s.worst
	}
	interps := []string{l.Kind.Describe()}
	if alt, ok := l.Alternative(); ok {
		interps = append(interps, alt.Kind.Describe())
	}
	settleSummary(&out, interps, s.failed)
	return out
}
