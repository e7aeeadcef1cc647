package report

import (
	"time"

	"github.com/hooklimit/hooklimit/internal/intmath"
)

// RetryAfterJudge decides which requests to a rate-limited receiver
// ignored a Retry-After. It is the one definition that `run` (the sender's
// view) and `serve` (the receiver's view) both use.
//
// The definition. A 429 carrying Retry-After d, answered at t to an
// attempt of event E on partition P, opens the window (t, t+d): open at
// both ends, so a request at exactly t or exactly t+d is outside it.
//
//   - An attempt of E sent at s follows a Retry-After when a window of E
//     opened at or before s (t ≤ s: a retry sent the instant the 429 came
//     back follows it) and either no attempt of E was sent since that
//     window opened, or the window is still open at s (s < t+d). Its
//     slack is s − (t+d), for the latest-ending such window. A negative
//     slack makes it an early retry; zero or more, it honored the
//     Retry-After. So a retry at exactly t+d is on time and one 1 ns
//     before is early.
//   - Any request to P sent inside a window of P (t < s < t+d) is a
//     partition violation, whichever event it carries; an early retry is
//     always one too. Its slack is s minus the latest end among the
//     windows that hold it; always negative. A request of another event
//     sent at exactly t was sent with the 429, not after it: it is not a
//     violation.
//
// Which clock. Run judges on the sender's clock: s is when the attempt was
// sent and t when its 429 came back. Serve judges on the receiver's clock:
// s is when the request was decided, t when the 429 was decided, which is
// when it was answered. The two agree exactly when the network adds no
// delay (as on loopback in virtual time). On a real network serve sees
// every request a transit time later than run, so the two can only differ
// on a request sent within a round trip of a window's edge: one sent while
// the 429 was on its way back (serve counts it, run cannot blame the
// sender) or one sent within a round trip before t+d.
//
// Use. Feed every attempt to Add, in the order they were sent (ties in any
// order), each with its answer; an answer may come after later attempts
// were sent, and the judge still places its window at its own t. Partition
// and event identify what shares a window: the caller passes the
// partition key of the profile's scope and any number that is the same
// for every attempt of one event and different for different events.
// Memory holds the windows not yet closed and, per event, those not yet
// followed by an attempt: call Forget when an event will not be sent
// again, and Expire now and then to drop the partitions whose windows
// have all closed. A RetryAfterJudge is not safe for concurrent use; its
// zero value is not ready, use NewRetryAfterJudge.
type RetryAfterJudge struct {
	parts  map[string]*partWindows
	single eventSet                 // events with one window open: most, held without a slice
	events map[uint64][]eventWindow // events with more
	c      RetryAfterCounts
	// lastPart is the partition of parts named lastName that an attempt
	// found last, or nil: attempts to one partition in a row look it up
	// once.
	lastPart *partWindows
	lastName string
	// noShort, set by tests, judges every attempt the long way (see
	// addShort).
	noShort bool
}

// RetryAfterAttempt is one attempt as the judge needs it. Times are Unix
// nanoseconds; Answered must not be before Sent.
type RetryAfterAttempt struct {
	Partition     string
	Event         uint64
	Sent          int64 // when the attempt was sent (run) or received (serve)
	Answered      int64 // when its answer came back (run) or was given (serve)
	Status        int
	RetryAfter    time.Duration // the Retry-After of the answer, when HasRetryAfter
	HasRetryAfter bool
}

// RetryAfterVerdict is what the judge found of one attempt.
type RetryAfterVerdict struct {
	// FollowsRetryAfter says the attempt came after a Retry-After of its
	// own event (see RetryAfterJudge); RetrySlack is then its slack, and
	// Early says it is negative.
	FollowsRetryAfter bool
	Early             bool
	RetrySlack        time.Duration
	// Violation says the attempt was sent inside a window of its
	// partition; PartitionSlack is then its (negative) slack.
	Violation      bool
	PartitionSlack time.Duration
}

