package probe

// Pace returns when to dispatch an attempt that is due at intended, given
// the previous attempt's intended time and the time the pacer counts as its
// dispatch. All times are Unix nanoseconds. It is the whole of the open
// model's pacing rule, a pure function:
//
//	dispatch = max(intended, prevDispatch + max(0, intended − prevIntended))
//
// An attempt never leaves before it is due. When the sender is on
// schedule, it leaves on time. When it is behind (the previous attempt left
// late), it keeps the schedule's gap to the previous attempt rather than
// catching up: the attempts after a stall leave as far apart as they were
// meant to, shifted later, instead of in a burst. So for every i < j,
// dispatch_j − dispatch_i ≥ intended_j − intended_i, and no window of any
// length holds more dispatches than the schedule holds in some window of
// the same length: a sender that was scheduled under 25 per second does
// not exceed 25 in any second by falling behind and catching up.
//
// An attempt due before the previous one (a retry that was queued while a
// later emission left) has no gap to keep; it leaves at once if it is
// already due and the previous attempt has left.
//
// This is the opposite of vegeta's pacer, which, behind schedule, sends
// the missed requests as fast as it can. The engine paces by Pace when it
// is not given the run's profile, or when the profile has a limit other
// than a sliding window; otherwise it catches up, as far as the profile's
// windows allow (see catchUp): each send then bounded, in one window of
// each length the profile measures (not in every window of every length),
// by the schedule's count in that window or by the limit's quota.
func Pace(intended, prevIntended, prevDispatch int64) int64 {
	gap := max(intended-prevIntended, 0)
	return max(intended, prevDispatch+gap)
}

// pacer applies Pace, or the bound of its catchUp when it has one, to a
// stream of attempts and decides which are late.
//
// The dispatch time it keeps for the next attempt is the actual one less
// the tolerance, but never earlier than the time it had planned:
// max(planned, actual − tolerance). Timers oversleep by tens to hundreds of
// microseconds; counting that noise as a real delay would shift the rest of
// the schedule by the sum of every oversleep, so that a steady 1,000/s run
// would fall further behind with every request. Without a catchUp, a real
// delay (the sender waited for a free slot, or stalled for longer than the
// tolerance) does shift every later attempt, by its excess over the
// tolerance, for the rest of the run: the schedule has no slack the pacer
// could use to catch up without sending some window faster than the
// schedule does. (A pacer that recovers any part of a shift beyond the
// tolerance, however slowly, puts into the window that starts where the
// stall ended and ends where the recovery did more sends than the schedule
// holds in any window of that length; a limit whose window has that
// length, and whose quota the plan just meets, would see it. That is why
// a catchUp recovers only as far as the windows the profile measures
// allow.) Those later attempts are then Late too, which is the truth: they
// left late.
//
// Without a catchUp the actual send times therefore satisfy: no window of length L holds
// more sends than the schedule holds in some window of length
// L + tolerance. For a steady rate R and a tolerance below 1/R, that is at
// most R+1 sends in any second.
//
// With a catchUp, the attempts after a stall leave as soon as they are due
// (and the one before them has left), unless the catch-up bound holds them:
// the same time the pacer counts each send at (the tolerance forgiven, so
// timer noise never holds a later send) enters catchUp's schedule clauses,
// which it widens by the tolerance, and the actual send time its counts.
// So in every window of a length L that the bound keeps (every window of
// the profile's sliding-window limits, and 1 s when none is that short),
// the window ending at each send holds no more actual sends than the
// schedule holds in the window of length L + tolerance ending when that
// attempt was due, or no more sends of the whole run than the quota of
// the limits of window L, or the attempt's partition has more first
// attempts planned in the window of length L ending when it was due than
// that quota (see catchUp). Late is decided the same way: more than the
// tolerance after the attempt was due.
type pacer struct {
	tolerance    int64 // ns
	started      bool
	prevIntended int64
	prevDispatch int64 // the reference Pace counts from
	// catchUp, when set, replaces Pace's gap-keeping with a bounded
	// catch-up (see catchUp); due is then the latest due time taken so
	// far, which is when an attempt due before it counts as due.
	catchUp *catchUp
	due     int64
}

// next returns when the attempt due at intended (catchUp.who, when there
// is a catchUp) should leave.
func (p *pacer) next(intended int64) int64 {
	if !p.started {
		return intended
	}
	if p.catchUp != nil {
		return max(intended, p.prevDispatch, p.catchUp.earliest(max(intended, p.due)))
	}
	return Pace(intended, p.prevIntended, p.prevDispatch)
}

// dispatched records that the attempt due at intended, planned by next to
// leave at planned, left at actual (never before planned). It reports
// whether the attempt is late: it left more than the tolerance after it was
// due.
func (p *pacer) dispatched(intended, planned, actual int64) (late bool) {
	if !p.started {
		p.due = intended
	}
	p.started, p.prevIntended, p.prevDispatch = true, intended, max(planned, actual-p.tolerance)
	if p.catchUp != nil {
		p.due = max(p.due, intended)
		p.catchUp.sent(p.due, intended, p.prevDispatch, actual)
	}
	return actual-intended > p.tolerance
}
