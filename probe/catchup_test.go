package probe

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
)

// windowProfile is a profile of sliding-window limits of the given
// windows, for the catch-up tables.
func windowProfile(ws ...time.Duration) *limitsim.Profile {
	p := &limitsim.Profile{Name: "t", Dialect: "none"}
	for i, w := range ws {
		p.Limits = append(p.Limits, limitsim.Limit{Name: fmt.Sprint("w", i), Kind: limitsim.Window, Quota: 10, Per: w})
	}
	return p
}

// bytesProfile is windowProfile with its limits counted in bytes: a
// catch-up bounded by the schedule clause alone (no count clause).
func bytesProfile(ws ...time.Duration) *limitsim.Profile {
	p := windowProfile(ws...)
	for i := range p.Limits {
		p.Limits[i].Unit = limitsim.Bytes
	}
	return p
}

// TestCatchUpBoundary checks the catch-up's schedule clause at its exact
// boundary, on a schedule of one attempt every 100 ms and a window of 1 s
// in bytes (no count clause): the attempt whose send would put into a
// second one send more than the schedule holds in the second up to its
// due time is held, to the instant where the count is equal.
func TestCatchUpBoundary(t *testing.T) {
	type step struct {
		due   int64 // paceMS
		delay int64 // paceMS after the plan it actually left
		plan  int64 // want, paceMS
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"on time: never held", []step{{0, 0, 0}, {100, 0, 100}, {200, 0, 200}, {1000, 0, 1000}, {1100, 0, 1100}}},
		{"after a stall the late attempts leave at once, then on time", []step{
			{0, 250, 0}, {100, 0, 250}, {200, 0, 250}, {300, 0, 300}, {400, 0, 400},
		}},
		{"a second later: held until the burst is out of the window, then on time", []step{
			{0, 250, 0}, {100, 0, 250}, {200, 0, 250}, {300, 0, 300}, {400, 0, 400}, {500, 0, 500}, {600, 0, 600}, {700, 0, 700}, {800, 0, 800}, {900, 0, 900},
			// Due 1000, the schedule holds 10 in (0, 1000]; at 1250 − 1 ns
			// the sends in the second up to it would be 11 with it.
			{1000, 0, 1250}, {1100, 0, 1250}, {1200, 0, 1250},
			// Due 1300: the last attempt due by 300 (due 300) left on time.
			{1300, 0, 1300},
		}},
		{"a spread catch-up: each held until the count equals the schedule's", []step{
			{0, 250, 0}, {100, 10, 250}, {200, 20, 260}, {300, 0, 300}, {400, 0, 400}, {500, 0, 500}, {600, 0, 600}, {700, 0, 700}, {800, 0, 800}, {900, 0, 900},
			{1000, 0, 1250}, {1100, 0, 1260}, {1200, 0, 1280}, {1300, 0, 1300},
		}},
		{"a stall longer than the window", []step{
			{0, 0, 0}, {100, 2500, 100}, {200, 0, 2600}, {300, 0, 2600},
			// Due 1100: the last attempt due by 100 left at 2600. Sent at
			// 2600, the second up to it would hold 4, the schedule's
			// second up to 1100 holds 3.
			{1100, 0, 3600},
			// Due 4500: the last due by 3500 (due 1100) left at 3600.
			{4500, 0, 4600}, {4700, 0, 4700},
		}},
	}
	for _, tt := range tests {
		p := pacer{catchUp: newCatchUp(bytesProfile(time.Second), 0)}
		for i, s := range tt.steps {
			plan := p.next(s.due * paceMS)
			if plan != s.plan*paceMS {
				t.Errorf("%s: step %d (due %d) planned at %v, want %d ms", tt.name, i, s.due, time.Duration(plan), s.plan)
			}
			p.dispatched(s.due*paceMS, plan, plan+s.delay*paceMS)
		}
	}
}

