package report

import (
	"strings"

	"github.com/hooklimit/hooklimit/limitsim"
)

// Arrival is one recorded request, as the check command reads it from a
// traffic file: when it arrived (Unix nanoseconds), the partition key it
// counts against, and the size of its body in bytes when the record has one.
type Arrival struct {
	Time    int64
	Key     string
	Size    int64
	HasSize bool
}

// AnalyzerOptions tunes an Analyzer.
type AnalyzerOptions struct {
	// Key, when not empty, keeps only the arrivals of that partition key;
	// the others are counted in CheckInput.Filtered and otherwise ignored.
	Key string
	// Timeline, when set, also counts a per-second Timeline (records, and
	// what the first profile as documented would admit and reject) into
	// CheckResult.Timeline, for charts.
	Timeline bool
}

// Analyzer answers, for recorded traffic, "would this have been rate
// limited?" for each profile, partition key and limit, under the limit's
// documented interpretation and its alternative (limitsim.Limit.Alternative).
//
// Feed it every arrival with Add, in time order, then call Result. For each
// key, limit and interpretation it computes the peak demand exactly (see
// DESIGN.md section 4: the largest window total, the smallest bucket
// capacity or credit store that admits the trace) and replays the arrivals
// through a limitsim limiter of that interpretation alone, to count what it
// would reject. It also replays each key through the whole profile (all
// limits together, as documented) for the policy-level rejected count.
//
// Memory grows with the number of keys and with what the longest sliding
// window holds, never with the length of the trace. Add does one map lookup
// and no allocation for a key it has seen before.
//
// The check command uses it like this:
//
//	a := report.NewAnalyzer(profiles, report.AnalyzerOptions{Key: key})
//	for each record r {
//		a.Add(report.Arrival{Time: r.Time, Key: r.Key, Size: r.Size, HasSize: r.HasSize})
//	}
//	res := a.Result()
//	res.Input.Files, res.Input.Skipped = files, skipped
//	if err := res.ApplyThresholds(thresholds); err != nil { ... } // exit 2
//	err := res.Write(stdout, format)
//	// exit 1 when res.Verdict is report.VerdictFail
//
// An arrival earlier than the previous one of its key is treated as
// arriving at that previous time, as limitsim does, and counted in
// CheckInput.OutOfOrder. A negative size counts as 0. An Analyzer is not
// safe for concurrent use.
type Analyzer struct {
	profiles []*limitsim.Profile
	opt      AnalyzerOptions
	specs    []rowSpec
	maxSpan  int64 // the longest sliding window, ns; 0 when there is none

	keys  map[string]*keyState
	order []*keyState       // in order of first arrival
	prev  *keyState         // the key of the previous arrival
	dec   limitsim.Decision // reused by every policy decision
	tl    *TimelineBuilder  // nil unless AnalyzerOptions.Timeline

	records, filtered, outOfOrder int64
	first, last                   int64
}

// rowSpec is one limit of one profile under one interpretation.
type rowSpec struct {
	profile    int // index into Analyzer.profiles
	limit      int // index into the profile's Limits
	lim        limitsim.Limit
	documented bool
}

// keyState is everything the Analyzer keeps for one partition key.
type keyState struct {
	key     string
	ring    arrivalRing
	rows    []rowState // one per rowSpec
	parts   []*limitsim.Partition
	policy  []replay // one per profile
	records int64
	unsized int64
	last    int64
}

type rowState struct {
	tr  tracker
	lim limitsim.Limiter // nil for a window row until its first rejection
	replay
}

// replay counts the rejections of a replay.
type replay struct {
	rejected int64
	first    int64 // time of the first rejection
}

func (r *replay) count(admitted bool, t int64) {
	if !admitted {
		if r.rejected == 0 {
			r.first = t
		}
		r.rejected++
	}
}

// NewAnalyzer returns an Analyzer of the given profiles, which must be
// valid (see limitsim.Profile.Validate): an invalid limit panics.
func NewAnalyzer(profiles []*limitsim.Profile, opt AnalyzerOptions) *Analyzer {
	a := &Analyzer{profiles: profiles, opt: opt, keys: make(map[string]*keyState)}
	if opt.Timeline && len(profiles) > 0 {
		a.tl = NewTimelineBuilder(NewProfileSpec(profiles[0]))
	}
	for pi, p := range profiles {
		for li, l := range p.Limits {
			a.addSpec(rowSpec{profile: pi, limit: li, lim: l, documented: true})
			if alt, ok := l.Alternative(); ok {
				a.addSpec(rowSpec{profile: pi, limit: li, lim: alt})
			}
		}
	}
	return a
}

