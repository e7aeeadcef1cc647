package limitsim

import (
	"sync"
	"time"

	"github.com/hooklimit/hooklimit/internal/intmath"
)

// LimitStatus is one limit's part in a Decision, as the limit stands after
// the decision was taken.
type LimitStatus struct {
	Limit     *Limit // the limit, owned by the profile
	Cost      int64  // what the request cost against it
	OK        bool   // whether this limit alone would admit the request
	Remaining int64  // units that could still be spent now
	ResetAt   int64  // when the limit is fully restored if nothing more comes (Unix ns)
	RetryAt   int64  // when not OK: the earliest time it would admit (Unix ns), or Never
	Used      int64  // units counted now: Quota - Remaining for windows, Burst - level for buckets
}

// Decision is the simulator's answer to one request.
type Decision struct {
	Admitted bool
	Now      int64 // the time of the request, Unix ns
	// RetryAt is when the request would be admitted if sent again and
	// nothing else arrived: the latest RetryAt of the limits that rejected
	// it. It is 0 for an admitted request and Never when waiting cannot
	// help (the request is larger than a limit).
	RetryAt int64
	// NextAt is, for an admitted request, when the same request sent again
	// would be admitted if nothing else arrived: Now when it would be
	// admitted at once, else the latest time among the limits that would
	// reject it. It is 0 for a rejected request (see RetryAt).
	NextAt int64
	Limits []LimitStatus // one per limit, in the profile's order
}

// RetryAfter returns the Retry-After to send with a rejected request: the
// wait until RetryAt in whole seconds, rounded up, and never less than 1.
// For an admitted request it returns 0; when waiting cannot help it returns
// -1.
func (d *Decision) RetryAfter() int64 {
	switch {
	case d.Admitted:
		return 0
	case d.RetryAt == Never:
		return -1
	}
	return max(1, ceilSeconds(d.RetryAt-d.Now))
}

// NextAfter returns, for an admitted request, the wait until NextAt in
// whole seconds, rounded up: 0 when the same request would be admitted at
// once. It returns -1 for a rejected request.
func (d *Decision) NextAfter() int64 {
	if !d.Admitted {
		return -1
	}
	return ceilSeconds(d.NextAt - d.Now)
}

// Violated returns the first limit that rejected the request, or nil.
func (d *Decision) Violated() *LimitStatus {
	for i := range d.Limits {
		if !d.Limits[i].OK {
			return &d.Limits[i]
		}
	}
	return nil
}

// ceilSeconds converts a non-negative span of nanoseconds to whole seconds,
// rounding up.
func ceilSeconds(ns int64) int64 {
	if ns <= 0 {
		return 0
	}
	return intmath.CeilDiv(ns, int64(time.Second))
}

// SecondsUntil returns the whole seconds from now until t, rounded up, and 0
// when t is not after now. Headers that count down to a reset use it.
func SecondsUntil(now, t int64) int64 { return ceilSeconds(t - now) }

// Partition is the state of every limit of a profile for one partition key
// (one trigger, workspace, tenant or webhook). It is safe for concurrent
// use: decisions on one partition are serialized, so N goroutines together
// are never admitted more than the limits allow. A solo partition
// (NewSoloPartition) is not: it belongs to one goroutine.
type Partition struct {
	mu       sync.Mutex
	solo     bool // used by one goroutine: no lock is taken
	profile  *Profile
	limiters []Limiter
	lastUsed int64
}

func (pt *Partition) lock() {
	if !pt.solo {
		pt.mu.Lock()
	}
}

func (pt *Partition) unlock() {
	if !pt.solo {
		pt.mu.Unlock()
	}
}

// NewPartition returns the empty state of p's limits for one partition.
func (p *Profile) NewPartition() *Partition {
	pt := &Partition{profile: p, limiters: make([]Limiter, len(p.Limits)), lastUsed: MinTime}
	for i, l := range p.Limits {
		pt.limiters[i] = NewLimiter(l, p.CountRejected)
	}
	return pt
}

// NewSoloPartition is NewPartition for one goroutine, which alone decides
// on it (the simulator of a run, in virtual time): its decisions take no
// lock, and it is not safe for concurrent use.
func (p *Profile) NewSoloPartition() *Partition {
	pt := p.NewPartition()
	pt.solo = true
	return pt
}

// Decide decides a request with a body of size bytes arriving at now (Unix
// ns), counts it, and returns the decision. The request is admitted only if
// every limit admits it (AND); then it is counted against all of them.
func (pt *Partition) Decide(now, size int64) Decision {
	d := Decision{Limits: make([]LimitStatus, len(pt.limiters))}
	pt.DecideInto(&d, now, size)
	return d
}

// DecideInto is Decide writing into d, reusing d.Limits so that a caller
// deciding many requests does not allocate.
func (pt *Partition) DecideInto(d *Decision, now, size int64) {
	pt.lock()
	defer pt.unlock()
	if cap(d.Limits) < len(pt.limiters) {
		d.Limits = make([]LimitStatus, len(pt.limiters))
	}
	d.Limits = d.Limits[:len(pt.limiters)]
	now = pt.advance(now)
	d.Now, d.Admitted, d.RetryAt, d.NextAt = now, true, 0, 0
	limits := pt.profile.Limits
	for i, l := range pt.limiters {
		cost := limits[i].CostOf(size)
		ok, retryAt := l.Check(now, cost)
		d.Limits[i] = LimitStatus{Limit: &limits[i], Cost: cost, OK: ok}
		if !ok {
			d.Admitted = false
			d.Limits[i].RetryAt = retryAt
			d.RetryAt = max(d.RetryAt, retryAt)
		}
	}
	for i, l := range pt.limiters {
		l.Take(now, d.Limits[i].Cost, d.Admitted)
		s := &d.Limits[i]
		s.Remaining = l.Remaining(now)
		s.ResetAt = l.ResetAt(now)
		s.Used = limits[i].capacity() - s.Remaining
	}
	if d.Admitted {
		// When would the same request fit again? Each limit, left alone,
		// admits from its own time on, so the policy admits from the latest.
		d.NextAt = now
		for i, l := range pt.limiters {
			if ok, at := l.Check(now, d.Limits[i].Cost); !ok {
				d.NextAt = max(d.NextAt, at)
			}
		}
	}
}