// TestCatchUpHeldToTheNanosecond checks the boundary itself: one
// nanosecond before the planned time the window would hold one send more
// than the schedule, at it exactly as many.
func TestCatchUpHeldToTheNanosecond(t *testing.T) {
	w := int64(time.Second)
	p := pacer{catchUp: newCatchUp(windowProfile(time.Second), 0)}
	var due, sent []int64
	for i, d := range []int64{0, 250, 260, 0, 0, 0, 0, 0, 0, 0} {
		at := int64(i) * 100 * paceMS
		plan := p.next(at)
		p.dispatched(at, plan, plan+d*paceMS)
		due, sent = append(due, at), append(sent, plan+d*paceMS)
	}
	at := 10 * 100 * paceMS
	plan := p.next(at)
	count := func(ts []int64, lo, hi int64) int { // in (lo, hi]
		n := 0
		for _, x := range ts {
			if x > lo && x <= hi {
				n++
			}
		}
		return n
	}
	sched := count(append(slices.Clone(due), at), at-w, at)
	if got := count(sent, plan-w, plan) + 1; got != sched {
		t.Errorf("at the plan %v: %d sends in the window, want the schedule's %d", time.Duration(plan), got, sched)
	}
	if got := count(sent, plan-1-w, plan-1) + 1; got != sched+1 {
		t.Errorf("1 ns before the plan: %d sends in the window, want %d", got, sched+1)
	}
}

// stalled sends the schedule due (sorted) through a pacer with the given
// catch-up, with random stalls: each attempt leaves when planned, after
// the one before it, and now and then up to maxStall later. who[i] is
// attempt i's partition and kind (nil: every one a retry of key "", which
// the plan clause knows nothing of). It returns the actual send times.
func stalled(rng *rand.Rand, c *catchUp, due []int64, who []attemptOf, stallEvery int, maxStall int64) []int64 {
	p := pacer{catchUp: c}
	sent := make([]int64, len(due))
	var prev int64
	for i, d := range due {
		if who != nil {
			p.catchUp.who = who[i]
		}
		plan := p.next(d)
		actual := max(plan, prev)
		if i > 0 && rng.IntN(stallEvery) == 0 {
			actual += 1 + rng.Int64N(maxStall)
		}
		p.dispatched(d, plan, actual)
		sent[i], prev = actual, actual
	}
	return sent
}

// TestCatchUpKeepsEveryBuiltinProfile is the catch-up's promise: for every
// built-in profile whose limits are sliding windows, a random schedule
// that the profile's simulator admits entirely (bursts up to its limits,
// several keys) is admitted entirely when sent with random stalls, some
// longer than the windows, and the catching up after them. Beside them a
// flood partition is sent at about three times its limits: the plan
// clause lets its late attempts leave at once, and that never costs the
// admitted partitions an attempt. A profile with another kind of limit
// gets no catch-up: the pacer keeps the schedule's gaps (Pace;
// TestPacerNeverBursts).
func TestCatchUpKeepsEveryBuiltinProfile(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 16))
	released, plan := 0, 0
	for _, prof := range limitsim.Builtins() {
		c := newCatchUp(prof, 0)
		sliding := !slices.ContainsFunc(prof.Limits, func(l limitsim.Limit) bool { return l.Kind != limitsim.Window })
		if (c != nil) != sliding {
			t.Fatalf("%s: catch-up %v, want it only for sliding windows", prof.Name, c != nil)
		}
		if c == nil {
			continue
		}
		var span time.Duration
		var quota int64
		for _, l := range prof.Limits {
			span, quota = max(span, l.Per), max(quota, l.Quota)
		}
		early, byPlan := 0, 0
		for trial := range 4 {
			keys := 1 + trial%3
			flood := trial%2 == 1
			// Candidates in bursts; the simulator keeps those it admits,
			// but, in a trial with a flood, every other one is the
			// flood's, kept whatever it says.
			sim := limitsim.NewSimulator(prof)
			var due []int64
			var who []attemptOf
			tm := int64(0)
			for range 3 * quota {
				if rng.IntN(3) == 0 {
					tm += rng.Int64N(int64(span) / quota)
				}
				k := fmt.Sprint("k", rng.IntN(keys))
				if flood && rng.IntN(2) == 0 {
					k = "flood"
				}
				if k == "flood" || sim.Decide(k, tm, 512).Admitted {
					// The key names the partition whatever the scope.
					due, who = append(due, tm), append(who, attemptOf{key: k, ws: k, first: true})
				}
			}
			c := newCatchUp(prof, 0)
			sent := stalled(rng, c, due, who, 40, int64(span)/4+int64(time.Second))
			p := byPlanClause(t, prof, due, who, sent)
			early, byPlan = early+byCount(prof, due, sent)-p, byPlan+p
			replay := limitsim.NewSimulator(prof)
			for i, s := range sent {
				if d := replay.Decide(who[i].key, s, 512); !d.Admitted && who[i].key != "flood" {
					t.Fatalf("%s trial %d: attempt %d of %d (key %s, due %v, sent %v later) rejected: the schedule was admitted entirely",
						prof.Name, trial, i, len(sent), who[i].key, time.Duration(due[i]), time.Duration(s-due[i]))
				}
			}
			keptPerLimit(t, prof, due, who, sent)
		}
		t.Logf("%s: %d sends released by the count clause before the schedule clause allowed them, %d of the flood's by the plan clause", prof.Name, early, byPlan)
		released, plan = released+early, plan+byPlan
	}
	if released == 0 {
		t.Error("no send left before the schedule clause allowed it: the count clause was never tried")
	}
	if plan == 0 {
		t.Error("no send of the flood left before the other clauses allowed it: the plan clause was never tried")
	}
}

