package probe

import (
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime"
	"time"

	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// spinWindow is how long before a send the dispatcher stops sleeping and
// polls the clock instead, yielding the processor between polls. Go's
// timers wake up to a millisecond late (the runtime's poller waits in whole
// milliseconds), which at 1,000 requests a second would make most sends
// late by more than the default tolerance. Polling costs CPU: up to a
// core at 1,000/s, about 2% at 20/s. Only the system clock is polled.
const spinWindow = 1200 * time.Microsecond

// spinHard is the end of the spin window, in which the dispatcher polls
// without yielding: a goroutine that yields may wait for its turn for
// longer than the tolerance.
const spinHard = 200 * time.Microsecond

// httpRun is the state of one HTTPEngine.Run. Everything in it belongs to
// the dispatcher goroutine (the one that called Run), except the slots in
// flight, which belong to their senders until they come back on done.
type httpRun struct {
	e          *HTTPEngine
	ctx        context.Context    // the caller's: cancelled means stop
	reqCtx     context.Context    // the requests': cancelled once Grace has passed
	cancelReqs context.CancelFunc //
	clock      Clock
	client     *http.Client
	ownClient  bool // the client is ours, to close
	body       *Body
	header     http.Header
	method     string
	idHeader   string
	runID      string
	timeout    time.Duration
	grace      time.Duration
	spin       time.Duration // see spinWindow
	rawURL     string
	u          *url.URL // the target, when it has no {key}
	keyed      bool
	host       string // host:port, for messages

	rng      *rand.Rand
	pacer    pacer
	queue    retryQueue
	keys     keyTable
	ring     inorder
	done     chan *sendSlot // finished attempts, from their senders
	inflight int

	t0Wall   int64     // Run's start, Unix ns
	t0       time.Time // the same, with its monotonic reading
	first    int64     // the first emission's Time
	next     scenarios.Emission
	haveNext bool
	srcErr   error
	deadline int64 // once the source is exhausted: the last retry time (Unix ns)

	timerAt int64 // the time timerC fires for, 0 for none
	timerC  <-chan time.Time

	reach     reachState
	firstSent int64
	dialErr   string // the first failure to connect

	stats HTTPStats
	out   Outcome
}

// now returns the time as Unix ns, counted on the monotonic clock from the
// start of the run.
func (r *httpRun) now() int64 { return r.t0Wall + int64(r.clock.Now().Sub(r.t0)) }

// begin starts the clock on the first emission.
func (r *httpRun) begin(first scenarios.Emission) {
	r.t0 = r.clock.Now()
	r.t0Wall = r.t0.UnixNano()
	r.first = first.Time
	r.next, r.haveNext = first, true
}

// close releases the run's resources once every sender has returned.
func (r *httpRun) close() {
	r.cancelReqs()
	if r.ownClient {
		r.client.CloseIdleConnections()
	}
}

// loop dispatches attempts until the run ends, and returns Run's error.
func (r *httpRun) loop() error {
	for {
		if r.ctx.Err() != nil {
			return r.finish(Interrupted)
		}
		if r.srcErr != nil {
			return r.finish(RunEnded)
		}
		r.collect()
		now := r.now()
		if r.checkReach(now, false) {
			return r.finish(RunEnded)
		}
		at, fromSource, ok := r.candidate()
		if !ok {
			if r.inflight == 0 {
				return r.finish(RunEnded)
			}
			r.wait(0)
			continue
		}
		planned := r.pacer.next(at)
		switch {
		case r.ring.full():
			r.wait(0)
		case now < planned-int64(r.spin):
			r.wait(planned - int64(r.spin))
		case now < planned:
			if planned-now > int64(spinHard) {
				runtime.Gosched() // the last stretch, polled: see spinWindow
			}
		default:
			r.dispatch(fromSource, planned, now)
		}
	}
}

// candidate returns when the attempt due next is due, and whether it is
// the next emission rather than the earliest retry; the retry goes first
// on a tie. It returns false when there is none, or when the source is
// exhausted and the earliest retry is due after the drain deadline.
func (r *httpRun) candidate() (at int64, fromSource, ok bool) {
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

// mapTime maps a source time onto the run's clock.
func (r *httpRun) mapTime(t int64) int64 { return r.t0Wall + (t - r.first) }

// dispatch sends the candidate at now, which is on or after planned.
func (r *httpRun) dispatch(fromSource bool, planned, now int64) {
	var p pending
	if fromSource {
		var err error
		if p, err = newPending(&r.next, r.mapTime(r.next.Time), &r.keys); err != nil {
			r.haveNext, r.srcErr = false, err
			return
		}
		r.stats.Emissions++
		r.advance()
	} else {
		p = r.queue.pop()
	}
	late := r.pacer.dispatched(p.at, planned, now)
	s := r.ring.claim()
	s.p = p
	key, ws := r.keys.name(p.key)
	s.att = Attempt{Event: p.event, Copy: int(p.copy), Key: key, Workspace: ws, N: int(p.n), Intended: p.at, Sent: now, Late: late}
	if r.stats.Attempts == 0 {
		r.stats.Start, r.firstSent = now, now
	}
	r.stats.Attempts++
	r.stats.End = now
	if late {
		r.stats.Late++
	}
	r.inflight++
	go r.send(s)
}

// advance reads the next emission from the source. At its end it fixes
// the drain deadline.
func (r *httpRun) advance() {
	last := r.next.Time
	em, err := r.e.Source.Next()
	switch {
	case err == nil:
		r.next = em
	case errors.Is(err, io.EOF):
		r.haveNext = false
		r.deadline = r.mapTime(last) + int64(max(r.e.Drain, 0))
	default:
		r.haveNext, r.srcErr = false, err
	}
}

// collect takes back the attempts that have finished, without waiting.
func (r *httpRun) collect() {
	for {
		select {
		case s := <-r.done:
			r.complete(s)
		default:
			return
		}
	}
}

// wait blocks until until (Unix ns; 0 for no time limit), an attempt
// finishes, or ctx is cancelled, whichever comes first. While the target's
// reachability is undecided it also wakes at the end of the window.
func (r *httpRun) wait(until int64) {
	if r.reach == reachUndecided && r.firstSent != 0 {
		if w := r.firstSent + int64(UnreachableWindow); w > r.now() && (until == 0 || w < until) {
			until = w
		}
	}
	var tc <-chan time.Time
	if until != 0 {
		if until != r.timerAt {
			r.timerAt, r.timerC = until, r.clock.After(time.Duration(until-r.now()))
		}
		tc = r.timerC
	}
	select {
	case s := <-r.done:
		r.complete(s)
	case <-tc:
		r.timerAt, r.timerC = 0, nil
	case <-r.ctx.Done():
	}
}

// complete takes back a finished attempt: it decides the delivery's fate
// or queues its retry, and reports what can be reported in order.
func (r *httpRun) complete(s *sendSlot) {
	r.inflight--
	a := &s.att
	r.noteReach(s)
	if a.Accepted() {
		s.fate = Delivered
	} else {
		p := &s.p
		delay, again := r.e.Policy.Next(retry.Failure{N: int(p.n), Elapsed: time.Duration(a.Done - p.emitted), Prev: p.prev, Response: a.Response()}, r.rng)
		if again && p.n < math.MaxUint32 {
			next := *p
			next.at, next.n, next.prev = a.Done+int64(delay), p.n+1, delay
			r.queue.push(next)
		} else {
			s.fate = GaveUp
		}
	}
	s.done = true
	r.ring.release(r.emit)
}

// emit reports a finished attempt, and its delivery's outcome if it
// settled it.
func (r *httpRun) emit(s *sendSlot) {
	if r.e.Observer == nil {
		return
	}
	r.e.Observer.Attempt(&s.att)
	if s.fate != "" {
		r.outcome(&s.p, s.fate, s.att.Done)
	}
}

func (r *httpRun) outcome(p *pending, f Fate, at int64) {
	if r.e.Observer == nil {
		return
	}
	r.out = Outcome{Event: p.event, Copy: int(p.copy), Copies: int(p.copies), Key: r.keys.key(p.key), Emitted: p.emitted, At: at, Attempts: int(p.n), Fate: f}
	if f == RunEnded || f == Interrupted {
		r.out.Attempts = int(p.n) - 1
	}
	r.e.Observer.Outcome(&r.out)
}
