package scenarios

import "math"

// Planner is implemented by Sources that know, before they are played,
// the stretch of time they will cover. A progress display uses it to show
// how much of a run is done while the run goes on; Span is final only at
// the end.
type Planner interface {
	// PlannedSpan returns when the source begins and ends, in Unix ns, as
	// planned before the first call of Next, and false when that is not
	// known in advance (a replay learns its end only by reading the
	// file). A Poisson source with an event count gives its expected end.
	PlannedSpan() (begin, end int64, ok bool)
}

// PlannedSpan returns src's planned span when src is a Planner that knows
// it, and false otherwise.
func PlannedSpan(src Source) (begin, end int64, ok bool) {
	p, isPlanner := src.(Planner)
	if !isPlanner {
		return 0, 0, false
	}
	return p.PlannedSpan()
}

func (s *steady) PlannedSpan() (begin, end int64, ok bool) { return s.begin, s.end, true }

func (t *twoPart) PlannedSpan() (begin, end int64, ok bool) {
	begin, end = t.Span()
	return begin, end, true
}

func (d *dupStorm) PlannedSpan() (begin, end int64, ok bool) { return d.begin, d.end, true }

func (r *ramp) PlannedSpan() (begin, end int64, ok bool) { return r.begin, r.end, true }

func (p *poisson) PlannedSpan() (begin, end int64, ok bool) {
	switch {
	case p.until != math.MaxInt64:
		return p.begin, p.until, true
	case p.n > 0 && float64(p.n)*p.mean < float64(math.MaxInt64-p.begin):
		return p.begin, p.begin + int64(float64(p.n)*p.mean), true
	}
	return 0, 0, false
}

// PlannedSpan of a sequence adds up the planned lengths of its sources,
// each beginning where the one before it ends, as Next plays them.
func (s *sequence) PlannedSpan() (begin, end int64, ok bool) {
	for i, src := range s.srcs {
		b, e, ok := PlannedSpan(src)
		if !ok {
			return 0, 0, false
		}
		if i == 0 {
			begin, end = b, b
		}
		if e-b > math.MaxInt64-end {
			return 0, 0, false
		}
		end += e - b
	}
	return begin, end, len(s.srcs) > 0
}

// PlannedSpan of a merge covers the planned spans of all its sources.
func (m *merge) PlannedSpan() (begin, end int64, ok bool) {
	for i, src := range m.srcs {
		b, e, ok := PlannedSpan(src)
		if !ok {
			return 0, 0, false
		}
		if i == 0 {
			begin, end = b, e
		}
		begin, end = min(begin, b), max(end, e)
	}
	return begin, end, len(m.srcs) > 0
}

func (b *beginAt) PlannedSpan() (begin, end int64, ok bool) {
	_, e, ok := PlannedSpan(b.Source)
	if !ok {
		return 0, 0, false
	}
	return b.begin, max(b.begin, e), true
}