// keptPerLimit checks each limit of prof alone: a partition whose plan
// (its attempts at their due times) the limit admits entirely, the flood
// too, is admitted entirely when sent, whatever the plan clause did for
// the flood against the other limits.
func keptPerLimit(t *testing.T, prof *limitsim.Profile, due []int64, who []attemptOf, sent []int64) {
	t.Helper()
	for _, l := range prof.Limits {
		one := *prof
		one.Limits = []limitsim.Limit{l}
		plan, replay := limitsim.NewSimulator(&one), limitsim.NewSimulator(&one)
		over := map[string]bool{}
		for i, d := range due {
			if !plan.Decide(who[i].key, d, 512).Admitted {
				over[who[i].key] = true
			}
		}
		for i, s := range sent {
			if k := who[i].key; !replay.Decide(k, s, 512).Admitted && !over[k] {
				t.Fatalf("%s, %s alone: attempt %d of key %s (due %v, sent %v later) rejected; its plan was admitted entirely",
					prof.Name, l.Name, i, k, time.Duration(due[i]), time.Duration(s-due[i]))
			}
		}
	}
}

// byPlanClause returns how many of the sends left before the schedule and
// count clauses alone would have let them (the plan clause released
// them); each such send must be of a partition whose plan is over a
// limit's quota.
func byPlanClause(t *testing.T, prof *limitsim.Profile, due []int64, who []attemptOf, sent []int64) int {
	t.Helper()
	c := newCatchUp(prof, 0)
	n, d := 0, int64(math.MinInt64)
	for i := range sent {
		d = max(d, due[i])
		if i > 0 && sent[i] < c.earliest(d) {
			if who[i].key != "flood" {
				t.Fatalf("%s: attempt %d of key %s left early, its plan within the limits", prof.Name, i, who[i].key)
			}
			n++
		}
		c.sent(d, due[i], sent[i], sent[i])
	}
	return n
}

// byCount returns how many of the sends left before the schedule clause
// alone would have let them (the count clause released them), replaying
// them through a catch-up of prof's windows in bytes (no count clause).
func byCount(prof *limitsim.Profile, due, sent []int64) int {
	bp := *prof
	bp.Limits = slices.Clone(prof.Limits)
	for i := range bp.Limits {
		bp.Limits[i].Unit = limitsim.Bytes
	}
	c := newCatchUp(&bp, 0)
	n, d := 0, int64(math.MinInt64)
	for i := range sent {
		d = max(d, due[i])
		if i > 0 && sent[i] < c.earliest(d) {
			n++
		}
		c.sent(d, due[i], sent[i], sent[i])
	}
	return n
}

