package report

// eventSet maps event numbers to one window each, as a map would, for
// RetryAfterJudge. The events numbered close together, as a run numbers
// them (1, 2, 3, ... in the order they were first sent, so that the ones
// waiting for a retry at once are neighbours), live in a ring indexed by
// their number: no hashing, and an event's neighbours in the same cache
// lines. Any other event, one far from those in the ring, as a server's
// event ids may be, goes to a map. The zero value is empty, ready to use.
type eventSet struct {
	// ring holds events base to base+len(ring)-1, event e at
	// e&(len(ring)-1); its length is a power of two, or 0.
	ring   []eventSlot
	base   uint64
	inRing int
	more   map[uint64]eventWindow // the events outside the ring
}

// eventSlot is one place of the ring: an event's window when set.
type eventSlot struct {
	w   eventWindow
	set bool
}

// The ring's first and largest sizes: 16,384 slots are 512 KB, for as many
// events waiting at once within the same span of numbers.
const (
	minEventRing = 64
	maxEventRing = 1 << 14
)

// inRange reports whether the ring's span holds event e.
func (s *eventSet) inRange(e uint64) bool { return e-s.base < uint64(len(s.ring)) }

// get returns the window of event e, and whether it has one.
func (s *eventSet) get(e uint64) (eventWindow, bool) {
	if s.inRange(e) {
		if sl := &s.ring[e&uint64(len(s.ring)-1)]; sl.set {
			return sl.w, true
		}
	}
	if len(s.more) > 0 {
		w, ok := s.more[e]
		return w, ok
	}
	return eventWindow{}, false
}

// slot returns the slot of event e, which must be inRange: its window
// when set.
func (s *eventSet) slot(e uint64) *eventSlot { return &s.ring[e&uint64(len(s.ring)-1)] }

// put sets the window of event e.
func (s *eventSet) put(e uint64, w eventWindow) {
	if !s.inRange(e) && !s.reach(e) {
		if s.more == nil {
			s.more = make(map[uint64]eventWindow)
		}
		s.more[e] = w
		return
	}
	if len(s.more) > 0 {
		delete(s.more, e) // put there before the ring reached it
	}
	sl := &s.ring[e&uint64(len(s.ring)-1)]
	if !sl.set {
		sl.set = true
		s.inRing++
	}
	sl.w = w
}

// del removes event e.
func (s *eventSet) del(e uint64) {
	if s.inRange(e) {
		if sl := &s.ring[e&uint64(len(s.ring)-1)]; sl.set {
			*sl = eventSlot{}
			s.inRing--
			return
		}
	}
	if len(s.more) > 0 {
		delete(s.more, e)
	}
}

// len returns how many events have a window.
func (s *eventSet) len() int { return s.inRing + len(s.more) }

// reach moves or grows the ring so that its span holds e, which it does
// not, and reports whether it could: not for an event below the span of
// a ring that holds some, nor one more than a ring's length beyond it,
// nor one that would need a ring larger than maxEventRing.
func (s *eventSet) reach(e uint64) bool {
	if s.inRing == 0 {
		if s.ring == nil {
			s.ring = make([]eventSlot, minEventRing)
		}
		s.base = e
		return true
	}
	n := uint64(len(s.ring))
	if e < s.base || e-s.base >= 2*n {
		return false
	}
	// Skip the free slots at the start (at most e-base-n+1 of them: each
	// passed once), then grow if that is not enough.
	for s.base+n <= e && !s.ring[s.base&(n-1)].set {
		s.base++
	}
	if e-s.base < n {
		return true
	}
	if 2*n > maxEventRing {
		return false
	}
	ring := make([]eventSlot, 2*n)
	for i := range s.ring {
		if sl := s.ring[i]; sl.set {
			ev := s.base + (uint64(i)-s.base)&(n-1) // the event slot i holds
			ring[ev&(2*n-1)] = sl
		}
	}
	s.ring = ring
	return true
}
