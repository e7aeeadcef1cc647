package discover

import (
	"context"
	"time"

	"github.com/hooklimit/hooklimit/probe"
)

// runner sends the requests of a discovery within its caps. Everything in
// it belongs to Discover's goroutine, except the requests in flight, which
// belong to their senders until they come back on done.
type runner struct {
	ctx      context.Context
	o        *DiscoverOptions
	clock    probe.Clock
	t0       time.Time
	t0Wall   int64
	deadline int64 // Unix ns after which nothing is sent
	sent     int
	inflight int
	done     chan *ProbeRequest
	all      []*ProbeRequest // every request answered, in the order answered
	step     string
	s503     streak503
	// raOverstated says a request sent clearly before a Retry-After
	// ended was admitted: the endpoint's Retry-After is longer than its
	// limits need, so no window is read from it.
	raOverstated bool
}

// longWait reports whether p is a rejection whose Retry-After points
// past a second-long window, and Retry-After is to be believed.
func (r *runner) longWait(p *ProbeRequest) bool { return !r.raOverstated && longRetryAfter(p) }

func newRunner(ctx context.Context, o *DiscoverOptions) *runner {
	o.defaults()
	r := &runner{ctx: ctx, o: o, clock: o.Clock, done: make(chan *ProbeRequest, o.InFlight)}
	r.t0 = r.clock.Now()
	r.t0Wall = r.t0.UnixNano()
	r.deadline = r.t0Wall + int64(o.MaxDuration)
	return r
}

// now returns the time as Unix ns, on the monotonic clock from the start.
func (r *runner) now() int64 { return r.t0Wall + int64(r.clock.Now().Sub(r.t0)) }

// left returns how many requests may still be sent.
func (r *runner) left() int { return r.o.MaxRequests - r.sent }

// timeLeft returns how long until the deadline.
func (r *runner) timeLeft() time.Duration { return time.Duration(r.deadline - r.now()) }

// stopped reports whether nothing more may be sent.
func (r *runner) stopped() bool {
	return r.ctx.Err() != nil || r.left() <= 0 || r.now() >= r.deadline
}

// capped names the cap that has been reached, or "".
func (r *runner) capped() string {
	switch {
	case r.left() <= 0:
		return "max-requests"
	case r.now() >= r.deadline:
		return "max-duration"
	}
	return ""
}

// dispatch sends one request with a body of size bytes on its own
// goroutine. The caller has checked stopped and that a slot is free.
func (r *runner) dispatch(intended, size int64) {
	r.sent++
	r.inflight++
	p := &ProbeRequest{Seq: r.sent, Step: r.step, Size: probe.ProbeBodySize(size), Intended: intended}
	go func() {
		p.Sent = r.now()
		res := r.o.Sender.Send(r.ctx, size)
		p.Done = r.now()
		r.fill(p, res)
		r.done <- p
	}()
}

// fill records in p the answer res.
func (r *runner) fill(p *ProbeRequest, res probe.SendResult) {
	p.Status, p.Err = res.Status, res.Err
	if res.Dial && p.Err == "" {
		p.Err = "failed to connect"
	}
	rep := probe.Reply{Header: res.Header}
	p.RateLimit, p.RetryAfter, p.HasRetryAfter = rep.RateLimit(time.Unix(0, p.Done))
}

// next waits for the next answer. Every request comes back, cancelled
// ones included, so it never waits forever.
func (r *runner) next() *ProbeRequest { return r.record(<-r.done) }

// record does the bookkeeping of an answer that came back.
func (r *runner) record(p *ProbeRequest) *ProbeRequest {
	r.inflight--
	r.s503.classify(p)
	r.all = append(r.all, p)
	if r.o.OnRequest != nil {
		r.o.OnRequest(p)
	}
	return p
}

// waitUntil waits until at, taking in the answers that come meanwhile,
// and returns them. It returns early when ctx is cancelled. While every
// slot is taken it waits for an answer before it looks at the clock, so
// that with one slot and an instant sender the order of events does not
// depend on scheduling.
func (r *runner) waitUntil(at int64) []*ProbeRequest {
	var got []*ProbeRequest
	for r.ctx.Err() == nil {
		now := r.now()
		if r.inflight >= r.o.InFlight {
			got = append(got, r.next())
			continue
		}
		if now >= at {
			break
		}
		if r.inflight == 0 {
			select {
			case <-r.clock.After(time.Duration(at - now)):
			case <-r.ctx.Done():
			}
			continue
		}
		select {
		case p := <-r.done:
			got = append(got, r.record(p))
		case <-r.clock.After(time.Duration(at - now)):
		case <-r.ctx.Done():
		}
	}
	return got
}

// drain waits for every request in flight and returns their answers.
func (r *runner) drain() []*ProbeRequest {
	var got []*ProbeRequest
	for r.inflight > 0 {
		got = append(got, r.next())
	}
	return got
}

// burst sends requests with bodies of size back to back, keeping every
// slot busy, until one is rejected for its rate or n have been sent, and
// returns them all once answered.
func (r *runner) burst(n int, size int64) []*ProbeRequest {
	var got []*ProbeRequest
	limited, sent := false, 0
	for {
		for !limited && sent < n && r.inflight < r.o.InFlight && !r.stopped() {
			r.dispatch(r.now(), size)
			sent++
		}
		if r.inflight == 0 {
			return got
		}
		p := r.next()
		got = append(got, p)
		limited = limited || p.Limited()
	}
}

// paced sends requests with bodies of size at rate per second for span,
// paced by probe.Pace (never in a catch-up burst), until stop returns true for
// an answer, and returns them all once answered.
func (r *runner) paced(rate float64, span time.Duration, size int64, stop func(*ProbeRequest) bool) []*ProbeRequest {
	const tolerance = int64(time.Millisecond)
	var got []*ProbeRequest
	stopped := false
	take := func(ps []*ProbeRequest) {
		for _, p := range ps {
			got = append(got, p)
			if stop != nil && stop(p) {
				stopped = true
			}
		}
	}
	start := r.now()
	var prevIntended, prevDispatch int64
	for i := 0; ; i++ {
		intended := start + int64(float64(i)*float64(time.Second)/rate)
		if intended >= start+int64(span) || stopped || r.stopped() {
			break
		}
		planned := intended
		if i > 0 {
			planned = probe.Pace(intended, prevIntended, prevDispatch)
		}
		take(r.waitUntil(planned))
		for r.inflight >= r.o.InFlight && !stopped {
			take([]*ProbeRequest{r.next()})
		}
		if stopped || r.stopped() || r.now() >= start+int64(span) {
			break
		}
		actual := r.now()
		r.dispatch(intended, size)
		prevIntended, prevDispatch = intended, max(planned, actual-tolerance)
	}
	take(r.drain())
	return got
}

// one sends one request at at (or at once, if that has passed) and
// returns its answer, or nil when nothing may be sent.
func (r *runner) one(at, size int64) *ProbeRequest {
	r.waitUntil(at)
	if r.stopped() {
		return nil
	}
	r.dispatch(at, size)
	seq := r.sent
	for _, p := range r.drain() {
		if p.Seq == seq {
			return p
		}
	}
	return nil
}