// RetryAfterCounts sums up the verdicts so far.
type RetryAfterCounts struct {
	Honored             int64 // attempts that followed a Retry-After with slack ≥ 0
	Early               int64 // attempts that followed a Retry-After with slack < 0
	PartitionViolations int64
	// MinRetrySlack is the smallest slack of an attempt that followed a
	// Retry-After, when HasRetrySlack; MinPartitionSlack the smallest of a
	// partition violation, when HasPartitionSlack.
	MinRetrySlack, MinPartitionSlack time.Duration
	HasRetrySlack, HasPartitionSlack bool
}

// MinRetrySlackMS returns MinRetrySlack in whole milliseconds, rounded
// down (so a slack of −0.3 ms shows as −1 ms, never as 0), or nil when
// there is none.
func (c RetryAfterCounts) MinRetrySlackMS() *int64 { return floorMS(c.MinRetrySlack, c.HasRetrySlack) }

// MinPartitionSlackMS returns MinPartitionSlack as MinRetrySlackMS does.
func (c RetryAfterCounts) MinPartitionSlackMS() *int64 {
	return floorMS(c.MinPartitionSlack, c.HasPartitionSlack)
}

func floorMS(d time.Duration, ok bool) *int64 {
	if !ok {
		return nil
	}
	ms := intmath.FloorDiv(int64(d), int64(time.Millisecond))
	return &ms
}

// partWindows are a partition's windows: until is the latest end of the
// windows opened so far, and pending holds those that open later than the
// latest request judged on the partition (a 429 still on its way back
// while later attempts left).
type partWindows struct {
	until   int64
	pending []window
	// first is at or before the start of every window in pending: open
	// looks at none before a time after it.
	first int64
}

// window is a Retry-After window: from t to t+d, both excluded.
type window struct{ from, until int64 }

// holds reports whether every time inside v is inside w, where no end
// ends later: a partition that has w open learns nothing from v (a burst
// answered in one instant opens the same window again and again).
func (w window) holds(v window) bool { return w.from <= v.from && v.until <= w.until }

// eventWindow is one window of an event, and whether an attempt of the
// event was sent since it opened.
type eventWindow struct {
	window
	followed bool
}

// NewRetryAfterJudge returns a judge that has seen nothing.
func NewRetryAfterJudge() *RetryAfterJudge {
	return &RetryAfterJudge{parts: map[string]*partWindows{}, events: map[uint64][]eventWindow{}}
}

// Add judges one attempt, and opens the windows of its answer. Attempts
// must come in the order of Sent.
func (j *RetryAfterJudge) Add(a RetryAfterAttempt) RetryAfterVerdict {
	var v RetryAfterVerdict
	j.add(&a, &v)
	return v
}

