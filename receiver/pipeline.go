package receiver

import (
	"math"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
)

// pipeline carries the records of concurrent requests to the one
// goroutine that feeds the Recorder, in time order.
//
// Handlers push records into a bounded channel. The consumer holds them in
// a queue for the reorder window, since requests decided a moment apart on
// different goroutines may push in the other order, and hands them to the
// Recorder oldest first. It also expires idle partitions of the simulator,
// by the records' time, and runs control requests (stats, report) between
// records, so the Recorder is only ever touched by one goroutine.
//
// Under load the consumer takes records in batches: after it has taken
// the few that were waiting, it pauses for gatherFor before it looks
// again, rather than park until the next record and be woken for it.
// Woken once a record, as it was at 30,000 requests a second, it cost the
// server more than the Recorder itself: measured with bench/serve.sh, a
// tenth or more of serve's CPU a request. Paused, it wakes at most once a
// gatherFor. A record waits at most that much longer, well inside the
// reorder window it waits anyway.
type pipeline struct {
	rv       *Receiver
	rec      *session.Recorder
	ch       chan session.Record
	ctl      chan func()
	done     chan struct{}
	blockFor time.Duration
	reorder  int64
	dropped  atomic.Int64
	started  atomic.Bool

	// The consumer's own state.
	recs       recQueue
	maxSeen    int64
	lastExpire int64
	lastIdle   int64
	busy       bool // a record came since expireIdle last ran
	wakes      int  // how many times a record woke the consumer
}

func (p *pipeline) init(rv *Receiver, opt Options) {
	n := opt.Buffer
	if n <= 0 {
		n = DefaultBuffer
	}
	p.rv, p.rec = rv, opt.Recorder
	p.ch = make(chan session.Record, n)
	p.ctl = make(chan func())
	p.done = make(chan struct{})
	p.blockFor = opt.BlockFor
	if p.blockFor <= 0 {
		p.blockFor = DefaultBlockFor
	}
	p.reorder = int64(opt.Reorder)
	if p.reorder <= 0 {
		p.reorder = int64(DefaultReorder)
	}
	// A request is recorded once its answer is written, after the added
	// latency: the window waits for it.
	p.reorder += int64(opt.LatencyMax)
}

// Start starts the goroutine that feeds the Recorder. It may be called
// once; Serve calls it.
func (rv *Receiver) Start() {
	if rv.pipe.started.CompareAndSwap(false, true) {
		rv.start = rv.now().UnixNano()
		go rv.pipe.consume()
	}
}

// gatherFor is how long the consumer pauses after taking fewer than
// gatherBelow records at once, for more to gather: a batch a millisecond
// at most. A consumer that takes more at once is behind, or nearly: its
// wake-ups are already few, and a pause would only put it further behind.
const (
	gatherFor   = time.Millisecond
	gatherBelow = 64
)

// push hands a record to the consumer. When the channel is full it waits
// up to blockFor, then drops the record and counts it: never silently.
func (p *pipeline) push(r *session.Record) {
	select {
	case p.ch <- *r:
		return
	default:
	}
	t := time.NewTimer(p.blockFor)
	defer t.Stop()
	select {
	case p.ch <- *r:
	case <-t.C:
		p.dropped.Add(1)
	}
}

func (p *pipeline) consume() {
	defer close(p.done)
	tick := time.NewTicker(time.Duration(p.reorder))
	defer tick.Stop()
	for {
		select {
		case r, ok := <-p.ch:
			if !ok {
				p.flush(math.MaxInt64)
				return
			}
			p.wakes++
			p.queue(&r)
			n, open := p.drain(1024)
			if !open {
				p.flush(math.MaxInt64)
				return
			}
			p.flush(p.maxSeen - p.reorder)
			if n+1 < gatherBelow {
				time.Sleep(gatherFor) // let the next records gather
			}
		case <-tick.C:
			now := p.rv.now().UnixNano()
			p.flush(now - p.reorder)
			p.expireIdle(now)
		case f := <-p.ctl:
			f()
		}
	}
}

// drain queues what else is waiting, up to n records, and returns how
// many it queued, and false when the channel was closed.
func (p *pipeline) drain(n int) (queued int, open bool) {
	for queued < n {
		select {
		case r, ok := <-p.ch:
			if !ok {
				return queued, false
			}
			p.queue(&r)
			queued++
		default:
			return queued, true
		}
	}
	return queued, true
}

func (p *pipeline) queue(r *session.Record) {
	p.recs.push(*r)
	p.busy = true
	p.maxSeen = max(p.maxSeen, r.Time)
}

// flush hands the Recorder every queued record decided at or before
// upTo, oldest first, and expires the simulator's idle partitions.
func (p *pipeline) flush(upTo int64) {
	for p.recs.len() > 0 && p.recs.front().Time <= upTo {
		r := p.recs.front()
		p.rec.Add(r)
		if every := max(p.rv.horizon/4, int64(time.Second)); r.Time-p.lastExpire >= every {
			p.rv.sim.Expire(r.Time - p.rv.horizon - int64(time.Second))
			p.lastExpire = r.Time
		}
		p.recs.pop()
	}
}

