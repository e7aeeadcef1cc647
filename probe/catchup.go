package probe

import (
	"maps"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
)

// floorWindow is the window a catch-up is bounded by when the profile
// has no sliding window of its length or shorter: a sender that fell
// behind never sends more in a second than the schedule holds in the
// second up to the attempt's due time, or than the profile's shortest
// limit allows a second on average (see newCatchUp).
const floorWindow = time.Second

// catchUpCap is the most late sends a catchUp window keeps apart; at
// first, late sends that left within 1/catchUpCap of the window of the
// first of a run of them are kept as one (see slideWindow.add).
const catchUpCap = 8192

// countBuckets is how many buckets a window's count of sends has: each
// is 1/countBuckets of the window wide (1 ms for 1 s), and a send is
// counted for up to that much longer than the window.
const countBuckets = 1024

// catchUp bounds a sender that fell behind and catches up. An attempt may
// leave as soon as it is due, however late the attempts before it left,
// unless that would break, in some window of a length W that the profile
// measures (or the one-second floor), all three of its clauses: the
// schedule clause, the count clause and the plan clause. An attempt must
// satisfy one of them in every such window.
//
// The schedule clause: the window ending when the attempt leaves holds no
// more sends than the schedule holds in the window of length W that ends
// when the attempt was due. It is one rule per window, and a simple one:
// let k be the last attempt sent that was due at least W before the
// attempt j that is to leave; j may leave at t only if t ≥ sent_k + W.
// The sends in (t−W, t] are then all among the attempts after k up to j,
// which were all due in (due_j − W, due_j]: so for every partition key,
// workspace or any other subset of the attempts, and whatever each one
// costs (bytes too), a window of length W never holds more sends than the
// schedule holds in the window of length W that ends when the last of
// them was due. That holds whichever clause released the attempts after
// k: it rests only on the attempts leaving in the order they were taken.
//
// The count clause: the sends of the whole run (every key, workspace and
// sender together) in (t−W, t], and the attempt, are no more than the
// Quota of the profile's limits of window W (the least of them, when
// several have that window). Every partition's sends are among the
// run's, so no partition's window then holds more than Quota either. The
// sends are counted by when they actually left, in buckets of W/1,024
// (a send counts until its bucket has left the window: an over-count,
// never an under-count), and an attempt leaves no earlier than t, so the
// window ending when it really leaves holds no more than was counted.
// Only limits counted in requests have one: a send's size in bytes is
// known only once its body is rendered, after it left, so a window with
// a limit in bytes keeps the schedule clause alone.
//
// The plan clause: the attempt's own partition (its key, or its
// workspace when the profile's scope adds keys up) has more first
// attempts planned in (due − W, due] than the Quota of the profile's
// limits of window W (the greatest of them, when several have that
// window), counting the attempt when it is a first attempt itself. That
// partition's plan breaks those limits in that window however it is
// timed, so the sends of a stall leave at once, as close to the plan as
// the stall allows; the clause asks nothing of any other partition, whose
// windows are left as the other clauses keep them. Only first attempts
// are counted (a retry is due when the attempt before it was answered,
// which the plan does not say) and only limits in requests have one; the
// one-second floor, which has no limit behind it, takes the plan clause
// of any window's limits (the partition's plan is over some limit's
// quota in that limit's window ending at due). The last Quota+1 due times
// of each partition are kept, up to planCap over the run and planParts
// partitions: a partition beyond them keeps fewer, and the clause then
// fires less often, never wrongly.
//
// So, per window of a limit, a send released by any clause never puts a
// partition's window over Quota when that partition's plan keeps the
// limit: the schedule clause keeps the window within the schedule's own
// count in a window of that length, hence within Quota; the count clause
// keeps the run's count within Quota; the plan clause releases only
// attempts of a partition whose plan is over Quota in a window of that
// length. A schedule that sliding-window limits admit entirely, for a
// partition and a limit, is then admitted entirely when sent, stalls and
// all, but for the timer noise the pacer forgives (its tolerance; see
// pacer): the tool's stalls cannot make a FAIL. So is it under a limit's
// other reading, a fixed window, whose every window is one of length W.
// Where a partition's plan is over a limit, its late attempts leave at
// once (vegeta's catch-up), and the 429s a real target answers them with
// may come a little sooner than the plan alone would meet them; retries,
// and partitions whose plan keeps the limits while the whole run's does
// not, are sent no faster than their schedule in those windows as far as
// the limits are full: there a catch-up is paid again one window later
// (when the schedule's window is as full then as it was, the attempts due
// then wait as long as the caught-up ones did).
//
// Attempts are taken in the order they leave; one due before an attempt
// already sent (a retry queued late) counts as due when that one was.
// For the schedule clause only the attempts that left after their due
// time are kept (when k left on time, t ≥ due_j ≥ sent_k + W already),
// in a ring per window, down to the last one due before the window. Late
// sends that left within a resolution g of each other (a burst) are kept
// as one: the earliest due with the latest send, which holds every
// attempt it bounds at least as long as they would, and at most g longer.
// g starts at W/8192 (122 µs for 1 s) and doubles, the runs kept merged
// again, whenever the ring would hold more than 8,192: memory is bounded
// whatever the rate, as it is for the count (1,024 buckets a window) and
// the plan (planCap due times).
type catchUp struct {
	windows []slideWindow
	counts  []sendCount // counts[i] is windows[i]'s count clause; quota 0 for none
	// per[i] is windows[i]'s length (not widened), and over[i] the quota
	// a partition's plan must exceed in it for the plan clause; 0 for
	// none, -1 for the floor's (see overPlan).
	per, over []int64
	plans     plans // the plan clause's due times per partition
	// who is the attempt earliest and sent are asked about, which the
	// engine sets before it asks the pacer.
	who attemptOf
}