// advance returns the time a request arriving at now is decided at: now,
// or the partition's last time when now is earlier (time never goes back
// within a partition), which then becomes the last time.
func (pt *Partition) advance(now int64) int64 {
	now = max(now, pt.lastUsed)
	pt.lastUsed = now
	return now
}

// Admit decides a request as DecideInto does, with the same effect on the
// partition, and returns only whether it was admitted: what a caller that
// needs no headers wants, at about half the cost. (What DecideInto reads
// after counting the request, at the same time, leaves the limits as they
// are.)
func (pt *Partition) Admit(now, size int64) bool {
	pt.lock()
	defer pt.unlock()
	now = pt.advance(now)
	limits := pt.profile.Limits
	admitted := true
	for i, l := range pt.limiters {
		if ok, _ := l.Check(now, limits[i].CostOf(size)); !ok {
			admitted = false
		}
	}
	for i, l := range pt.limiters {
		l.Take(now, limits[i].CostOf(size), admitted)
	}
	return admitted
}

// DecideShort decides a request as DecideInto does, with the same effect
// on the partition, and sets only d.Admitted, d.Now and d.RetryAt: what a
// caller that answers with a status and a Retry-After alone needs (the
// simulator target of a run), without reading back every limit's
// standing. d.NextAt is set to 0 and d.Limits is left as it is.
func (pt *Partition) DecideShort(d *Decision, now, size int64) {
	pt.lock()
	defer pt.unlock()
	now = pt.advance(now)
	limits := pt.profile.Limits
	admitted, retryAt := true, int64(0)
	for i, l := range pt.limiters {
		if ok, at := l.Check(now, limits[i].CostOf(size)); !ok {
			admitted = false
			retryAt = max(retryAt, at)
		}
	}
	for i, l := range pt.limiters {
		l.Take(now, limits[i].CostOf(size), admitted)
	}
	d.Admitted, d.Now, d.RetryAt, d.NextAt = admitted, now, retryAt, 0
}

// LastUsed returns the time of the partition's latest decision (Unix ns).
func (pt *Partition) LastUsed() int64 {
	pt.lock()
	defer pt.unlock()
	return pt.lastUsed
}

// neverAdmits returns the first limit of p that a request with a body of
// size bytes costs more than it can ever hold, or nil: the limit that
// makes a decision's RetryAt Never.
func (p *Profile) neverAdmits(size int64) *Limit {
	for i := range p.Limits {
		if l := &p.Limits[i]; l.CostOf(size) > l.capacity() {
			return l
		}
	}
	return nil
}

// capacity is the most a limit can hold at once: the window quota, the
// bucket capacity, or a tick's fresh credits plus the store.
func (l *Limit) capacity() int64 {
	switch l.Kind {
	case Bucket:
		return l.Burst
	case Credits:
		return l.Quota + l.Burst
	}
	return l.Quota
}

// Capacity is the most l can admit at once from a fresh start: the window
// quota, the bucket capacity, or a tick's fresh credits plus a full store.
func (l Limit) Capacity() int64 { return l.capacity() }

// Simulator keeps a Partition per key for one profile. It is safe for
// concurrent use.
type Simulator struct {
	profile *Profile
	shards  [64]simShard
}

type simShard struct {
	mu    sync.Mutex
	parts map[string]*Partition
}

// NewSimulator returns a simulator of p with no partitions yet.
func NewSimulator(p *Profile) *Simulator {
	s := &Simulator{profile: p}
	for i := range s.shards {
		s.shards[i].parts = make(map[string]*Partition)
	}
	return s
}

// Profile returns the simulated profile.
func (s *Simulator) Profile() *Profile { return s.profile }

// Partition returns the partition of key, creating it on first use.
func (s *Simulator) Partition(key string) *Partition {
	sh := &s.shards[fnv32(key)%uint32(len(s.shards))]
	sh.mu.Lock()
	pt, ok := sh.parts[key]
	if !ok {
		pt = s.profile.NewPartition()
		sh.parts[key] = pt
	}
	sh.mu.Unlock()
	return pt
}

// Decide decides a request for key with a body of size bytes at now.
func (s *Simulator) Decide(key string, now, size int64) Decision {
	return s.Partition(key).Decide(now, size)
}

// Keys returns how many partitions the simulator holds.
func (s *Simulator) Keys() int {
	n := 0
	for i := range s.shards {
		s.shards[i].mu.Lock()
		n += len(s.shards[i].parts)
		s.shards[i].mu.Unlock()
	}
	return n
}

// Expire forgets the partitions whose last decision was at or before
// idleSince (Unix ns), and returns how many it forgot. A server calls it
// now and then to bound memory under many distinct keys. Forgetting an idle
// partition is exact once every limit has fully reset.
func (s *Simulator) Expire(idleSince int64) int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		for k, pt := range sh.parts {
			if pt.LastUsed() <= idleSince {
				delete(sh.parts, k)
				n++
			}
		}
		sh.mu.Unlock()
	}
	return n
}

func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
