package session

import (
	"encoding/binary"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

// countID counts an event in e by where its id came from.
func countID(e *report.EventIDs, f IDFrom) {
	switch f {
	case IDHeader:
		e.Header++
	case IDBody:
		e.Body++
	case IDHash:
		e.Hash++
	default:
		e.None++
	}
}

// RequestInfo is what the recorder learnt of one keyed request, for its
// line in the results file (see RequestLog).
type RequestInfo struct {
	Event uint64 // the event's number in the session, from 1
	N     int    // the attempt's number in its event, from 1
	// FollowsRetryAfter says the request is a retry after a 429 that
	// carried Retry-After, and Slack (ns) how long after the Retry-After
	// it came: negative when it came early.
	FollowsRetryAfter bool
	Slack             int64
	// Violation says the request came inside another 429's Retry-After on
	// its partition, PartitionSlack (ns) how far inside.
	Violation      bool
	PartitionSlack int64
}

// evState is what the tracker keeps of one event: 40 bytes.
type evState struct {
	num       uint64
	last      int64 // time of the latest attempt
	ra        int64 // Retry-After sent with the latest answer, ns; 0 none
	attempts  uint32
	accepted  uint32
	failed    bool // the latest answer was not a 2xx
	everFails bool // some answer was not a 2xx
}

// eventTracker follows events across their attempts with bounded memory:
// two generations of a map from event hash to state, the older dropped a
// half-TTL after it was retired (so an event is remembered between TTL/2
// and TTL after its latest attempt), and both together at most maxLive
// entries (a generation is retired early when it fills half of that).
type eventTracker struct {
	giveUp, ttl int64
	maxLive     int
	cur, old    map[uint64]evState
	rotated     int64
	started     bool
	next        uint64 // the last event number given

	d            report.ServeDelivery
	failedEvents int64 // events with some answer not 2xx, forgotten ones
	judge        *report.RetryAfterJudge
	senders      map[string]struct{}
	sched        scheduleObs
}

func newEventTracker(giveUp, ttl time.Duration, maxLive int) *eventTracker {
	t := &eventTracker{giveUp: int64(giveUp), ttl: max(int64(ttl), 2*int64(giveUp), int64(time.Second)),
		maxLive: max(maxLive, 2), cur: map[uint64]evState{}, old: map[uint64]evState{},
		judge: report.NewRetryAfterJudge(), senders: map[string]struct{}{}}
	return t
}

// add counts one request, in time order.
func (t *eventTracker) add(r *Record, partition string) RequestInfo {
	now := r.Time
	if !t.started {
		t.started, t.rotated = true, now
	}
	if now-t.rotated >= t.ttl/2 || len(t.cur) >= t.maxLive/2 {
		t.rotate(now)
	}
	d := &t.d
	d.Attempts++
	ok := r.Accepted()
	switch {
	case r.Unanswered:
		d.Unanswered++
	case ok:
		d.Accepted++
	case r.Status == 429:
		d.Rejected429++
	default:
		d.Errors++
	}
	ra := r.RetryAfter * int64(time.Second)
	if r.Unanswered {
		ra = 0 // the sender never saw it
	}
	if r.Status == 429 && ra > 0 {
		d.RetryAfterSent++
	}
	if r.Sender != "" && len(t.senders) < report.MaxSenders {
		if _, ok := t.senders[r.Sender]; !ok {
			t.senders[r.Sender] = struct{}{}
			d.Senders++
		}
	}
	var info RequestInfo
	var st evState
	found := false
	ev := eventKey(r)
	if r.IDFrom != IDNone {
		if st, found = t.cur[ev]; !found {
			if st, found = t.old[ev]; found {
				delete(t.old, ev)
			}
		}
	}
	if !found {
		t.next++
		st = evState{num: t.next}
		d.Events++
		countID(&d.IDs, r.IDFrom)
	}
	st.attempts++
	info.Event, info.N = st.num, int(st.attempts)
	if st.attempts > 1 {
		d.Retries++
		t.sched.add(int(st.attempts-1), now-st.last, st.ra)
	}
	if ok {
		if st.accepted > 0 {
			d.Duplicates++
		} else {
			d.Delivered++
		}
		st.accepted++
	}
	st.last, st.failed = now, !ok
	st.everFails = st.everFails || !ok
	st.ra = 0
	if r.Status == 429 && !r.Unanswered {
		st.ra = ra
	}
	v := t.judge.Add(report.RetryAfterAttempt{Partition: partition, Event: st.num, Sent: now, Answered: now,
		Status: r.Status, RetryAfter: time.Duration(ra), HasRetryAfter: ra > 0})
	info.FollowsRetryAfter, info.Slack = v.FollowsRetryAfter, int64(v.RetrySlack)
	info.Violation, info.PartitionSlack = v.Violation, int64(v.PartitionSlack)
	if r.IDFrom == IDNone {
		if !ok { // it cannot be followed: given up at once
			t.d.GivenUp++
			t.failedEvents++
		}
		t.judge.Forget(st.num)
	} else {
		t.cur[ev] = st
	}
	return info
}

// expire rotates the generations when a half-TTL has passed since the
// last rotation, as add does, for a tracker that gets no requests. It
// returns how many events it forgot.
func (t *eventTracker) expire(now int64) int {
	if !t.started || now-t.rotated < t.ttl/2 {
		return 0
	}
	n := len(t.old)
	t.rotate(now)
	return n
}

// rotate drops the older generation, settling its events, and retires
// the current one.
func (t *eventTracker) rotate(now int64) {
	for _, st := range t.old {
		t.settle(st, now, true)
		t.judge.Forget(st.num)
	}
	clear(t.old)
	t.old, t.cur = t.cur, t.old
	t.rotated = now
	t.judge.Expire(now)
}

// eventKey is what identifies the event of r in the tracker: its id (or
// body hash) together with its partition key and its sender, so that
// separate senders, or the same id sent to two webhooks, are separate
// events.
func eventKey(r *Record) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], r.EventHash)
	h := xxhash.New()
	_, _ = h.Write(b[:])
	_, _ = h.WriteString(r.Key)
	_, _ = h.Write([]byte{0})
	_, _ = h.WriteString(r.Sender)
	return h.Sum64()
}