// expireIdle expires, by the clock, the simulator's partitions and the
// recorder's keys and events idle for the horizon, as flush does by the
// records' time: so an idle server gives their memory back. It runs at
// most every quarter horizon (and every second).
func (p *pipeline) expireIdle(now int64) {
	if now-p.lastIdle < max(p.rv.horizon/4, int64(time.Second)) {
		return
	}
	p.lastIdle = now
	n := p.rv.sim.Expire(now - p.rv.horizon - int64(time.Second))
	n += p.rec.Expire(now - p.reorder) // every record up to then is handed over
	if quiet := !p.busy; quiet && n >= freeAfter {
		// Give the memory back to the system now: the runtime would
		// take minutes, and a server gone quiet may stay so for long.
		// Not while requests come: that would stall their records.
		debug.FreeOSMemory()
	}
	p.busy = false
}

// freeAfter is how many partitions, keys and events expired at once make
// expireIdle return memory to the system, when no request came since the
// last time it ran.
const freeAfter = 10_000

// do runs f on the consumer goroutine, after the records already pushed
// have been queued, and with all set, handed over (those still in the
// reorder window too: a report is a snapshot); or on the caller's
// goroutine when the consumer has ended.
func (p *pipeline) do(f func(), all bool) {
	if !p.started.Load() {
		f()
		return
	}
	done := make(chan struct{})
	g := func() {
		_, _ = p.drain(len(p.ch))
		if all {
			p.flush(math.MaxInt64)
		} else {
			p.flush(p.maxSeen - p.reorder)
		}
		f()
		close(done)
	}
	select {
	case p.ctl <- g:
		<-done
	case <-p.done:
		f()
	}
}

// Close stops taking requests (later ones are answered 503), waits for
// those in flight to finish, and hands every record to the Recorder. It
// returns when the Recorder has them all; call it after the HTTP server
// has shut down. It is safe to call twice.
func (rv *Receiver) Close() {
	rv.gate.Lock()
	already := rv.closed
	rv.closed = true
	rv.gate.Unlock()
	if already {
		<-rv.pipe.done
		return
	}
	close(rv.pipe.ch)
	if !rv.pipe.started.Load() {
		rv.pipe.started.Store(true)
		go rv.pipe.consume()
	}
	<-rv.pipe.done
}

// Dropped returns how many records were dropped because the Recorder was
// behind.
func (rv *Receiver) Dropped() int64 { return rv.pipe.dropped.Load() }

// Meta returns the session's description as of now, for a result.
func (rv *Receiver) Meta(interrupted bool) session.Meta {
	return session.Meta{
		Listen: *rv.listen.Load(), KeySource: rv.opt.Key.String(), WorkspaceSource: rv.WorkspaceSource(), Start: rv.start,
		End: rv.now().UnixNano(), Interrupted: interrupted, Dropped: rv.Dropped(),
	}
}

// Result returns the Recorder's result as of now, with the rows of the
// worst session.Options.KeepKeys keys. While serving it is computed on the
// consumer goroutine, after the records pushed so far.
func (rv *Receiver) Result(interrupted bool) *report.ServeResult {
	return rv.result(interrupted, 0)
}

// result is Result with the rows of the worst keys keys (see
// session.Meta.Keys).
func (rv *Receiver) result(interrupted bool, keys int) *report.ServeResult {
	var res *report.ServeResult
	rv.pipe.do(func() {
		m := rv.Meta(interrupted)
		m.Keys = keys
		res = rv.pipe.rec.Result(m)
	}, true)
	return res
}

// recQueue holds records in order of (Time, Seq). Records come nearly in
// order, so each is appended and moved back past the few later ones, if
// any: O(1) for the usual case. Flushed records leave from the front.
type recQueue struct {
	buf  []session.Record
	head int
}

func less(a, b *session.Record) bool {
	return a.Time < b.Time || a.Time == b.Time && a.Seq < b.Seq
}

func (q *recQueue) len() int { return len(q.buf) - q.head }

func (q *recQueue) push(r session.Record) {
	q.buf = append(q.buf, r)
	for i := len(q.buf) - 1; i > q.head && less(&q.buf[i], &q.buf[i-1]); i-- {
		q.buf[i], q.buf[i-1] = q.buf[i-1], q.buf[i]
	}
}

// front returns the oldest record; the queue must not be empty.
func (q *recQueue) front() *session.Record { return &q.buf[q.head] }

// pop drops the oldest record, and compacts the queue now and then.
func (q *recQueue) pop() {
	q.buf[q.head] = session.Record{}
	q.head++
	if q.head == len(q.buf) {
		q.buf, q.head = q.buf[:0], 0
		if cap(q.buf) > 1<<16 {
			q.buf = nil // give back what a burst grew
		}
	} else if q.head > 1024 && q.head > len(q.buf)/2 {
		n := copy(q.buf, q.buf[q.head:])
		clear(q.buf[n:])
		q.buf, q.head = q.buf[:n], 0
	}
}
