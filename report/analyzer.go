package report

import (
	"slices"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// AnalyzerOptions tunes an Analyzer.
type AnalyzerOptions struct {
	// Key, when not empty, keeps only the arrivals of that partition key;
	// the others are counted in CheckInput.Filtered and otherwise ignored.
	Key string
	// Timeline, when set, also counts a per-second Timeline (records, and
	// what the first profile as documented would admit and reject) into
	// CheckResult.Timeline, for charts.
	Timeline bool
	// Resolution, when positive, is the resolution recorded times may
	// have (check sets one second): when every arrival's time is a
	// multiple of it, rows are judged as the resolution allows (see
	// judgeAtResolution), with their worst case.
	Resolution time.Duration
	// Sorted promises that arrivals come in time order across keys, as
	// the check command's readers deliver them. The Analyzer then keeps
	// only the final numbers of a key whose every limit, interpretation
	// and peak has fully reset (see compact), so that memory grows with
	// the keys active within the longest limit, not with every key seen.
	// An arrival earlier than a key's compaction counts as arriving then.
	Sorted bool
}

// Analyzer answers, for recorded traffic, "would this have been rate
// limited?" for each profile, partition and limit, under the limit's
// documented interpretation and its alternative (limitsim.Limit.Alternative).
//
// A partition is what shares one limiter under the profile's scope
// (limitsim.Profile.PartitionOf): the partition key for a per-key scope
// (trigger, webhook, tenant, database), or the workspace, every key of it
// together, for a workspace-scoped profile. Each profile partitions the
// same arrivals by its own scope; rows name the partition ("trig-a",
// "workspace acme", "workspace (all traffic)"). In what follows, "key"
// means a partition.
//
// Feed it every arrival with Add, in time order, then call Result. For each
// key, limit and interpretation it computes the peak demand exactly (the
// largest total in any window of the limit's length, sliding or aligned;
// for a bucket or credits, the smallest capacity or store that admits the
// trace at the limit's rate) and replays the arrivals
// through a limitsim limiter of that interpretation alone, to count what it
// would reject. It also replays each key through the whole profile (all
// limits together, as documented) for the policy-level rejected count.
//
// Memory grows with the number of partitions and with what the longest
// sliding window holds, never with the length of the trace. Add does one
// map lookup per scope (per-key, workspace) and no allocation for a
// partition it has seen before.
//
// The check command uses it like this:
//
//	a := report.NewAnalyzer(profiles, report.AnalyzerOptions{Key: key})
//	for each record r (a scenarios.Record) {
//		a.Add(r)
//	}
//	res := a.Result()
//	res.Input.Files, res.Input.Skipped = files, skipped
//	if err := res.ApplyThresholds(thresholds); err != nil { ... } // exit 2
//	err := render.Write(stdout, res, format)
//	// exit 1 when res.Verdict is report.VerdictFail
//
// An arrival earlier than the previous one of its key is treated as
// arriving at that previous time, as limitsim does, and counted in
// CheckInput.OutOfOrder. A negative size counts as 0. An Analyzer is not
// safe for concurrent use.
type Analyzer struct {
	profiles []*limitsim.Profile
	opt      AnalyzerOptions
	groups   []*partGroup
	groupOf  []int            // per profile: the index of its group
	slotOf   []int            // per profile: its index in the group's profiles
	tl       *TimelineBuilder // nil unless AnalyzerOptions.Timeline

	records, filtered, outOfOrder int64
	first, last                   int64
	named                         bool // some arrival named a workspace
	offGrid                       bool // some arrival's time is not a multiple of opt.Resolution

	// given says the policy decision of the one profile comes with each
	// arrival (addDecided), taken by the simulator of that very profile,
	// instead of being replayed here: see RunCollector.shareDecisions.
	// admitted is the decision of the arrival being added.
	given, admitted bool
	// noAgain, set by tests, has every row's limiter decide every
	// arrival (see rowState.allow).
	noAgain bool
}

// partGroup is the profiles that partition arrivals alike (every per-key
// profile, every workspace-scoped one, or every environment-scoped one)
// and their partitions.
type partGroup struct {
	aggregate bool                 // partitions are workspaces (or environments)
	rep       *limitsim.Profile    // the group's first profile, whose scope it shares
	profiles  []int                // indexes into Analyzer.profiles
	specs     []rowSpec            // the rows of its profiles
	maxSpan   int64                // the longest sliding window, ns; 0 when there is none
	horizon   int64                // ns a key must be idle before compact may forget its state
	swept     int64                // when compact last ran
	keys      map[string]*keyState // by rawOf
	order     []*keyState          // in order of first arrival
	prev      *keyState            // the partition of the previous arrival
}

// rawOf returns what identifies x's partition in g: the key, or the
// workspace when g adds up workspaces.
func (g *partGroup) rawOf(x *scenarios.Record) string {
	if g.aggregate {
		return x.Workspace
	}
	return x.Key
}

// label names the partition raw (see rawOf) as reports show it:
// limitsim.Profile.PartitionOf.
func (g *partGroup) label(raw string) string {
	if g.aggregate {
		return g.rep.PartitionOf("", raw)
	}
	return g.rep.PartitionOf(raw, "")
}

// rowSpec is one limit of one profile under one interpretation.
type rowSpec struct {
	profile    int // index into Analyzer.profiles
	limit      int // index into the profile's Limits
	lim        limitsim.Limit
	documented bool
	spec       string // LimitSpec of the documented limit
	worst      bool   // whether the row follows its worst case at opt.Resolution
	again      bool   // the profile counts no rejected request (see rowState.allow)
}

// keyState is everything the Analyzer keeps for one partition: its
// counts, the live state of its limits (nil once compacted), and the
// final numbers of what came before its last compaction (nil until one).
type keyState struct {
	key     string // the partition's rawOf: a key, or a workspace
	records int64
	unsized int64
	last    int64
	live    *liveState
	done    []int64 // see doneOf
}

// liveState is the state of one partition's trackers and limiters.
type liveState struct {
	ring   arrivalRing
	rows   []rowState // one per rowSpec of its group
	parts  []*limitsim.Partition
	policy []replay    // one per profile of its group
	worst  []worstCase // one per rowSpec of its group when opt.Resolution is set, else nil
}

type rowState struct {
	tr  tracker
	lim limitsim.Limiter // nil for a window row until its first rejection
	replay
	// rejected says lim's last request, of cost rejCost at rejAt, was
	// rejected by a profile that counts no rejected request.
	rejected       bool
	rejAt, rejCost int64
}

// allow is lim.Allow(t, cost), but for a request of the cost lim rejected
// last, at the same time, when the profile counts no rejected request
// (again): that rejection took nothing, and a Check at the time the
// limiter last saw changes nothing more, so the answer is the same. A
// retry storm's burst at one instant is decided once a row. t is never
// earlier than the time before it (addTo); noAgain, set by tests, asks
// the limiter every time.
func (r *rowState) allow(t, cost int64, again, noAgain bool) bool {
	if r.rejected && t == r.rejAt && cost == r.rejCost && !noAgain {
		return false
	}
	ok := r.lim.Allow(t, cost)
	r.rejected, r.rejAt, r.rejCost = again && !ok, t, cost
	return ok
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
	a := &Analyzer{profiles: profiles, opt: opt}
	if opt.Timeline && len(profiles) > 0 {
		a.tl = NewTimelineBuilder(NewProfileSpec(profiles[0]))
	}
	res := int64(opt.Resolution)
	for pi, p := range profiles {
		gi := slices.IndexFunc(a.groups, func(g *partGroup) bool {
			return g.aggregate == p.Aggregates() && (!g.aggregate || g.rep.Scope == p.Scope)
		})
		if gi < 0 {
			gi = len(a.groups)
			a.groups = append(a.groups, &partGroup{aggregate: p.Aggregates(), rep: p, keys: make(map[string]*keyState)})
		}
		g := a.groups[gi]
		a.groupOf = append(a.groupOf, gi)
		a.slotOf = append(a.slotOf, len(g.profiles))
		g.profiles = append(g.profiles, pi)
		for li, l := range p.Limits {
			spec := LimitSpec(l)
			g.addSpec(rowSpec{profile: pi, limit: li, lim: l, documented: true, spec: spec, again: !p.CountRejected}, res)
			if alt, ok := l.Alternative(); ok {
				g.addSpec(rowSpec{profile: pi, limit: li, lim: alt, spec: spec, again: !p.CountRejected}, res)
			}
		}
	}
	for _, g := range a.groups {
		a.setHorizon(g, res)
	}
	return a
}

// addSpec adds a row to g; res is AnalyzerOptions.Resolution in ns.
func (g *partGroup) addSpec(s rowSpec, res int64) {
	if err := s.lim.Validate(); err != nil {
		panic("report: NewAnalyzer: limit " + s.lim.Name + ": " + err.Error())
	}
	s.worst = followsWorstCase(s.lim, res)
	g.specs = append(g.specs, s)
	if s.lim.Kind == limitsim.Window {
		g.maxSpan = max(g.maxSpan, int64(s.lim.Per))
	}
	if w, ok := wideLimit(s.lim, res); ok {
		g.maxSpan = max(g.maxSpan, int64(w.Per))
	}
}

func (a *Analyzer) newKey(g *partGroup, key string) *keyState {
	ks := &keyState{key: strings.Clone(key)}
	g.keys[ks.key] = ks
	g.order = append(g.order, ks)
	return ks
}

// newLive returns the fresh state of a partition of g.
func (a *Analyzer) newLive(g *partGroup) *liveState {
	ls := &liveState{
		rows:   make([]rowState, len(g.specs)),
		parts:  make([]*limitsim.Partition, len(g.profiles)),
		policy: make([]replay, len(g.profiles)),
	}
	for i, s := range g.specs {
		ls.rows[i].tr = newTracker(s.lim)
		if s.worst {
			if ls.worst == nil {
				ls.worst = make([]worstCase, len(g.specs))
			}
			ls.worst[i] = newWorstCase(s.lim, int64(a.opt.Resolution))
		}
		if s.lim.Kind == limitsim.Bucket || s.lim.Kind == limitsim.Credits {
			ls.rows[i].lim = a.newLimiter(s)
		}
	}
	if !a.given {
		for i, pi := range g.profiles {
			ls.parts[i] = a.profiles[pi].NewSoloPartition() // the Analyzer is one goroutine's: no lock
		}
	}
	return ls
}

// partitions returns how many partitions the Analyzer holds: the most of
// any of its scopes.
func (a *Analyzer) partitions() int {
	n := 0
	for _, g := range a.groups {
		n = max(n, len(g.order))
	}
	return n
}

// Add counts one arrival: a request recorded at x.Time (Unix nanoseconds),
// counted against partition key x.Key in workspace x.Workspace ("" when
// the traffic names none: all of it is one workspace), with a body of
// x.Size bytes when x.HasSize. x.Line is not used.
func (a *Analyzer) Add(x scenarios.Record) { a.add(&x) }

// add is Add, x passed by reference.
func (a *Analyzer) add(x *scenarios.Record) {
	if a.opt.Key != "" && x.Key != a.opt.Key {
		a.filtered++
		return
	}
	a.named = a.named || x.Workspace != ""
	if res := int64(a.opt.Resolution); res > 0 && x.Time%res != 0 {
		a.offGrid = true
	}
	size := max(0, x.Size)
	late := false
	for gi, g := range a.groups {
		t := a.addTo(g, x, size)
		late = late || t != x.Time
		if gi == 0 {
			if a.records == 0 || t < a.first {
				a.first = t
			}
			if a.records == 0 || t > a.last {
				a.last = t
			}
		}
	}
	if late {
		a.outOfOrder++
	}
	a.records++
}

// addDecided is Add for an Analyzer whose policy decisions are given:
// admitted is what the simulator of its one profile decided for x.
func (a *Analyzer) addDecided(x *scenarios.Record, admitted bool) {
	a.admitted = admitted
	a.add(x)
}

// addTo counts x into its partition of g, and returns the time it was
// counted at: x.Time, or the partition's previous time when x is earlier.
func (a *Analyzer) addTo(g *partGroup, x *scenarios.Record, size int64) int64 {
	a.maybeCompact(g, x.Time)
	raw := g.rawOf(x)
	ks := g.prev
	if ks == nil || ks.key != raw {
		if ks = g.keys[raw]; ks == nil {
			ks = a.newKey(g, raw)
		}
		g.prev = ks
	}
	t := x.Time
	if ks.records > 0 && t < ks.last {
		t = ks.last
	}
	if ks.live == nil {
		if ks.done != nil {
			t = max(t, g.swept) // after its compaction, not before
		}
		ks.live = a.newLive(g)
	}
	ks.records++
	ks.last = t
	if !x.HasSize {
		size = 0
		ks.unsized++
	}
	ls := ks.live
	if g.maxSpan > 0 {
		ls.ring.push(t, size)
	}
	for i := range ls.rows {
		r := &ls.rows[i]
		cost := int64(1)
		if r.tr.bytes {
			cost = size
		}
		r.tr.add(t, cost, &ls.ring)
		if g.specs[i].worst && !a.offGrid {
			ls.worst[i].add(t, cost, &ls.ring) // moot once a time is off the grid
		}
		if r.lim == nil {
			if r.tr.sum <= r.tr.quota {
				continue // admitted; see lateLimiter
			}
			r.lim = a.lateLimiter(g.specs[i], &r.tr, &ls.ring, t, cost)
		}
		r.count(r.allow(t, cost, g.specs[i].again, a.noAgain), t)
	}
	if g.maxSpan > 0 {
		ls.ring.trim(t - g.maxSpan)
	}
	for i, pt := range ls.parts {
		ok := a.admitted
		if !a.given {
			ok = pt.Admit(t, size)
		}
		ls.policy[i].count(ok, t)
		if g.profiles[i] == 0 && a.tl != nil {
			a.tl.Add(t, size, ok, !ok)
		}
	}
	return t
}

// coarse reports whether every arrival so far is on the grid of
// opt.Resolution, so that rows are judged as that resolution allows.
func (a *Analyzer) coarse() bool {
	return a.opt.Resolution > 0 && a.records > 0 && !a.offGrid
}

func (a *Analyzer) newLimiter(s rowSpec) limitsim.Limiter {
	return limitsim.NewLimiter(s.lim, a.profiles[s.profile].CountRejected)
}

// lateLimiter returns the limiter that replays a window row, made at the
// row's first rejection. Until then a window's limiter would have admitted
// every arrival, so its state is exactly what the tracker holds: the
// arrivals in the sliding window (still in the key's ring), or the count
// of the current fixed window. Making it only then spares compliant keys
// a second copy of every window.
func (a *Analyzer) lateLimiter(spec rowSpec, tr *tracker, r *arrivalRing, t, cost int64) limitsim.Limiter {
	lim := a.newLimiter(spec)
	if tr.kind == limitsim.Fixed {
		lim.Take(t, tr.sum-cost, true)
		return lim
	}
	// Replay the window but for this arrival, which is the newest entry's
	// last: an entry of n arrivals is n takes of 1, or one of their bytes.
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