// newCatchUp returns the catch-up bound for the windows of the sliding
// window limits of p, widened by tol (the pacer counts a send at most tol
// before it actually left), or nil when p has a limit of another kind: a
// fixed window, a token bucket or credits count sends in ways (aligned to
// the clock, over every length of time) that a burst after a stall could
// break even when the schedule keeps them, so the pacer then keeps the
// schedule's gaps (Pace).
//
// The one-second floor has no limit behind it: it keeps a catch-up from
// bursting where the profile says nothing of short windows. When p has a
// sliding window of 1 s or less, its limit says what a short window may
// hold and the floor is dropped. Otherwise its count clause lets a second
// hold what the profile's shortest-paced limit in requests allows a
// second on average (the least Quota × 1 s / W, rounded down, at least
// 1): never more than that limit allows over its own window, so the
// floor cannot bring back the echo while the limits have room at their
// average rate.
func newCatchUp(p *limitsim.Profile, tol time.Duration) *catchUp {
	if p == nil {
		return nil
	}
	quota := map[time.Duration]int64{} // the count clause's quota per window; 0 for none
	floor, floorQuota := true, int64(math.MaxInt64)
	for _, l := range p.Limits {
		if l.Kind != limitsim.Window {
			return nil
		}
		floor = floor && l.Per > floorWindow
		q, seen := quota[l.Per]
		switch {
		case l.Unit == limitsim.Bytes:
			q = 0
		case !seen:
			q = l.Quota
		case q > 0:
			q = min(q, l.Quota)
		}
		quota[l.Per] = q
		if l.Unit != limitsim.Bytes {
			hi, lo := bits.Mul64(uint64(l.Quota), uint64(floorWindow))
			if hi < uint64(l.Per) { // else the average is beyond any int64
				perSecond, _ := bits.Div64(hi, lo, uint64(l.Per))
				floorQuota = min(floorQuota, int64(min(perSecond, math.MaxInt64)))
			}
		}
	}
	if floor {
		quota[floorWindow] = 0
		if floorQuota != math.MaxInt64 {
			quota[floorWindow] = max(floorQuota, 1)
		}
	}
	ws := slices.Sorted(maps.Keys(quota))
	c := &catchUp{windows: make([]slideWindow, len(ws)), counts: make([]sendCount, len(ws)), per: make([]int64, len(ws)), over: make([]int64, len(ws))}
	c.plans.aggregate, c.plans.cap, c.plans.most = p.Aggregates(), planCap, planParts
	for i, w := range ws {
		c.windows[i] = slideWindow{w: int64(w + tol), merge: int64(w) / catchUpCap}
		c.counts[i] = newSendCount(int64(w), quota[w], int64(tol))
		c.per[i] = int64(w)
		if q := planQuota(p, w); q > 0 && q < planCap {
			c.over[i] = q
			c.plans.keep = max(c.plans.keep, int(q)+1)
		}
	}
	if floor && c.plans.keep > 0 {
		c.over[slices.Index(ws, floorWindow)] = -1 // any limit's plan clause
	}
	return c
}