// TestCatchUpOverTheLimit checks a schedule far over the profile's
// limits, as a load test at 1,000/s against rewst's 25/s, of attempts the
// plan clause knows nothing of (retries): with stalls and the catching up
// after them, no window of a length the rule keeps holds more sends than
// the schedule holds in the window of that length that ends when the last
// of them was due. (First attempts of such a plan leave at once: see
// TestCatchUpPlanClauseBoundary.)
func TestCatchUpOverTheLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	prof, _ := limitsim.Builtin("rewst")
	for trial := range 20 {
		var due []int64
		tm := int64(0)
		for range 4000 {
			if rng.IntN(4) > 0 {
				tm += rng.Int64N(int64(2 * time.Millisecond))
			}
			due = append(due, tm)
		}
		c := newCatchUp(prof, 0)
		maxStall := int64(30 * time.Millisecond) // stalls shorter than the windows, mostly
		if trial%4 == 0 {
			maxStall = int64(1500 * time.Millisecond) // and some longer
		}
		sent := stalled(rng, c, due, nil, 200, maxStall)
		for _, w := range []int64{int64(time.Second), int64(time.Minute)} {
			for j := range sent {
				if j+1 < len(sent) && sent[j+1] == sent[j] {
					continue // the window ending there is the last one's
				}
				lo, _ := slices.BinarySearch(sent, sent[j]-w+1)
				got := j + 1 - lo
				a, _ := slices.BinarySearch(due, due[j]-w+1)
				b, _ := slices.BinarySearch(due, due[j]+1)
				if got > b-a {
					t.Fatalf("trial %d: %d sends in the %v up to %v, the schedule has %d in the %v up to when the last was due",
						trial, got, time.Duration(w), time.Duration(sent[j]), b-a, time.Duration(w))
				}
			}
		}
	}
}

// TestCatchUpPlanClauseBoundary checks the plan clause at its exact
// boundary, on a window of 1 s with a quota of 10 requests and a plan of
// one attempt every 100 ms, the one due at 100 ms stalled 250 ms: a
// second later the schedule and count clauses hold the attempts due then,
// unless the partition's plan holds 11 first attempts (more than the
// quota) in the second up to when the attempt is due. An attempt of
// another partition, or a retry, does not make the plan over.
func TestCatchUpPlanClauseBoundary(t *testing.T) {
	type step struct {
		due, plan int64 // ms
		key       string
		retry     bool
	}
	steady := func(from, to int64) []step { // first attempts of a every 100 ms, on time
		var s []step
		for d := from; d <= to; d += 100 {
			s = append(s, step{due: d, plan: d})
		}
		return s
	}
	tests := []struct {
		name      string
		workspace bool // the profile's scope adds up keys, each in workspace w
		steps     []step
	}{
		{"at the quota: held (the echo)", false, slices.Concat(
			[]step{{due: 0}, {due: 100, plan: 100}, {due: 200, plan: 350}, {due: 300, plan: 350}},
			steady(400, 1000),
			// (100, 1100] holds 10 due times with this one: the quota.
			[]step{{due: 1100, plan: 1350}, {due: 1200, plan: 1350}})},
		{"one over the quota: leaves when due", false, slices.Concat(
			[]step{{due: 0}, {due: 100, plan: 100}, {due: 200, plan: 350}, {due: 300, plan: 350}},
			steady(400, 1000),
			// (50, 1050] holds 11; so do (100, 1100] and (200, 1200].
			[]step{{due: 1050, plan: 1050}, {due: 1100, plan: 1100}, {due: 1200, plan: 1200}})},
		{"one over, the extra attempt another key's: held", false, slices.Concat(
			[]step{{due: 0}, {due: 100, plan: 100}, {due: 200, plan: 350}, {due: 300, plan: 350}},
			steady(400, 1000),
			// b's leaves when due (its schedule clause: nothing late due
			// by 50 ms); a's second holds 10.
			[]step{{due: 1050, plan: 1050, key: "b"}, {due: 1100, plan: 1350}})},
		{"one over, the extra attempt another key's in one workspace: leaves", true, slices.Concat(
			[]step{{due: 0}, {due: 100, plan: 100}, {due: 200, plan: 350}, {due: 300, plan: 350}},
			steady(400, 1000),
			[]step{{due: 1050, plan: 1050, key: "b"}, {due: 1100, plan: 1100}})},
		{"one over, the extra attempt a retry: held", false, slices.Concat(
			[]step{{due: 0}, {due: 100, plan: 100}, {due: 200, plan: 350}, {due: 300, plan: 350}},
			steady(400, 1000),
			[]step{{due: 1050, plan: 1050, retry: true}, {due: 1100, plan: 1350}})},
		{"a retry when the plan holds 10 besides it: held", false, slices.Concat(
			[]step{{due: 0}, {due: 100, plan: 100}, {due: 200, plan: 350}, {due: 300, plan: 350}},
			steady(400, 1000),
			// (100, 1100] holds 10 first attempts: the retry is the 11th
			// attempt, but not of the plan.
			[]step{{due: 1050, plan: 1050}, {due: 1100, plan: 1350, retry: true}})},
		{"a retry when the plan holds 11 besides it: leaves", false, slices.Concat(
			[]step{{due: 0}, {due: 100, plan: 100}, {due: 200, plan: 350}, {due: 300, plan: 350}},
			steady(400, 1000),
			[]step{{due: 1050, plan: 1050}, {due: 1100, plan: 1100}, {due: 1100, plan: 1100, retry: true}})},
	}
	for _, tt := range tests {
		prof := windowProfile(time.Second)
		if tt.workspace {
			prof.Scope = limitsim.ScopeWorkspace
		}
		p := pacer{catchUp: newCatchUp(prof, 0)}
		for i, s := range tt.steps {
			a := attemptOf{key: cmp.Or(s.key, "a"), first: !s.retry}
			if tt.workspace {
				a.ws = "w"
			}
			p.catchUp.who = a
			plan := p.next(s.due * paceMS)
			if plan != s.plan*paceMS {
				t.Errorf("%s: step %d (due %d ms) planned at %v, want %d ms", tt.name, i, s.due, time.Duration(plan), s.plan)
			}
			actual := plan
			if s.due == 100 {
				actual += 250 * paceMS // the stall
			}
			p.dispatched(s.due*paceMS, plan, actual)
		}
	}
}