// add is Add, a passed by reference, writing its verdict into v: a
// verdict returned would be written a field at a time and copied at once,
// which waits for the writes.
func (j *RetryAfterJudge) add(a *RetryAfterAttempt, v *RetryAfterVerdict) {
	if !j.noShort && j.addShort(a, v) {
		return
	}
	*v = RetryAfterVerdict{}
	s := a.Sent
	opens := a.Status == 429 && a.HasRetryAfter && a.RetryAfter > 0
	// The event's windows once followed: kept1 is the one left in single,
	// when it is there; ws those left in events, when inN. An entry whose
	// attempt opens a window is written once, below; sl is its slot in
	// the ring when it has one there that has closed by s: the attempt
	// follows it when it was not followed, with a slack of 0 or more, and
	// it is dropped (or written over, below) without followEvent.
	var sl *eventSlot
	var w1 eventWindow
	in1, kept1, inN := false, false, false
	var ws []eventWindow
	if j.single.inRange(a.Event) {
		if sl = j.single.slot(a.Event); sl.set && sl.w.until <= s && sl.w.from <= s {
			v.FollowsRetryAfter, v.RetrySlack = !sl.w.followed, time.Duration(s-sl.w.until)
			if !opens {
				j.single.del(a.Event)
			}
		} else {
			sl = nil
		}
	}
	if sl == nil {
		w1, in1 = j.single.get(a.Event)
	}
	if in1 {
		buf := [1]eventWindow{w1}
		var rest []eventWindow
		v.FollowsRetryAfter, v.RetrySlack, rest = followEvent(buf[:], s)
		if kept1 = len(rest) > 0; kept1 {
			w1 = rest[0]
		}
		switch {
		case opens:
		case kept1:
			j.single.put(a.Event, w1)
		default:
			j.single.del(a.Event)
		}
	} else if len(j.events) > 0 {
		if ws, inN = j.events[a.Event]; inN {
			v.FollowsRetryAfter, v.RetrySlack, ws = followEvent(ws, s)
			switch {
			case len(ws) == 0:
				delete(j.events, a.Event)
				inN = false
			case !opens:
				j.events[a.Event] = ws
			}
		}
	}
	if v.FollowsRetryAfter {
		v.Early = v.RetrySlack < 0
		if v.Early {
			j.c.Early++
		} else {
			j.c.Honored++
		}
		if !j.c.HasRetrySlack || v.RetrySlack < j.c.MinRetrySlack {
			j.c.MinRetrySlack, j.c.HasRetrySlack = v.RetrySlack, true
		}
	}
	until := s
	p := j.part(a.Partition)
	if p != nil {
		p.open(s)
		until = max(until, p.until)
	}
	if v.Early {
		until = max(until, s-int64(v.RetrySlack))
	}
	if s < until {
		v.Violation, v.PartitionSlack = true, time.Duration(s-until)
		j.c.PartitionViolations++
		if !j.c.HasPartitionSlack || v.PartitionSlack < j.c.MinPartitionSlack {
			j.c.MinPartitionSlack, j.c.HasPartitionSlack = v.PartitionSlack, true
		}
	}
	if opens {
		w := window{from: max(a.Answered, s), until: max(a.Answered, s) + int64(a.RetryAfter)}
		ew := eventWindow{window: w}
		switch {
		case sl != nil:
			sl.w = ew // over the one followed and closed
		case inN:
			j.events[a.Event] = append(ws, ew)
		case kept1:
			j.single.del(a.Event)
			j.events[a.Event] = []eventWindow{w1, ew}
		default:
			j.single.put(a.Event, ew) // over the one followed and closed, if any
		}
		if p == nil {
			p = &partWindows{}
			j.parts[a.Partition] = p
			j.lastPart, j.lastName = p, a.Partition
		}
		p.push(w)
	}
}

// addShort is add for the attempt of a retry storm, when it can: an
// event whose slot in the ring holds one window, closed by the attempt,
// or holds none while no event has a window outside the ring; to the
// partition of the attempt before it. It reports whether it judged a;
// when not, it changed nothing but what the long way changes first (the
// partition's windows opened before a).
func (j *RetryAfterJudge) addShort(a *RetryAfterAttempt, v *RetryAfterVerdict) bool {
	s, e := a.Sent, a.Event
	p := j.lastPart
	if !j.single.inRange(e) || p == nil || !sameString(j.lastName, a.Partition) {
		return false
	}
	p.open(s) // as the long way does, whichever way a is judged
	sl := j.single.slot(e)
	if sl.set {
		if sl.w.until > s || sl.w.from > s {
			return false
		}
	} else if len(j.single.more) > 0 || len(j.events) > 0 {
		return false
	}
	// It follows the window it closed when nothing followed it yet, with
	// a slack of 0 or more: never early, so the partition's windows alone
	// say whether it is a violation.
	sl0 := sl.set
	follows, slack := sl0 && !sl.w.followed, time.Duration(s-sl.w.until)
	if follows {
		j.c.Honored++
		if !j.c.HasRetrySlack || slack < j.c.MinRetrySlack {
			j.c.MinRetrySlack, j.c.HasRetrySlack = slack, true
		}
	}
	violation, pslack := s < p.until, time.Duration(s-p.until)
	if violation {
		j.c.PartitionViolations++
		if !j.c.HasPartitionSlack || pslack < j.c.MinPartitionSlack {
			j.c.MinPartitionSlack, j.c.HasPartitionSlack = pslack, true
		}
	}
	switch {
	case a.Status == 429 && a.HasRetryAfter && a.RetryAfter > 0:
		from := max(a.Answered, s)
		w := window{from: from, until: from + int64(a.RetryAfter)}
		if !sl.set {
			sl.set = true
			j.single.inRing++
		}
		sl.w = eventWindow{window: w}
		p.push(w)
	case sl.set:
		*sl = eventSlot{}
		j.single.inRing--
	}
	*v = RetryAfterVerdict{FollowsRetryAfter: follows, Violation: violation}
	if sl0 {
		v.RetrySlack = slack // as followEvent gives it, followed or not
	}
	if violation {
		v.PartitionSlack = pslack
	}
	return true
}

