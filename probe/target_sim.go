package probe

import (
	"errors"
	"net/http"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
)

// SimTarget is the in-process simulator of a profile, in virtual time: no
// clock is read and nothing sleeps, so a day of traffic runs in seconds
// and the same source, policy and seed give the same attempts, byte for
// byte.
//
// Each attempt is decided by the simulator at the time it is sent,
// against the partition its key and workspace count against under the
// profile's scope (limitsim.Profile.PartitionOf): a workspace-scoped
// profile adds up every key of a workspace. An admitted attempt gets a
// 200; one the profile can never admit (too large) a 413; any other
// rejection a 429 carrying the Retry-After the profile's dialect would
// send (none for dialects that document none). Its response arrives
// Latency after it was sent, and the Engine counts the retry's delay from
// then. The run's clock is the source's own time, and the Engine checks
// for cancellation once every 4,096 attempts. Retries are made for as
// long as the policy asks for them: the simulator has no drain.
type SimTarget struct {
	Profile *limitsim.Profile // the limits to simulate; required
	Latency time.Duration     // virtual round trip of every attempt (default 0)
	// SendsRetryAfter, when not nil, is Profile.SendsRetryAfter(), which
	// a caller running many simulations of one profile works out once:
	// finding out fills a partition (18,021 decisions for Workato).
	SendsRetryAfter *bool

	// noAgain, set by tests, has every request decided by the partition,
	// none taken from the rejection before it (see simPart).
	noAgain bool
}

// simLink is one run against the simulator.
type simLink struct {
	r          *run
	prof       *limitsim.Profile
	parts      map[string]*simPart // solo: the run's goroutine alone decides
	byKey      []*simPart          // by the engine's key id (keyTable), once resolved through parts
	retryAfter bool                // whether the dialect sends Retry-After
	latency    int64               // ns
	clock      int64               // the virtual clock (Unix ns)
	dec        limitsim.Decision
	// again says a request rejected at one time is rejected the same way
	// when it comes again at that time (see simPart); noAgain, set by
	// tests, decides every request anyway.
	again, noAgain bool
}

// simPart is a partition of the simulator and, when the last request it
// decided was rejected, that rejection: the time it was decided at, the
// request's size and the answer (status and Retry-After). A profile that
// does not count rejected requests takes nothing for one (every
// Limiter's Take of a rejected request returns at once), and a Limiter's
// Check at the time it last saw changes nothing more, so the next request
// of the same size at that time, or before it (decided at it), gets the
// same answer: a retry storm's burst at one instant is decided once.
type simPart struct {
	pt            *limitsim.Partition
	rejected      bool
	at, size      int64
	status        int
	retryAfter    time.Duration
	hasRetryAfter bool
}

func (t *SimTarget) open(r *run) (link, error) {
	if t == nil || t.Profile == nil {
		return nil, errors.New("probe: SimTarget needs a Profile")
	}
	r.ctxMask, r.drain, r.ring = 4095, -1, newInorder(1)
	ra := t.SendsRetryAfter
	if ra == nil {
		v := t.Profile.SendsRetryAfter()
		ra = &v
	}
	return &simLink{r: r, prof: t.Profile, parts: make(map[string]*simPart),
		retryAfter: *ra, latency: int64(t.Latency), again: !t.Profile.CountRejected, noAgain: t.noAgain}, nil
}

func (l *simLink) start(first int64) int64 { l.clock = first; return first }

// poll returns the virtual clock: the time of the last attempt.
func (l *simLink) poll(bool) (int64, error) { return l.clock, nil }

// sleep jumps the virtual clock to planned.
func (l *simLink) sleep(_, planned int64) bool { l.clock = planned; return true }

// send decides the attempt at once and hands it back: its answer is known
// as it leaves, and its Done is Latency later.
func (l *simLink) send(s *sendSlot) {
	a := &s.att
	var sp *simPart
	if id := int(s.p.key); id < len(l.byKey) {
		sp = l.byKey[id]
	}
	if sp == nil {
		sp = l.partition(s)
	}
	a.Done = a.Sent + l.latency
	if sp.rejected && a.Sent <= sp.at && a.Size == sp.size && !l.noAgain {
		a.Status, a.RetryAfter, a.HasRetryAfter = sp.status, sp.retryAfter, sp.hasRetryAfter
		l.r.complete(s)
		return
	}
	sp.pt.DecideShort(&l.dec, a.Sent, a.Size)
	switch {
	case l.dec.Admitted:
		a.Status = http.StatusOK
	case l.dec.RetryAt == limitsim.Never:
		a.Status = http.StatusRequestEntityTooLarge
	default:
		a.Status = http.StatusTooManyRequests
		if l.retryAfter {
			a.RetryAfter, a.HasRetryAfter = time.Duration(l.dec.RetryAfter())*time.Second, true
		}
	}
	sp.rejected = l.again && !l.dec.Admitted
	sp.at, sp.size, sp.status, sp.retryAfter, sp.hasRetryAfter = l.dec.Now, a.Size, a.Status, a.RetryAfter, a.HasRetryAfter
	l.r.complete(s)
}

// partition returns the partition of the attempt in s, under the
// profile's scope, and keeps it by the engine's id of its key: keys of one
// partition (a workspace's, or one key sent by several lanes) share it.
func (l *simLink) partition(s *sendSlot) *simPart {
	part := l.prof.PartitionOf(s.att.Key, s.att.Workspace)
	sp, ok := l.parts[part]
	if !ok {
		sp = &simPart{pt: l.prof.NewSoloPartition()}
		l.parts[part] = sp
	}
	id := int(s.p.key)
	if id >= len(l.byKey) {
		l.byKey = append(l.byKey, make([]*simPart, id+1-len(l.byKey))...)
	}
	l.byKey[id] = sp
	return sp
}

// wait and settle have nothing to do: no attempt is ever in flight in
// virtual time.
func (l *simLink) wait()              {}
func (l *simLink) settle(f Fate) Fate { return f }
func (l *simLink) close()             {}