// TestCatchUpMemoryBounded runs a minute-window catch-up through 65 s at
// 2,000/s with a stall every 50 ms: the late sends it keeps stay within
// its cap.
func TestCatchUpMemoryBounded(t *testing.T) {
	c := newCatchUp(windowProfile(time.Minute), time.Millisecond)
	p := pacer{tolerance: int64(time.Millisecond), catchUp: c}
	var prev int64
	for i := range int64(130_000) {
		d := i * int64(500*time.Microsecond)
		plan := p.next(d)
		actual := max(plan, prev)
		if i%100 == 0 {
			actual += int64(3 * time.Millisecond)
		}
		p.dispatched(d, plan, actual)
		prev = actual
	}
	for _, w := range c.windows {
		if w.n > catchUpCap || len(w.ring) > catchUpCap {
			t.Errorf("window %v keeps %d late sends in a ring of %d, more than %d", time.Duration(w.w), w.n, len(w.ring), catchUpCap)
		}
	}
}

// TestCatchUpPlanClauseKeepsTheOtherLimits sends a plan that one limit
// admits and another does not (8/s against 10 in any 1 s and 50 in any
// 10 s) with random stalls, some longer than a second: the plan clause
// lets its late attempts leave at once in the 10-second window, never in
// the 1-second one, so every second of the sends still holds at most 10.
func TestCatchUpPlanClauseKeepsTheOtherLimits(t *testing.T) {
	prof := &limitsim.Profile{Name: "t", Dialect: "none", Limits: []limitsim.Limit{
		{Name: "s", Kind: limitsim.Window, Quota: 10, Per: time.Second},
		{Name: "ten", Kind: limitsim.Window, Quota: 50, Per: 10 * time.Second}}}
	second := *prof
	second.Limits = prof.Limits[:1]
	rng := rand.New(rand.NewPCG(11, 12))
	released := 0
	for trial := range 10 {
		var due []int64
		var who []attemptOf
		for i := range int64(400) {
			due, who = append(due, i*int64(125*time.Millisecond)), append(who, attemptOf{key: "flood", first: true})
		}
		sent := stalled(rng, newCatchUp(prof, 0), due, who, 20, int64(2*time.Second))
		released += byPlanClause(t, prof, due, who, sent)
		sim := limitsim.NewSimulator(&second)
		for i, at := range sent {
			if !sim.Decide("flood", at, 1).Admitted {
				t.Fatalf("trial %d: attempt %d (due %v, sent %v later) rejected by the 1-second limit, which the plan keeps",
					trial, i, time.Duration(due[i]), time.Duration(at-due[i]))
			}
		}
	}
	if released == 0 {
		t.Error("the plan clause released nothing: the test does not reach it")
	}
}