// planQuota returns the quota a partition's plan must exceed in a window
// of length w for the plan clause: the greatest quota of p's limits of
// that window, when they all count requests; 0 when one counts bytes (a
// plan's sizes are not known before its bodies are rendered) or none has
// that window (the one-second floor has no limit behind it).
func planQuota(p *limitsim.Profile, w time.Duration) int64 {
	var q int64
	for _, l := range p.Limits {
		if l.Per != w {
			continue
		}
		if l.Unit == limitsim.Bytes {
			return 0
		}
		q = max(q, l.Quota)
	}
	return q
}

// earliest returns the earliest time the attempt c.who, counted as due
// at due, may leave; it is never before due once the caller takes the
// max.
func (c *catchUp) earliest(due int64) int64 {
	t := int64(math.MinInt64)
	var pd *planDues
	for i := range c.windows {
		ti := min(c.windows[i].earliest(due), c.counts[i].earliest())
		if ti > due && c.over[i] != 0 {
			if pd == nil {
				pd = c.plans.of(c.who.key, c.who.ws)
			}
			if c.overPlan(pd, i, due, c.who.first) {
				ti = math.MinInt64
			}
		}
		t = max(t, ti)
	}
	return t
}

// overPlan reports whether the plan clause lets the attempt of pd's
// partition, counted as due at due, leave in windows[i]: the partition's
// plan holds more than the quota of the limits of that window in the one
// ending at due; for the one-second floor, which has no limit behind it,
// more than a limit's quota in the window of that limit ending at due.
func (c *catchUp) overPlan(pd *planDues, i int, due int64, first bool) bool {
	if c.over[i] > 0 {
		return pd.over(c.over[i], due-c.per[i], first)
	}
	for j, q := range c.over {
		if q > 0 && pd.over(q, due-c.per[j], first) {
			return true
		}
	}
	return false
}

// sent records that the attempt c.who, counted as due at due, left at
// actual, which the pacer counts as sent (never before due, at most its
// tolerance before actual); intended is when it was due.
func (c *catchUp) sent(due, intended, sent, actual int64) {
	for i := range c.windows {
		c.windows[i].add(due, sent)
		c.counts[i].add(actual)
	}
	if c.who.first && c.plans.keep > 0 {
		c.plans.add(c.plans.of(c.who.key, c.who.ws), intended)
	}
}

// attemptOf is what the plan clause needs to know of an attempt: the
// partition key and workspace that name its partition, and whether it is
// a delivery's first attempt, due when the plan says, rather than a
// retry.
type attemptOf struct {
	key, ws string
	first   bool
}

// planCap is the most due times the plan clause keeps, over every
// partition (8 MiB), and planParts the most partitions it keeps them for.
// A partition beyond them, or a ring that could not grow, keeps fewer due
// times: the clause then fires less often, never wrongly.
const (
	planCap   = 1 << 20
	planParts = 4096
)

// plans keeps, for each partition, the due times of the last keep first
// attempts taken (the greatest plan quota, plus 1), for the plan clause.
type plans struct {
	keep      int  // due times kept per partition; 0: no plan clause
	aggregate bool // a partition is a workspace (the profile's scope adds up keys)
	held      int  // due times kept over every partition
	cap, most int  // at most cap due times over every partition (planCap), for at most most partitions (planParts)
	parts     map[string]*planDues
	last      string    // the partition looked up last,
	lastDues  *planDues // and its due times, for a run of one partition
}

// planDues is one partition's due times, oldest first, in a ring that
// grows by doubling up to keep; nil (no partition kept) holds none.
type planDues struct {
	ring    []int64
	head, n int
}