func (a *Analyzer) addSpec(s rowSpec) {
	if err := s.lim.Validate(); err != nil {
		panic("report: NewAnalyzer: limit " + s.lim.Name + ": " + err.Error())
	}
	a.specs = append(a.specs, s)
	if s.lim.Kind == limitsim.Window {
		a.maxSpan = max(a.maxSpan, int64(s.lim.Per))
	}
}

func (a *Analyzer) newKey(key string) *keyState {
	ks := &keyState{
		key:    strings.Clone(key),
		rows:   make([]rowState, len(a.specs)),
		parts:  make([]*limitsim.Partition, len(a.profiles)),
		policy: make([]replay, len(a.profiles)),
	}
	for i, s := range a.specs {
		ks.rows[i].tr = newTracker(s.lim)
		if s.lim.Kind == limitsim.Bucket || s.lim.Kind == limitsim.Credits {
			ks.rows[i].lim = a.newLimiter(i)
		}
	}
	for i, p := range a.profiles {
		ks.parts[i] = p.NewPartition()
	}
	a.keys[ks.key] = ks
	a.order = append(a.order, ks)
	return ks
}

// Add counts one arrival.
func (a *Analyzer) Add(x Arrival) {
	if a.opt.Key != "" && x.Key != a.opt.Key {
		a.filtered++
		return
	}
	ks := a.prev
	if ks == nil || ks.key != x.Key {
		if ks = a.keys[x.Key]; ks == nil {
			ks = a.newKey(x.Key)
		}
		a.prev = ks
	}
	t := x.Time
	if ks.records > 0 && t < ks.last {
		t = ks.last
		a.outOfOrder++
	}
	if a.records == 0 || t < a.first {
		a.first = t
	}
	if a.records == 0 || t > a.last {
		a.last = t
	}
	a.records++
	ks.records++
	ks.last = t
	size := max(0, x.Size)
	if !x.HasSize {
		size = 0
		ks.unsized++
	}
	if a.maxSpan > 0 {
		ks.ring.push(t, size)
	}
	for i := range ks.rows {
		r := &ks.rows[i]
		cost := int64(1)
		if r.tr.bytes {
			cost = size
		}
		r.tr.add(t, cost, &ks.ring)
		if r.lim == nil {
			if r.tr.sum <= r.tr.quota {
				continue // admitted; see lateLimiter
			}
			r.lim = a.lateLimiter(i, ks, t, cost)
		}
		r.count(r.lim.Allow(t, cost), t)
	}
	if a.maxSpan > 0 {
		ks.ring.trim(t - a.maxSpan)
	}
	for i, pt := range ks.parts {
		pt.DecideInto(&a.dec, t, size)
		ks.policy[i].count(a.dec.Admitted, t)
		if i == 0 && a.tl != nil {
			a.tl.Add(t, size, a.dec.Admitted, !a.dec.Admitted)
		}
	}
}

func (a *Analyzer) newLimiter(spec int) limitsim.Limiter {
	s := a.specs[spec]
	return limitsim.NewLimiter(s.lim, a.profiles[s.profile].CountRejected)
}

// lateLimiter returns the limiter that replays a window row, made at the
// row's first rejection. Until then a window's limiter would have admitted
// every arrival, so its state is exactly what the tracker holds: the
// arrivals in the sliding window (still in the key's ring), or the count
// of the current fixed window. Making it only then spares compliant keys
// a second copy of every window.
func (a *Analyzer) lateLimiter(spec int, ks *keyState, t, cost int64) limitsim.Limiter {
	lim := a.newLimiter(spec)
	tr := &ks.rows[spec].tr
	if tr.kind == limitsim.Fixed {
		lim.Take(t, tr.sum-cost, true)
		return lim
	}
	// Replay the window but for this arrival, which is the newest entry's
	// last: an entry of n arrivals is n takes of 1, or one of their bytes.
	r := &ks.ring
	for j := tr.head; j < r.end; j++ {
		at, c := r.times[j&int64(len(r.times)-1)], r.cost(j, tr.bytes)
		if j == r.end-1 {
			c -= cost
		}
		if tr.bytes {
			lim.Take(at, c, true)
			continue
		}
		for ; c > 0; c-- {
			lim.Take(at, 1, true)
		}
	}
	return lim
}