// TestCatchUpPlanMemoryBounded gives the plan clause more partitions
// than it keeps and rings that would outgrow its cap (lowered for the
// test to 4,096 due times and 64 partitions; newCatchUp sets planCap and
// planParts): the due times it keeps stay within the cap, the partitions
// within theirs, and a partition whose ring stopped growing never lets an
// attempt leave early (its ring holds fewer than the quota).
func TestCatchUpPlanMemoryBounded(t *testing.T) {
	prof := &limitsim.Profile{Name: "t", Dialect: "none", Limits: []limitsim.Limit{
		{Name: "m", Kind: limitsim.Window, Quota: 1000, Per: time.Minute}}}
	c := newCatchUp(prof, 0)
	if c.plans.keep != 1001 || c.plans.cap != planCap || c.plans.most != planParts {
		t.Fatalf("keeps %d due times a partition, at most %d, %d partitions; want 1001, %d, %d",
			c.plans.keep, c.plans.cap, c.plans.most, planCap, planParts)
	}
	c.plans.cap, c.plans.most = 4096, 64
	for part := range 80 {
		key := fmt.Sprint("k", part)
		n := 16
		if part < 8 {
			n = 1000 // the first few fill their rings: the cap is reached
		}
		for i := range n {
			c.who = attemptOf{key: key, first: true}
			c.sent(int64(i), int64(i), int64(i), int64(i))
		}
	}
	held := 0
	for _, pd := range c.plans.parts {
		held += len(pd.ring)
	}
	if held != c.plans.held || held > 4096 {
		t.Errorf("rings of %d due times (counted %d), the cap 4096", held, c.plans.held)
	}
	if len(c.plans.parts) != 64 {
		t.Errorf("%d partitions kept, want the most, 64", len(c.plans.parts))
	}
	if c.plans.of("k79", "") != nil {
		t.Error("a partition beyond the most kept was given due times")
	}
	k7 := c.plans.of("k7", "")
	if k7.n >= 1000 {
		t.Fatalf("k7's ring holds %d due times; the cap should have stopped it below 1,000", k7.n)
	}
	if k7.over(1000, -1, true) {
		t.Error("k7's plan reported over its quota from a ring holding fewer")
	}
	if k0 := c.plans.of("k0", ""); !k0.over(1000, -1, true) || k0.over(1000, -1, false) {
		t.Error("k0's ring of 1,000 due times, all in the window: a first attempt more is over 1,000, a retry is not")
	}
}

// TestCatchUpSteadyLateness checks that a sender late by the same amount
// at every send, 10,000/s (closer together than the resolution of the
// 1-second window) for 3 s, is never held beyond its lateness and the
// resolution: runs of late sends kept as one do not add up.
func TestCatchUpSteadyLateness(t *testing.T) {
	const late = 2 * time.Millisecond
	c := newCatchUp(windowProfile(time.Second, time.Minute), time.Millisecond)
	p := pacer{tolerance: int64(time.Millisecond), catchUp: c}
	var prev int64
	for i := range int64(30_000) {
		d := i * int64(100*time.Microsecond)
		plan := p.next(d)
		if plan-d > int64(late)+int64(time.Second)/catchUpCap {
			t.Fatalf("attempt %d due at %v planned %v late", i, time.Duration(d), time.Duration(plan-d))
		}
		actual := max(plan, prev, d+int64(late))
		p.dispatched(d, plan, actual)
		prev = actual
	}
}

