package probe

import (
	"math"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// gated asks the Sender's discipline about the attempt due next, at at,
// and does what it says unless the attempt may leave then. It reports
// whether it took the attempt (or waited) so that the loop looks again.
func (r *run) gated(at int64, fromSource bool) bool {
	key, event, cp, ok := r.peek(fromSource)
	if !ok {
		return false
	}
	g := r.laneOf(key).gate
	if g == nil {
		return false
	}
	ls := &r.stats.Senders[r.keys.sender(key)]
	act, t := g.hold(key, event, cp, at, ls.Disabled && at >= ls.DisabledAt)
	switch act {
	case proceed:
		return false
	case wait:
		r.link.wait()
		return true
	case defer_:
		if !fromSource {
			if run := r.queue.topRun(); run != nil && g.uniform(run.oneKey, run.claimed, at) {
				r.queue.moveRun(t)
				return true
			}
		}
	}
	p, ok := r.take(fromSource)
	if !ok {
		return true
	}
	switch act {
	case defer_:
		p.at = t
		r.queue.add(p, r.keys.sender(key), g.claims(key, event, cp))
	case park:
		if r.queue.Len()+r.parked() >= r.e.MaxPending && r.err == nil {
			r.err = exitcode.New(exitcode.Usage, &PendingLimitError{Max: r.e.MaxPending, At: time.Duration(at - r.stats.Start), Attempts: r.stats.Attempts})
		}
		g.queue(p)
	case lose:
		r.outcome(&p, Disabled, at)
		r.settled(&p, Disabled, at)
	}
	return true
}

// peek returns the partition, event and copy of the attempt due next,
// without taking it; false when the emission is out of range (take then
// ends the run).
func (r *run) peek(fromSource bool) (key uint32, event uint64, cp uint32, ok bool) {
	if !fromSource {
		h := r.queue.top()
		return h.key, h.event, h.copy, true
	}
	m := &r.next
	if m.Copy < 0 || int64(m.Copy) > math.MaxUint32 || r.checkSender(m) != nil {
		return 0, 0, 0, false
	}
	id, err := r.keys.id(m.Key, m.Workspace, m.Sender)
	if err != nil {
		return 0, 0, 0, false
	}
	return id, m.Event, uint32(m.Copy), true
}

// settled tells the discipline that delivery p ended with fate f at at:
// it queues the delivery an ordered partition hands on to, and disables
// the delivery's lane when its failures in a row have reached its limit.
func (r *run) settled(p *pending, f Fate, at int64) {
	g := r.laneOf(p.key).gate
	if next, ok := g.settled(p, f, at); ok {
		r.queue.push(next)
	}
	ls := &r.stats.Senders[r.keys.sender(p.key)]
	if !ls.Disabled && g.disable() {
		ls.Disabled, ls.DisabledAt = true, at
		if !r.stats.Disabled {
			r.stats.Disabled, r.stats.DisabledAt = true, at
		}
	}
}
