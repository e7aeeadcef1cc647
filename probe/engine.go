package probe

import (
	"context"
	"errors"
	"io"
	"math"
	"math/bits"
	"math/rand/v2"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// Engine is the sender: one scheduler that replays a traffic source with a
// retry policy against a Target, the in-process simulator of a profile in
// virtual time (*SimTarget) or a URL in real time (*HTTPTarget). The
// target only answers attempts; everything a sender decides is decided
// here, the same way for both.
//
// What it merges. Two streams feed the scheduler: the source's emissions
// (each a first attempt, due at its Time) and the retries waiting in a
// queue (each due when the response of the attempt before it arrived,
// plus the delay the Policy chose). It always takes the attempt due first;
// when a retry and a new emission are due at the same instant, the retry
// goes first, and retries due at the same instant go in the order they
// were queued. So a run is deterministic for a source, a policy and a
// Seed.
//
// Time. The source's times are relative: its first emission is due the
// moment the run starts on the target's clock, and every other at that
// start plus (its Time − the first Time). The simulator's clock is the
// source's own time, and jumps to each attempt as it comes due; the HTTP
// target's clock is real (an injected Clock in tests), and the scheduler
// waits on it for the next due time or a response, whichever comes first.
//
// Pacing. Attempts leave in due order, never before they are due. When
// the sender is behind (a stall of the machine or of the sender), what
// the attempts it missed do depends on Profile. Without one, or when one
// of its limits is not a sliding window, they are paced by Pace: as far
// apart as the schedule put them, shifted later, rather than in a
// catch-up burst. When every limit of Profile is a sliding window, they
// leave as soon as they are due, in a burst, unless that would put into a
// window of one of those limits' lengths (or of 1 s, when none is that
// short) both more sends than the schedule holds in the window of that
// length ending when the last of them was due (plus Tolerance) and more
// sends of the whole run than the limit's quota (for a limit in
// requests), while the attempt's partition plans no more first attempts
// in the window of that length ending when it is due than the quota (a
// partition that plans more breaks the limit there however it is timed);
// such an attempt waits until that is no longer so. Each clause keeps every
// partition of the traffic within a limit when its plan is, so a schedule
// the profile admits is admitted when sent, stalls and all; a partition
// whose plan is over a limit catches up at once, as vegeta does; and the
// other attempts of a run over its limits are never sent faster than
// their schedule in the windows the limits fill. There a
// catch-up may be paid for one window later: when the schedule's window
// is as full then as it was, the attempts due then wait as long as the
// caught-up ones did. An attempt that leaves more than
// Tolerance after it was due is Late. In virtual time every attempt
// leaves exactly when it is due.
//
// When a fate is settled. Each attempt's response is settled by the
// scheduler when it arrives: a 2xx delivers the event (Delivered); any
// other answer, a transport error included, is handed to the Policy as a
// Failure (N, Elapsed since the first attempt was due, Prev, Response),
// which either gives up (GaveUp) or names the delay after the response
// (Done) at which the next attempt is due. Every time the scheduler
// computes counts from the attempt's Done, never from when it learned the
// answer, so a target that knows the answer at once (the simulator) and
// one that learns it later (HTTP) are scheduled alike. A delivery still
// waiting when the run ends is settled then: RunEnded when the run
// reached its end (Until, the HTTP target's drain, or an unreachable
// target), Interrupted when ctx was cancelled.
//
// Memory. Retries wait in a queue of 64-byte entries, so memory does not
// grow with the number of events, only with the deliveries waiting at
// once: at most MaxPending. A retry beyond it ends the run with a
// *PendingLimitError (exit code 2).
//
// Ending. The run ends when every delivery has been settled, when the
// next attempt is due after Until, when the HTTP target's drain has passed
// or it has proved unreachable, or when ctx is cancelled; the target
// describes how its attempts in flight are taken back. Run returns the
// Stats with Interrupted set on cancellation, and ctx's error.
//
// Observer. The Observer gets the Attempts in the order they were sent,
// whatever order they finished in, and each delivery's Outcome right after
// the attempt that settled it, or at the end (RunEnded, Interrupted). Its
// calls are made from Run's goroutine, never concurrently; a slow Observer
// delays the sends.
//
// The zero values of the optional fields are their defaults. An Engine
// runs once at a time; Run may be called again after it returns.
type Engine struct {
	Source   scenarios.Source // the traffic; required
	Policy   retry.Policy     // the retry policy; required
	Target   Target           // where the attempts go; required
	Seed     uint64           // seeds the policy's jitter
	Observer Observer         // receives every attempt and outcome; may be nil
	// Until, when set, ends the run at the first attempt due after it (Unix
	// ns on the run's clock): that delivery and every one still waiting
	// end with RunEnded at Until.
	Until int64
	// MaxPending is the most deliveries that may wait for a retry at once
	// (default DefaultMaxPending). A retry beyond it ends the run with a
	// *PendingLimitError.
	MaxPending int
	// Tolerance is how late an attempt may leave without being Late, and
	// the timer noise the pacer does not count as falling behind (see
	// Pace); default DefaultLateTolerance.
	Tolerance time.Duration
	// Sender is the delivery discipline and the quirks that, with Policy,
	// make up the sender model; the zero Sender is the parallel
	// discipline. A held attempt is due again when the hold ends (a pause,
	// a token, an answer) and goes through the scheduler like a retry due
	// then; a delivery queued behind another (Ordered) waits outside the
	// retry queue, and its first attempt is due when the one before it
	// settled.
	Sender Sender
	// MaxAttempts, when positive, is the most attempts the run sends; and
	// MaxAmplification, when positive, the most attempts per delivery
	// emitted so far, once MinCapped attempts were sent. An attempt due
	// beyond either cap is not sent: the run ends there, with
	// Stats.Capped set, every delivery still waiting ending with
	// RunEnded, and the rest of the source not sent. They keep a retry
	// storm from running away: a load test must not send without bound,
	// nor a simulation spend minutes of CPU on it.
	MaxAttempts      int64
	MaxAmplification int64
	MinCapped        int64
	// Profile, when set, is the profile the run is judged against: a
	// sender that fell behind then catches up, as far as its sliding
	// windows and their quotas allow (see the "Pacing" paragraph above).
	Profile *limitsim.Profile
	// Lanes, when set, are several senders run together into the one
	// Target, each with its own Policy and Sender, which then replace the
	// Engine's (see Lane): each emission is sent by the lane its Sender
	// indexes, and every attempt and outcome carries that lane's name.
	Lanes []Lane

	// oneByOne, set by tests, queues held deliveries one entry each, not
	// in runs: the order of attempts must be the same either way.
	oneByOne bool

	run
}

// Stats sums up a run.
type Stats struct {
	Emissions   int64  // deliveries taken from the source
	Attempts    int64  // attempts sent
	Late        int64  // attempts that left more than Tolerance after they were due
	Start, End  int64  // when the first and the last attempt left (Unix ns)
	Interrupted bool   // the context was cancelled before the run finished
	RunID       string // the run's id, as sent in every event id (HTTP target only)
	// DisabledAt is when the sender disabled itself (Sender.DisableAfter),
	// Unix ns; 0 when it did not.
	// With Lanes, they say when the first lane disabled itself.
	DisabledAt int64
	Disabled   bool
	// Capped says the run ended at a cap of attempts (Engine.MaxAttempts
	// or MaxAmplification) with an attempt still due.
	Capped bool
	// Senders says, per lane (one when the Engine has no Lanes), whether
	// and when it disabled itself.
	Senders []SenderStats
}

// Target answers an Engine's attempts. The implementations are SimTarget
// and HTTPTarget.
type Target interface {
	// open checks the target's settings, fills in the run's target-given
	// settings and returns the link of one run.
	open(r *run) (link, error)
}

// link is one run's connection to its target. The scheduler calls it from
// Run's goroutine only; the link hands every answered attempt back through
// run.complete, on that goroutine too.
type link interface {
	// start starts the target's clock on the first emission and returns
	// the time the run's clock gives it (Unix ns).
	start(first int64) int64
	// send makes the attempt in s, which the scheduler has just dispatched.
	send(s *sendSlot)
	// sleep waits towards planned, which is after now. It reports whether
	// the clock has reached planned and the attempt may leave now;
	// otherwise the scheduler looks again.
	sleep(now, planned int64) bool
	// poll takes back the attempts answered meanwhile, without waiting,
	// and returns the run's clock (Unix ns) and, once the target has
	// proved unreachable, the error that says so (at the end of the run,
	// final, before its window has passed).
	poll(final bool) (now int64, unreachable error)
	// wait blocks until an attempt is answered or ctx is cancelled.
	wait()
	// settle takes back every attempt in flight at the end of a run that
	// ends with fate f, and returns the fate the pending deliveries get.
	settle(f Fate) Fate
	// close releases what the link holds.
	close()
}

// run is the state of one Engine.Run. Everything in it belongs to Run's
// goroutine, except the slots in flight, which belong to the target until
// it hands them back.
type run struct {
	e    *Engine
	ctx  context.Context
	link link

	// Set by the target's open.
	ctxMask int           // ctx is checked when the loop count & ctxMask is 0
	drain   time.Duration // how long after the last emission retries are still made; negative for no limit

	rng      *rand.Rand
	lanes    []lane
	anyGate  bool // some lane has a discipline (a gate)
	pacer    pacer
	queue    retryQueue
	keys     keyTable
	ring     inorder
	inflight int

	t0       int64 // the run's clock at the first emission (Unix ns)
	first    int64 // the first emission's Time
	next     scenarios.Emission
	haveNext bool
	deadline int64 // once the source is exhausted: the last retry time (Unix ns)
	endAt    int64 // when set, the time RunEnded deliveries end at
	err      error // what ended the run early: a source error, or the pending limit

	stats Stats
	out   Outcome
	fail  retry.Failure // the failure of the attempt being completed
}

// Run replays the whole source and returns when every delivery has been
// settled or cut off, or ctx was cancelled, as Engine describes.
func (e *Engine) Run(ctx context.Context) (Stats, error) {
	if e.Source == nil || (e.Policy == nil && len(e.Lanes) == 0) || e.Target == nil {
		return Stats{}, errors.New("probe: Engine needs a Source, a Policy (or Lanes) and a Target")
	}
	if e.MaxPending <= 0 {
		e.MaxPending = DefaultMaxPending
	}
	tol := e.Tolerance
	if tol <= 0 {
		tol = DefaultLateTolerance
	}
	lanes := e.laneList()
	if err := validLanes(lanes); err != nil {
		return Stats{}, exitcode.New(exitcode.Usage, err)
	}
	e.run = run{e: e, ctx: ctx, rng: rand.New(rand.NewPCG(e.Seed, 0x686f6f6b6c696d74))}
	e.run.queue.oneByOne = e.oneByOne
	e.stats.Senders = make([]SenderStats, len(lanes))
	for i := range lanes {
		l := lane{name: lanes[i].Name, policy: lanes[i].Policy, next: retry.NextFunc(lanes[i].Policy), gate: newGate(&lanes[i].Sender)}
		e.anyGate = e.anyGate || l.gate != nil
		e.lanes = append(e.lanes, l)
		e.stats.Senders[i].Name = l.name
	}
	e.pacer.tolerance = int64(tol)
	e.pacer.catchUp = newCatchUp(e.Profile, tol)
	l, err := e.Target.open(&e.run)
	if err != nil {
		return Stats{}, err
	}
	defer l.close()
	e.link = l
	first, err := e.Source.Next()
	if errors.Is(err, io.EOF) {
		return e.stats, nil
	}
	if err != nil {
		return e.stats, err
	}
	e.t0 = l.start(first.Time)
	e.first = first.Time
	e.next, e.haveNext = first, true
	err = e.loop()
	return e.stats, err
}

// loop dispatches attempts until the run ends, and returns Run's error.
func (r *run) loop() error {
	for i := 0; ; i++ {
		if i&r.ctxMask == 0 && r.ctx.Err() != nil {
			return r.finish(Interrupted)
		}
		if r.err != nil {
			return r.finish(RunEnded)
		}
		now, unreach := r.link.poll(false)
		if unreach != nil {
			return r.finish(RunEnded)
		}
		at, fromSource, ok := r.candidate()
		if !ok {
			if r.inflight == 0 {
				return r.finish(RunEnded)
			}
			r.link.wait()
			continue
		}
		if r.e.Until != 0 && at > r.e.Until {
			if p, ok := r.take(fromSource); ok {
				r.queue.push(p)
			}
			r.endAt = r.e.Until
			return r.finish(RunEnded)
		}
		if r.capped(fromSource) {
			r.stats.Capped = true
			return r.finish(RunEnded)
		}
		if r.anyGate && r.gated(at, fromSource) {
			continue
		}
		if r.pacer.catchUp != nil {
			r.pacer.catchUp.who = r.candidateOf(fromSource)
		}
		planned := r.pacer.next(at)
		if r.ring.full() {
			r.link.wait()
			continue
		}
		if now < planned {
			if !r.link.sleep(now, planned) {
				continue
			}
			now = planned
		}
		r.dispatch(fromSource, planned, now)
	}
}

// capped reports whether the attempt due next, a new delivery's when
// fromSource, would go beyond a cap of attempts (Engine.MaxAttempts, or
// more than MaxAmplification per delivery once past MinCapped).
func (r *run) capped(fromSource bool) bool {
	n, e := r.stats.Attempts+1, r.e
	if e.MaxAttempts > 0 && n > e.MaxAttempts {
		return true
	}
	if e.MaxAmplification <= 0 || n <= e.MinCapped {
		return false
	}
	em := r.stats.Emissions
	if fromSource {
		em++
	}
	hi, lo := bits.Mul64(uint64(e.MaxAmplification), uint64(em))
	return hi == 0 && uint64(n) > lo
}

// candidate returns when the attempt due next is due, and whether it is
// the next emission rather than the earliest retry; the retry goes first
// on a tie. It returns false when there is none, or when the source is
// exhausted and the earliest retry is due after the drain deadline.
func (r *run) candidate() (at int64, fromSource, ok bool) {
	if r.queue.Len() > 0 {
		at := r.queue.peekAt()
		if !r.haveNext || at <= r.mapTime(r.next.Time) {
			return at, false, r.haveNext || at <= r.deadline
		}
	}
	if !r.haveNext {
		return 0, false, false
	}
	return r.mapTime(r.next.Time), true, true
}

// candidateOf returns what the pacer's catch-up needs to know of the
// candidate: its key, workspace and whether it is a first attempt.
func (r *run) candidateOf(fromSource bool) attemptOf {
	if fromSource {
		return attemptOf{r.next.Key, r.next.Workspace, true}
	}
	key, ws := r.keys.name(r.queue.top().key)
	return attemptOf{key, ws, false}
}

// mapTime maps a source time onto the run's clock.
func (r *run) mapTime(t int64) int64 { return r.t0 + (t - r.first) }

// take removes the candidate from where it waits, the retry queue or the
// source, which it then advances. It returns false when the emission is
// out of range; the run then ends with that error.
func (r *run) take(fromSource bool) (pending, bool) {
	if !fromSource {
		return r.queue.pop(), true
	}
	err := r.checkSender(&r.next)
	var p pending
	if err == nil {
		p, err = newPending(&r.next, r.mapTime(r.next.Time), &r.keys)
	}
	if err != nil {
		r.haveNext, r.err = false, err
		return pending{}, false
	}
	r.stats.Emissions++
	r.advance()
	return p, true
}

// advance reads the next emission from the source. At its end it fixes
// the drain deadline.
func (r *run) advance() {
	last := r.next.Time
	em, err := r.e.Source.Next()
	switch {
	case err == nil:
		r.next = em
	case errors.Is(err, io.EOF):
		r.haveNext = false
		r.deadline = math.MaxInt64
		if r.drain >= 0 {
			r.deadline = r.mapTime(last) + int64(r.drain)
		}
	default:
		r.haveNext, r.err = false, err
	}
}

// dispatch sends the candidate at now, which is on or after planned.
func (r *run) dispatch(fromSource bool, planned, now int64) {
	var s *sendSlot
	if fromSource {
		p, ok := r.take(true)
		if !ok {
			return
		}
		s = r.ring.claim()
		s.p = p
	} else {
		s = r.ring.claim()
		r.queue.popInto(&s.p) // take, written in place
	}
	p := &s.p
	if r.pacer.catchUp != nil {
		key, ws := r.keys.name(p.key)
		r.pacer.catchUp.who = attemptOf{key, ws, fromSource}
	}
	late := r.pacer.dispatched(p.at, planned, now)
	ln := r.laneOf(p.key)
	if ln.gate != nil {
		ln.gate.sent(p, now)
	}
	key, ws := r.keys.name(p.key)
	s.att.set(p, key, ws, ln.name, now, late)
	if r.stats.Attempts == 0 {
		r.stats.Start = now
	}
	r.stats.Attempts++
	r.stats.End = now
	if late {
		r.stats.Late++
	}
	r.inflight++
	r.link.send(s)
}

// set makes a the attempt of p sent at now to key in workspace ws by
// sender, with nothing back yet: Attempt{Event: p.event, ..., Sent: now,
// Late: late}, written field by field, where a composite literal would be
// built aside and copied.
func (a *Attempt) set(p *pending, key, ws, sender string, now int64, late bool) {
	a.Event, a.Copy, a.Key, a.Workspace, a.Sender, a.Size, a.N = p.event, int(p.copy), key, ws, sender, p.size, int(p.n)
	a.Intended, a.Sent, a.Done, a.Status, a.RetryAfter, a.HasRetryAfter = p.at, now, 0, 0, 0, false
	a.Err, a.Late, a.RateLimit = "", late, nil
}

// complete takes back an answered attempt: it settles the delivery's fate
// or queues its retry, and reports what can be reported in order.
func (r *run) complete(s *sendSlot) {
	r.inflight--
	a := &s.att
	p := &s.p
	// The failure the policy is told of, written field by field into the
	// one kept for it (Elapsed below): a composite literal would be built
	// aside and copied, and one on the stack would move to the heap, its
	// address passed to the policy through a func value.
	f := &r.fail
	f.N, f.Prev = int(p.n), p.prev
	f.Response.Status, f.Response.RetryAfter, f.Response.HasRetryAfter, f.Response.Err = a.Status, a.RetryAfter, a.HasRetryAfter, nil
	if a.Err != "" {
		f.Response.Err = errString(a.Err)
	}
	ln := r.laneOf(p.key)
	if ln.gate != nil {
		ln.gate.answered(p, a, &f.Response)
	}
	if a.Accepted() {
		s.fate = Delivered
	} else {
		var delay time.Duration
		var again bool
		if ln.gate != nil {
			f.Elapsed = ln.gate.elapsed(p, a.Done)
			delay, again = ln.gate.next(ln.policy, *f, r)
		} else {
			f.Elapsed = time.Duration(a.Done - p.emitted)
			delay, again = ln.next(f, r.rng)
		}
		switch {
		case !again || p.n == math.MaxUint32:
			s.fate = GaveUp
		case r.queue.Len() >= r.e.MaxPending:
			if r.err == nil {
				r.err = exitcode.New(exitcode.Usage, &PendingLimitError{Max: r.e.MaxPending, At: time.Duration(p.at - r.stats.Start), Attempts: r.stats.Attempts})
			}
		default:
			r.queue.addNext(p, a.Done+int64(delay), p.n+1, delay, r.laneIndex(p.key), ln.gate == nil || ln.gate.claims(p.key, p.event, p.copy))
		}
	}
	if ln.gate != nil && s.fate != "" {
		r.settled(p, s.fate, a.Done)
	}
	s.done = true
	r.ring.release(r.emit)
}

// emit reports a finished attempt, and its delivery's outcome if it
// settled it.
func (r *run) emit(s *sendSlot) {
	if r.e.Observer == nil {
		return
	}
	r.e.Observer.Attempt(&s.att)
	if s.fate != "" {
		r.outcome(&s.p, s.fate, s.att.Done)
	}
}

func (r *run) outcome(p *pending, f Fate, at int64) {
	if r.e.Observer == nil {
		return
	}
	r.out = Outcome{Event: p.event, Copy: int(p.copy), Copies: int(p.copies), Key: r.keys.key(p.key), Sender: r.laneOf(p.key).name, Emitted: p.emitted, At: at, Attempts: int(p.n), Fate: f}
	if f == RunEnded || f == Interrupted || f == Disabled {
		r.out.Attempts = int(p.n) - 1
	}
	r.e.Observer.Outcome(&r.out)
}

// finish stops dispatching, has the target take back every attempt in
// flight, ends the deliveries still pending and returns Run's error.
// Emissions the source still holds were never due within the run and are
// not counted.
func (r *run) finish(f Fate) error {
	f = r.link.settle(f)
	// A failure to connect reported only now still counts.
	at, unreach := r.link.poll(f != Interrupted && r.err == nil)
	if f == RunEnded && r.endAt != 0 {
		at = r.endAt
	}
	for r.queue.Len() > 0 {
		p := r.queue.pop()
		r.outcome(&p, f, at)
	}
	for i := range r.lanes {
		if g := r.lanes[i].gate; g != nil {
			g.drain(func(p *pending) { r.outcome(p, f, at) })
		}
	}
	switch {
	case f == Interrupted:
		r.stats.Interrupted = true
		return r.ctx.Err()
	case r.err != nil:
		return r.err
	}
	return unreach
}