// TestCatchUpMergedRecordsHoldAtLeastAsLong fills a window's ring past its
// cap with late sends each after the resolution of the one before, so
// that it merges them, and checks every bound against the exact one (the
// last late send due at or before the attempt's due time less the
// window): never earlier, at most the final resolution later.
func TestCatchUpMergedRecordsHoldAtLeastAsLong(t *testing.T) {
	w := int64(time.Second)
	s := slideWindow{w: w, merge: w / catchUpCap}
	var dues, sents []int64
	for i := range int64(3 * catchUpCap) {
		due := i * (w / catchUpCap) / 2 // 3 cap records due within 1.5 windows
		sent := due + int64(time.Millisecond) + i*(w/catchUpCap)
		dues, sents = append(dues, due), append(sents, sent)
		s.add(due, sent)
		if s.n > catchUpCap {
			t.Fatalf("%d records kept, more than %d", s.n, catchUpCap)
		}
	}
	if s.merge == w/catchUpCap {
		t.Fatal("the ring never merged: the test does not reach the cap")
	}
	last := dues[len(dues)-1]
	for q := last; q < last+w; q += w / 1000 {
		x := q - w
		k, _ := slices.BinarySearch(dues, x+1)
		var exact int64
		if k > 0 && sents[k-1] > x {
			exact = sents[k-1] + w
		}
		got := s.earliest(q)
		if got < exact || got > max(exact, q)+s.merge {
			t.Fatalf("due %v: bound %v, exact %v, resolution %v", time.Duration(q), time.Duration(got), time.Duration(exact), time.Duration(s.merge))
		}
	}
}

// TestCatchUpCountClauseBoundary checks the count clause at its boundary,
// on a window of 1,024 ms (buckets of exactly 1 ms) with a quota of 5
// requests: an attempt whose send keeps the run's count in the window at
// Quota leaves when due, though the schedule clause alone would hold it
// until the burst before it is a window old; the one that would make it
// Quota + 1 is held until the oldest bucket that must leave the window
// has (the end of the bucket: at most 1 ms after the exact instant), or
// until the schedule clause allows it, whichever comes first.
func TestCatchUpCountClauseBoundary(t *testing.T) {
	prof := &limitsim.Profile{Name: "t", Dialect: "none", Limits: []limitsim.Limit{
		{Name: "w", Kind: limitsim.Window, Quota: 5, Per: 1024 * time.Millisecond},
		{Name: "s", Kind: limitsim.Window, Quota: 1000, Per: time.Second}}} // room: no floor, no hold
	steps := []struct {
		due, delay, plan int64 // ms
	}{
		{0, 400, 0}, {10, 0, 400}, {20, 200, 400}, // a stall of 400 ms, then one of 200 ms
		// The sends in (6, 1030]: 400, 400, 600, and this one: 4.
		{1030, 0, 1030},
		// 5: Quota.
		{1040, 0, 1040},
		// 6 until the two sends at 400 ms are out: exactly at 1,424 ms,
		// counted at the end of their bucket, 1,425. The schedule clause
		// would wait for the send at 600 ms (due 20): 1,624.
		{1050, 0, 1425},
		// At 1,425 the window holds 600, 1030, 1040, 1425 and this one: 5.
		{1060, 0, 1425},
		// 6 until the send at 600 is out (1,625 by the count); the
		// schedule clause allows it first: the last due by 46 ms (due 20)
		// left at 600.
		{1070, 0, 1624},
	}
	p := pacer{catchUp: newCatchUp(prof, 0)}
	sim := limitsim.NewSimulator(prof)
	for i, s := range steps {
		plan := p.next(s.due * paceMS)
		if plan != s.plan*paceMS {
			t.Errorf("step %d (due %d ms) planned at %v, want %d ms", i, s.due, time.Duration(plan), s.plan)
		}
		actual := plan + s.delay*paceMS
		p.dispatched(s.due*paceMS, plan, actual)
		if !sim.Decide("k", actual, 1).Admitted {
			t.Errorf("step %d (due %d ms) sent at %v: rejected", i, s.due, time.Duration(actual))
		}
	}
}