// of returns the due times of the partition of key and workspace ws, nil
// when no more partitions can be kept. The partition is the one
// limitsim's PartitionOf names (the workspace when the scope adds keys
// up, else the key), found by the name itself rather than the label
// PartitionOf builds, which would be a string made on every attempt.
func (ps *plans) of(key, ws string) *planDues {
	part := key
	if ps.aggregate {
		part = ws
	}
	if ps.lastDues != nil && part == ps.last {
		return ps.lastDues
	}
	pd := ps.parts[part]
	if pd == nil {
		if len(ps.parts) >= ps.most {
			return nil
		}
		if ps.parts == nil {
			ps.parts = make(map[string]*planDues)
		}
		pd = &planDues{}
		ps.parts[part] = pd
	}
	ps.last, ps.lastDues = part, pd
	return pd
}

// add records that a first attempt of pd's partition was due at due. Due
// times are kept in order: one before the last kept (never, while the
// source is in time order) is left out, an under-count.
func (ps *plans) add(pd *planDues, due int64) {
	if pd == nil || (pd.n > 0 && due < pd.at(pd.n-1)) {
		return
	}
	if pd.n == len(pd.ring) {
		if grown := min(max(2*len(pd.ring), 16), ps.keep); grown > len(pd.ring) && ps.held+grown-len(pd.ring) <= ps.cap {
			ring := make([]int64, grown)
			for i := range pd.n {
				ring[i] = pd.at(i)
			}
			ps.held += grown - len(pd.ring)
			pd.ring, pd.head = ring, 0
		} else if pd.n == 0 {
			return
		} else { // full: the oldest leaves
			pd.head = (pd.head + 1) % len(pd.ring)
			pd.n--
		}
	}
	pd.ring[(pd.head+pd.n)%len(pd.ring)] = due
	pd.n++
}

func (pd *planDues) at(i int) int64 { return pd.ring[(pd.head+i)%len(pd.ring)] }

// over reports whether the partition's plan holds more than quota first
// attempts in the window (edge, due] of the attempt counted as due at due:
// quota of them before it, and it, when it is a first attempt itself;
// quota+1 before it when it is a retry. Every due time kept is at or
// before due, and they are in order, so the quota-th last (or the
// quota+1-th) after edge puts as many in the window.
func (pd *planDues) over(quota, edge int64, first bool) bool {
	if pd == nil {
		return false
	}
	k := int(quota)
	if !first {
		k++
	}
	return pd.n >= k && pd.at(pd.n-k) > edge
}

// sendCount is a window's count clause: the run's sends, by when they
// left, in buckets g wide; a ring keeps the buckets that hold sends, the
// oldest first, as far back as a window can reach.
type sendCount struct {
	w, quota, g int64 // the window, the quota (0: no count clause), the bucket width, ns
	span        int64 // how many buckets a window can reach back
	ring        []sendBucket
	head, n     int   // the oldest bucket kept, and how many are
	total       int64 // the sends in the ring
	// cut is the first bucket (its offset in the ring; -1 for none yet)
	// whose leaving the window makes room for a send: the least with the
	// sends of the buckets up to it more than total − quota; upTo is
	// those sends. It only moves forward: a send adds to the newest
	// bucket, and the buckets that leave the ring leave both sides of the
	// comparison. So a send costs O(1), amortized, however full the
	// window and however far apart the sends.
	cut  int
	upTo int64
}

// sendBucket is the sends that left in [k·g, (k+1)·g).
type sendBucket struct{ k, sends int64 }

// newSendCount returns the count clause of window w and quota (none when
// 0), for a pacer whose attempts leave at most tol before the last send:
// the ring keeps every bucket a window ending then can reach.
func newSendCount(w, quota, tol int64) sendCount {
	if quota <= 0 {
		return sendCount{}
	}
	g := max(w/countBuckets, 1)
	span := (w+tol)/g + 3
	return sendCount{w: w, quota: quota, g: g, span: span, ring: make([]sendBucket, span), cut: -1}
}

func (c *sendCount) at(i int) *sendBucket { return &c.ring[(c.head+i)%len(c.ring)] }

