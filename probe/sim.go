package probe

import (
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// SimEngine replays a traffic source with a retry policy against the
// in-process simulator of a profile, in virtual time: no clock is read and
// nothing sleeps, so a day of traffic runs in seconds and the same source,
// policy and seed give the same attempts, byte for byte.
//
// Each attempt is decided by the simulator at its due time, against the
// partition its key and workspace count against under the profile's scope
// (limitsim.Profile.PartitionOf): a workspace-scoped profile adds up every
// key of a workspace. A 429 carries
// the Retry-After the profile's dialect would send (none for dialects that
// document none); the policy then picks the next attempt's time, which
// counts from when the response arrived (Sent + Latency). When a retry and
// a new emission are due at the same instant, the retry goes first.
type SimEngine struct {
	Source   scenarios.Source
	Profile  *limitsim.Profile
	Policy   retry.Policy
	Seed     uint64        // seeds the policy's jitter
	Latency  time.Duration // virtual round trip of every attempt (default 0)
	Until    int64         // when set, no attempt is made after this time (Unix ns): the run ends
	Observer Observer      // receives every attempt and outcome; may be nil
	// MaxPending is the most deliveries that may wait for a retry at once
	// (default DefaultMaxPending). A retry beyond it ends the run with a
	// *PendingLimitError.
	MaxPending int

	sim        *limitsim.Simulator
	parts      map[string]*limitsim.Partition
	keys       keyTable
	retryAfter bool // whether the dialect sends Retry-After
	rng        *rand.Rand
	queue      retryQueue
	dec        limitsim.Decision
	att        Attempt
	out        Outcome
	stats      SimStats
}

// SimStats sums up a simulated run.
type SimStats struct {
	Emissions   int64 // deliveries taken from the source
	Attempts    int64
	Start, End  int64 // the first and last attempt times (Unix ns)
	Interrupted bool  // the context was cancelled before the run finished
}

// Run replays the whole source and returns when every delivery has been
// delivered or given up, the run reached Until, or ctx was cancelled. On
// cancellation it reports the deliveries still pending as Interrupted and
// returns what it measured with Interrupted set, and ctx's error.
func (e *SimEngine) Run(ctx context.Context) (SimStats, error) {
	if err := e.init(); err != nil {
		return SimStats{}, err
	}
	next, err := e.Source.Next()
	haveNext := err == nil
	if err != nil && !errors.Is(err, io.EOF) {
		return e.stats, err
	}
	for i := 0; ; i++ {
		if i&4095 == 0 && ctx.Err() != nil {
			e.stats.Interrupted = true
			e.flush(Interrupted, e.stats.End)
			return e.stats, ctx.Err()
		}
		var p pending
		switch {
		case e.queue.Len() > 0 && (!haveNext || e.queue.peekAt() <= next.Time):
			p = e.queue.pop()
		case haveNext:
			if p, err = newPending(&next, next.Time, &e.keys); err != nil {
				return e.stats, err
			}
			e.stats.Emissions++
			next, err = e.Source.Next()
			if err != nil && !errors.Is(err, io.EOF) {
				return e.stats, err
			}
			haveNext = err == nil
		default:
			return e.stats, nil
		}
		if e.Until != 0 && p.at > e.Until {
			e.queue.push(p)
			e.flush(RunEnded, e.Until)
			return e.stats, nil
		}
		if err := e.send(&p); err != nil {
			return e.stats, err
		}
	}
}

func (e *SimEngine) init() error {
	if e.Source == nil || e.Profile == nil || e.Policy == nil {
		return errors.New("probe: SimEngine needs a Source, a Profile and a Policy")
	}
	e.sim = limitsim.NewSimulator(e.Profile)
	e.parts = make(map[string]*limitsim.Partition)
	e.keys = keyTable{}
	if e.MaxPending <= 0 {
		e.MaxPending = DefaultMaxPending
	}
	e.rng = rand.New(rand.NewPCG(e.Seed, 0x686f6f6b6c696d74))
	e.retryAfter = e.Profile.SendsRetryAfter()
	e.queue = retryQueue{}
	e.stats = SimStats{}
	return nil
}

func (e *SimEngine) send(p *pending) error {
	key, ws := e.keys.name(p.key)
	part := e.Profile.PartitionOf(key, ws)
	pt, ok := e.parts[part]
	if !ok {
		pt = e.sim.Partition(part)
		e.parts[part] = pt
	}
	pt.DecideInto(&e.dec, p.at, p.size)
	a := &e.att
	*a = Attempt{Event: p.event, Copy: int(p.copy), Key: key, Workspace: ws, Size: p.size, N: int(p.n),
		Intended: p.at, Sent: p.at, Done: p.at + int64(e.Latency)}
	switch {
	case e.dec.Admitted:
		a.Status = http.StatusOK
	case e.dec.RetryAt == limitsim.Never:
		a.Status = http.StatusRequestEntityTooLarge
	default:
		a.Status = http.StatusTooManyRequests
		if e.retryAfter {
			a.RetryAfter, a.HasRetryAfter = time.Duration(e.dec.RetryAfter())*time.Second, true
		}
	}
	if e.stats.Attempts == 0 {
		e.stats.Start = p.at
	}
	e.stats.Attempts++
	e.stats.End = p.at
	if e.Observer != nil {
		e.Observer.Attempt(a)
	}
	if a.Accepted() {
		e.outcome(p, Delivered, a.Done)
		return nil
	}
	delay, again := e.Policy.Next(retry.Failure{N: int(p.n), Elapsed: time.Duration(a.Done - p.emitted), Prev: p.prev, Response: a.Response()}, e.rng)
	if !again || p.n == math.MaxUint32 {
		e.outcome(p, GaveUp, a.Done)
		return nil
	}
	if e.queue.Len() >= e.MaxPending {
		return exitcode.New(exitcode.Usage, &PendingLimitError{Max: e.MaxPending, At: time.Duration(p.at - e.stats.Start), Attempts: e.stats.Attempts})
	}
	next := *p
	next.at, next.n, next.prev = a.Done+int64(delay), p.n+1, delay
	e.queue.push(next)
	return nil
}

func (e *SimEngine) outcome(p *pending, f Fate, at int64) {
	if e.Observer == nil {
		return
	}
	e.out = Outcome{Event: p.event, Copy: int(p.copy), Copies: int(p.copies), Key: e.keys.key(p.key), Emitted: p.emitted, At: at, Attempts: int(p.n), Fate: f}
	if f == RunEnded || f == Interrupted {
		e.out.Attempts = int(p.n) - 1
	}
	e.Observer.Outcome(&e.out)
}

// flush ends every pending delivery with fate f at time at. Emissions the
// source still holds were never due within the run and are not counted.
func (e *SimEngine) flush(f Fate, at int64) {
	for e.queue.Len() > 0 {
		p := e.queue.pop()
		e.outcome(&p, f, at)
	}
}