// settle counts the fate of an event that leaves memory (forget) or is
// looked at for a result.
func (t *eventTracker) settle(st evState, now int64, forget bool) (givenUp, pending bool) {
	if st.everFails && forget {
		t.failedEvents++
	}
	if st.accepted > 0 || !st.failed {
		return false, false
	}
	if now-(st.last+st.ra) >= t.giveUp {
		if forget {
			t.d.GivenUp++
		}
		return true, false
	}
	if forget {
		t.d.GivenUp++
		t.d.Forgotten++
	}
	return false, true
}

// delivery returns the numbers as they stand at end: the events in memory
// that are not delivered are given up or pending as of end.
func (t *eventTracker) delivery(end int64) (report.ServeDelivery, report.RetrySchedule) {
	d := t.d
	failed := t.failedEvents
	for _, m := range [2]map[uint64]evState{t.cur, t.old} {
		for _, st := range m {
			if st.everFails {
				failed++
			}
			g, p := t.settle(st, end, false)
			if g {
				d.GivenUp++
			}
			if p {
				d.Pending++
			}
		}
	}
	if d.Events > 0 {
		d.Amplification = numfmt.Round3(float64(d.Attempts) / float64(d.Events))
	}
	if d.Attempts > 0 {
		d.Rate429 = numfmt.Round3(float64(d.Rejected429) / float64(d.Attempts))
	}
	ra := t.judge.Counts()
	d.RetryAfterHonored, d.RetryAfterEarly, d.PartitionViolations = ra.Honored, ra.Early, ra.PartitionViolations
	d.MinRetrySlackMS, d.MinPartitionSlackMS = ra.MinRetrySlackMS(), ra.MinPartitionSlackMS()
	return d, t.sched.result(failed)
}

// live returns how many events are in memory.
func (t *eventTracker) live() int { return len(t.cur) + len(t.old) }