// TestCatchUpFloor checks what the one-second floor becomes: dropped when
// the profile has a sliding window of 1 s or less; otherwise a count
// clause of the least quota a second the profile's limits in requests
// allow on average (rounded down, at least 1), or the schedule clause
// alone when every limit is in bytes.
func TestCatchUpFloor(t *testing.T) {
	lim := func(q int64, per time.Duration, u limitsim.Unit) limitsim.Limit {
		return limitsim.Limit{Name: fmt.Sprint(q, per), Kind: limitsim.Window, Quota: q, Per: per, Unit: u}
	}
	type win struct {
		w     time.Duration
		quota int64
	}
	tests := []struct {
		name   string
		limits []limitsim.Limit
		want   []win
	}{
		{"a window of 1 s: no floor", []limitsim.Limit{lim(25, time.Second, ""), lim(1000, time.Minute, "")},
			[]win{{time.Second, 25}, {time.Minute, 1000}}},
		{"a window under 1 s: no floor", []limitsim.Limit{lim(5, 100*time.Millisecond, "")},
			[]win{{100 * time.Millisecond, 5}}},
		{"a minute: 2 a second on average", []limitsim.Limit{lim(179, time.Minute, "")},
			[]win{{time.Second, 2}, {time.Minute, 179}}},
		{"the least average of two", []limitsim.Limit{lim(600, time.Minute, ""), lim(3600, time.Hour, "")},
			[]win{{time.Second, 1}, {time.Minute, 600}, {time.Hour, 3600}}},
		{"under 1 a second: 1", []limitsim.Limit{lim(500, 10*time.Minute, "")},
			[]win{{time.Second, 1}, {10 * time.Minute, 500}}},
		{"bytes: the schedule clause alone", []limitsim.Limit{lim(1<<20, time.Minute, limitsim.Bytes)},
			[]win{{time.Second, 0}, {time.Minute, 0}}},
		{"bytes and requests of one window: the schedule clause alone there", []limitsim.Limit{lim(1<<20, time.Minute, limitsim.Bytes), lim(120, time.Minute, "")},
			[]win{{time.Second, 2}, {time.Minute, 0}}},
		{"two quotas of one window: the least", []limitsim.Limit{lim(30, time.Second, ""), lim(20, time.Second, "")},
			[]win{{time.Second, 20}}},
	}
	for _, tt := range tests {
		c := newCatchUp(&limitsim.Profile{Name: "t", Dialect: "none", Limits: tt.limits}, 0)
		var got []win
		for i := range c.windows {
			got = append(got, win{time.Duration(c.windows[i].w), c.counts[i].quota})
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: windows %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestSendCountAgainstTheExactCount checks the count clause's buckets
// against the exact count over random sends in order (bursts, gaps longer
// than the window, sends a bucket apart): as the pacer uses it (never
// before the last send less the tolerance), the time it gives is never
// before the exact one, where the sends in the window with one more are
// exactly the quota, and at most one bucket after it.
func TestSendCountAgainstTheExactCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	const w, tol = int64(time.Second), int64(time.Millisecond)
	for trial := range 20 {
		quota := 1 + rng.Int64N(40)
		c := newSendCount(w, quota, tol)
		var sent []int64
		at := int64(trial) * 12345
		for range 3000 {
			switch rng.IntN(10) {
			case 0:
				at += rng.Int64N(3 * w) // often longer than the window
			case 1, 2:
				at += rng.Int64N(c.g * 3)
			case 3:
			default:
				at += rng.Int64N(w / quota * 2)
			}
			sent = append(sent, at)
			c.add(at)
			floor := at - tol
			exact := floor
			if m := int64(len(sent)); m >= quota {
				exact = max(exact, sent[m-quota]+w)
			}
			got := max(c.earliest(), floor)
			if got < exact || got > exact+c.g {
				t.Fatalf("trial %d, quota %d, %d sends, the last at %v: earliest %v, exact %v (bucket %v)",
					trial, quota, len(sent), time.Duration(at), time.Duration(got), time.Duration(exact), time.Duration(c.g))
			}
		}
	}
}