// add counts a send that left at sent. A send before the newest bucket
// (never, while sends come in order) is counted in it: counted longer,
// never shorter. The buckets more than span before the newest leave.
func (c *sendCount) add(sent int64) {
	if c.quota == 0 {
		return
	}
	k := floorDiv(sent, c.g)
	if c.n > 0 {
		k = max(k, c.at(c.n-1).k)
	}
	for c.n > 0 && c.at(0).k <= k-c.span {
		b := c.at(0)
		c.total -= b.sends
		if c.cut >= 0 {
			c.cut--
			c.upTo -= b.sends
		}
		c.head = (c.head + 1) % len(c.ring)
		c.n--
	}
	if c.cut < 0 {
		c.cut, c.upTo = -1, 0
	}
	if c.n == 0 || c.at(c.n-1).k != k {
		*c.at(c.n) = sendBucket{k: k}
		c.n++
	}
	c.at(c.n-1).sends++
	c.total++
	if c.n-1 <= c.cut {
		c.upTo++
	}
}

// earliest returns the earliest t at which one more send keeps the sends
// counted in (t−w, t] within the quota: the end of the window, counted
// from the end of the oldest bucket that must leave it. It is
// math.MinInt64 when the count already has room, math.MaxInt64 when there
// is no count clause. A bucket still in the ring may hold sends before
// t−w: they are counted, an over-count. Those the ring no longer holds
// left before any t the pacer asks about (at least the last send less
// its tolerance) less the window: they are out of it.
func (c *sendCount) earliest() int64 {
	switch {
	case c.quota == 0:
		return math.MaxInt64
	case c.total < c.quota:
		return math.MinInt64
	}
	for c.upTo <= c.total-c.quota { // ends: upTo reaches total at the newest bucket
		c.cut++
		c.upTo += c.at(c.cut).sends
	}
	return (c.at(c.cut).k+1)*c.g + c.w
}

// floorDiv is a / b rounded down, for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// lateSend is a send that left after it was due, or a run of them: the
// earliest due, the first send and the latest send.
type lateSend struct{ due, first, sent int64 }

// slideWindow keeps, for one window, the late sends a later attempt may
// have to wait for: a ring, oldest first.
type slideWindow struct {
	w     int64 // the window, plus the tolerance, ns
	merge int64 // the resolution: late sends this close after the first of a run join it
	ring  []lateSend
	head  int
	n     int
}

func (s *slideWindow) at(i int) *lateSend { return &s.ring[(s.head+i)%len(s.ring)] }

// earliest returns when an attempt due at due may leave as far as this
// window goes: after the last late send due at or before due − w, plus
// the window, if that send left after due − w; otherwise 0.
func (s *slideWindow) earliest(due int64) int64 {
	x := due - s.w
	lo, hi := 0, s.n // the first record due after x
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.at(m).due <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return 0
	}
	if r := s.at(lo - 1); r.sent > x {
		return r.sent + s.w
	}
	return 0
}

// add records a send, and forgets the records no later attempt needs:
// every attempt from now on is due at or after due, so of the records due
// at or before due − w only the last one can still bound one.
func (s *slideWindow) add(due, sent int64) {
	x := due - s.w
	for s.n >= 2 && s.at(1).due <= x {
		s.head = (s.head + 1) % len(s.ring)
		s.n--
	}
	if sent <= due {
		return
	}
	if s.n > 0 {
		if last := s.at(s.n - 1); sent-last.first <= s.merge {
			last.sent = max(last.sent, sent)
			return
		}
	}
	if s.n == len(s.ring) {
		s.grow()
	}
	*s.at(s.n) = lateSend{due, sent, sent}
	s.n++
}

// grow doubles the ring, up to catchUpCap; full at that, it doubles the
// resolution and merges the records again until at most half are left.
func (s *slideWindow) grow() {
	if len(s.ring) < catchUpCap {
		ring := make([]lateSend, min(max(2*len(s.ring), 16), catchUpCap))
		for i := range s.n {
			ring[i] = *s.at(i)
		}
		s.ring, s.head = ring, 0
		return
	}
	for s.n > catchUpCap/2 {
		s.merge = max(2*s.merge, 1)
		n := 0
		for i := range s.n {
			r := *s.at(i)
			if n > 0 {
				if last := s.at(n - 1); r.sent-last.first <= s.merge {
					last.sent = max(last.sent, r.sent)
					continue
				}
			}
			*s.at(n) = r
			n++
		}
		s.n = n
	}
}