// part returns the windows of partition name, or nil when it has none.
func (j *RetryAfterJudge) part(name string) *partWindows {
	if j.lastPart != nil && j.lastName == name {
		return j.lastPart
	}
	p := j.parts[name]
	if p != nil {
		j.lastPart, j.lastName = p, name
	}
	return p
}

// followEvent judges an attempt at s against its event's windows, marks
// the windows opened at or before s followed, and drops those that are
// followed and closed.
//
// The followed windows still open are kept as one: the one that ends
// last. A later attempt (at s' ≥ s) follows a followed window only while
// it is open, and then only its end counts, so the latest end says all
// the others would: an event retried early again and again (a sender
// hammering one partition) holds two windows, not one per 429.
func followEvent(ws []eventWindow, s int64) (follows bool, slack time.Duration, rest []eventWindow) {
	var until int64
	for i := range ws {
		w := &ws[i]
		if w.from > s {
			continue
		}
		if !w.followed || w.until > s {
			if !follows || w.until > until {
				until = w.until
			}
			follows = true
		}
		w.followed = true
	}
	rest = ws[:0]
	var last eventWindow // the followed window open longest
	for _, w := range ws {
		switch {
		case !w.followed:
			rest = append(rest, w)
		case w.until > s && (!last.followed || w.until > last.until):
			last = w
		}
	}
	if last.followed {
		rest = append(rest, last) // fits: last is one of ws not kept in rest
	}
	return follows, time.Duration(s - until), rest
}

// push adds w to the windows waiting to open; a window inside the last
// one adds nothing.
func (p *partWindows) push(w window) {
	if n := len(p.pending); n == 0 || !p.pending[n-1].holds(w) {
		p.pending = append(p.pending, w)
		if n == 0 || w.from < p.first {
			p.first = w.from
		}
	}
}

// open moves the windows that opened before s from pending into until.
func (p *partWindows) open(s int64) {
	if len(p.pending) == 0 || p.first >= s {
		return // none opened before s: a burst at one instant looks once
	}
	rest := p.pending[:0]
	for _, w := range p.pending {
		if w.from < s {
			p.until = max(p.until, w.until)
		} else {
			rest = append(rest, w)
		}
	}
	p.first = s // every window left opens at s or later
	clear(p.pending[len(rest):])
	p.pending = rest
}

// Forget drops what the judge keeps of an event that will not be sent
// again.
func (j *RetryAfterJudge) Forget(event uint64) {
	j.single.del(event)
	delete(j.events, event)
}

// Expire drops the partitions whose windows all closed at or before now.
// Call it only with a now that no later attempt is sent before.
func (j *RetryAfterJudge) Expire(now int64) {
	for k, p := range j.parts {
		p.open(now)
		if p.until <= now && len(p.pending) == 0 {
			delete(j.parts, k)
			if p == j.lastPart {
				j.lastPart, j.lastName = nil, ""
			}
		}
	}
}

// Counts returns the sums so far.
func (j *RetryAfterJudge) Counts() RetryAfterCounts { return j.c }

// live returns how many partitions and events the judge holds.
func (j *RetryAfterJudge) live() (parts, events int) {
	return len(j.parts), j.single.len() + len(j.events)
}
