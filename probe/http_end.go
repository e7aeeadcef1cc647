package probe

import (
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// reachState is what is known of whether the target answers at all.
type reachState int

const (
	reachUndecided reachState = iota
	reachable
	unreachable
)

// noteReach updates what is known of the target's reachability.
func (r *httpRun) noteReach(s *sendSlot) {
	if r.reach != reachUndecided {
		return
	}
	if !s.dial {
		r.reach = reachable
		return
	}
	if r.dialErr == "" {
		r.dialErr = s.att.Err
	}
}

// checkReach reports whether the target has proved unreachable by now; at
// the end of the run (final) the window need not have passed.
func (r *httpRun) checkReach(now int64, final bool) bool {
	if r.reach != reachUndecided || r.dialErr == "" {
		return false
	}
	if final || now >= r.firstSent+int64(UnreachableWindow) {
		r.reach = unreachable
		return true
	}
	return false
}

// finish stops dispatching, takes back every attempt in flight, ends the
// deliveries still pending and returns Run's error. Cancelling ctx while
// it waits turns the end into an interruption: the attempts in flight get
// Grace to finish, and are then cancelled.
func (r *httpRun) finish(f Fate) error {
	var graceC <-chan time.Time
	startGrace := func() {
		f = Interrupted
		if r.grace > 0 {
			graceC = r.clock.After(r.grace)
		} else {
			r.cancelReqs()
		}
	}
	if r.ctx.Err() != nil {
		startGrace()
	}
	ctxDone := r.ctx.Done()
	for r.inflight > 0 {
		select {
		case s := <-r.done:
			r.complete(s)
		case <-ctxDone:
			ctxDone = nil
			if f != Interrupted {
				startGrace()
			}
		case <-graceC:
			graceC = nil
			r.cancelReqs()
		}
	}
	// A failure-to-connect reported only now still counts.
	unreach := r.reach == unreachable || (f != Interrupted && r.srcErr == nil && r.checkReach(r.now(), true))
	at := r.now()
	for r.queue.Len() > 0 {
		p := r.queue.pop()
		r.outcome(&p, f, at)
	}
	switch {
	case f == Interrupted:
		r.stats.Interrupted = true
		return r.ctx.Err()
	case r.srcErr != nil:
		return r.srcErr
	case unreach:
		return r.unreachableError()
	}
	return nil
}

// unreachableError is the exit-3 error of a target that never answered.
func (r *httpRun) unreachableError() error {
	return exitcode.Runtimef("target %s is unreachable: %s (no attempt got a response; every one failed to connect)", r.host, r.dialErr)
}
