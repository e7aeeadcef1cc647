package scenarios

import (
	"errors"
	"fmt"
	"io"

	"github.com/hooklimit/hooklimit/limitsim"
)

// Emission is one delivery the sender wants to make of an event.
//
// An event is one thing that happened at the sender (a ticket updated, an
// alert raised). Usually it is delivered once; in a duplicate storm the
// same event is delivered several times, and each delivery is an Emission
// with the same Event number and its own Copy.
type Emission struct {
	Time   int64  // intended time of the first attempt, Unix ns
	Event  uint64 // event number, from 1; the copies of one event share it
	Copy   int    // 0 for the first delivery, 1.. for duplicates of the same event
	Copies int    // how many deliveries of this event the stream holds in all
	Key    string // partition key (trigger, webhook, tenant, ...)
	// Workspace is the workspace the event is sent to: a replayed record's
	// (ReadOptions.WorkspaceField), else "" (all traffic one workspace).
	Workspace string
	Size      int64 // body size in bytes (0: the sender's default)
	// Sender is the index of the plan's sender that sends the event
	// (Plan.Senders); 0 for a plan with one sender, and for every shape.
	Sender int
}

// Source is a stream of Emissions: the traffic a run replays.
//
// Next returns the emissions in non-decreasing Time order, and io.EOF after
// the last one. Any other error is final. Every Source of this package
// numbers its events 1, 2, 3, ... in the order of their first delivery
// (Copy 0), streams in constant memory whatever the number of events, and
// gives the same emissions every time for the same parameters and seed. A
// Source is not safe for concurrent use.
type Source interface {
	Next() (Emission, error)
}

// Spanner is implemented by Sources that know the stretch of time they
// cover, which may extend past their last emission: a steady minute at
// 20/s ends at the full minute, not at its last event 50 ms before, and a
// bulk operation ends after its quiet tail. Sequence uses it to start each
// phase where the previous one ended. Every Source of this package
// implements it.
type Spanner interface {
	// Span returns when the source begins and ends, in Unix ns, with
	// begin <= every emission's Time <= end. Begin is known once Next has
	// been called; end is final once Next has returned io.EOF (a Poisson
	// source with an event count or a replay learns it only then).
	Span() (begin, end int64)
}

// Sequence returns a Source that plays sources one after another, as the
// phases of a plan.
//
// The first source plays at its own times. Each later source is shifted
// in time so that it begins where the previous one ended: its Span begin
// (or, for a Source that is not a Spanner, its first emission) is moved
// to the previous source's Span end (or its last emission). An empty
// source that is a Spanner still takes its time; one that is not takes
// none. Event numbers are offset so that they stay unique: the events of
// a later source are numbered after every event before it.
//
// Use Merge for phases that run at the same time. The returned Source is a
// Spanner and an io.Closer, which closes the sources that are io.Closers.
func Sequence(sources ...Source) Source {
	return &sequence{srcs: sources}
}

type sequence struct {
	srcs     []Source
	cur      int    // the source playing now
	started  bool   // whether cur has been positioned
	shift    int64  // added to cur's times
	evOff    uint64 // added to cur's event numbers
	maxEv    uint64 // the largest event number returned so far
	anchored bool   // whether end holds the end of an earlier source
	begin    int64  // the sequence's begin
	end      int64  // the end of the sources played so far
}

func (s *sequence) Next() (Emission, error) {
	for s.cur < len(s.srcs) {
		src := s.srcs[s.cur]
		e, err := src.Next()
		if err == io.EOF {
			s.finish(src)
			continue
		}
		if err != nil {
			return Emission{}, err
		}
		if !s.started {
			s.position(src, e.Time)
		}
		if t, ok := addTime(e.Time, s.shift); ok {
			e.Time = t
		} else {
			return Emission{}, errTimeRange
		}
		e.Event += s.evOff
		s.maxEv = max(s.maxEv, e.Event)
		s.end = max(s.end, e.Time)
		return e, nil
	}
	return Emission{}, io.EOF
}

// position computes the shift of the current source, whose first
// emission is at first (unshifted).
func (s *sequence) position(src Source, first int64) {
	s.started = true
	b := first
	if sp, ok := src.(Spanner); ok {
		b, _ = sp.Span()
	}
	if !s.anchored {
		s.shift, s.begin, s.end, s.anchored = 0, b, b, true
		return
	}
	s.shift = s.end - b
}

// finish records the end of the current source and moves to the next.
func (s *sequence) finish(src Source) {
	if sp, ok := src.(Spanner); ok {
		b, e := sp.Span()
		if !s.started {
			if !s.anchored {
				s.begin, s.end, s.anchored = b, b, true
			}
			s.shift = s.end - b
		}
		if t, ok := addTime(e, s.shift); ok {
			s.end = max(s.end, t)
		}
	}
	s.cur++
	s.started = false
	s.evOff = s.maxEv
}

func (s *sequence) Span() (begin, end int64) { return s.begin, s.end }

func (s *sequence) Close() error { return closeAll(s.srcs) }

// beginAt is a Source whose span begins at a given time, before its own:
// a parallel group whose members all start late still begins on time.
type beginAt struct {
	Source
	begin int64
}

func (b *beginAt) Span() (begin, end int64) {
	end = b.begin
	if sp, ok := b.Source.(Spanner); ok {
		_, end = sp.Span()
	}
	return b.begin, max(b.begin, end)
}

func (b *beginAt) Close() error { return closeAll([]Source{b.Source}) }

// closeAll closes the sources that are io.Closers and returns the first error.
func closeAll(srcs []Source) error {
	var errs []error
	for _, s := range srcs {
		if c, ok := s.(io.Closer); ok {
			if err := c.Close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// errTimeRange is returned when shifting a phase moves a time beyond
// the range the tool analyses (see limitsim.MaxTime).
var errTimeRange = fmt.Errorf("scenarios: emission time out of range (after the year 2189)")

// addTime returns t + d and whether it fits in an int64 and lies within
// limitsim.MinTime and limitsim.MaxTime.
func addTime(t, d int64) (int64, bool) {
	s := t + d
	if (d > 0 && s < t) || (d < 0 && s > t) || !limitsim.InTimeRange(s) {
		return 0, false
	}
	return s, true
}
