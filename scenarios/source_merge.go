package scenarios

import (
	"io"
	"math"
)

// Merge returns a Source that plays sources at the same time, as the
// parallel members of a plan phase: the emissions of all of them, in time
// order. Emissions at the same time come in the order of the sources in
// the argument list, and a source's own emissions keep their order.
//
// Events are renumbered 1, 2, 3, ... in the order of their first
// delivery, so that events of different sources never share a number and
// the copies of one event keep sharing theirs. Merge remembers the number
// of an event only until its last copy has passed (by Copies), so its
// memory grows with the number of sources and of events whose copies are
// still to come, not with the length of the stream.
//
// The returned Source is a Spanner (from the earliest begin to the
// latest end) and an io.Closer, which closes the sources that are
// io.Closers.
func Merge(sources ...Source) Source {
	return &merge{srcs: sources, refill: -1, open: map[eventOf]copyState{}}
}

type merge struct {
	srcs    []Source
	heads   []head // a min-heap by (Time, src)
	started bool
	refill  int // the source whose head was taken last, or -1
	last    uint64
	open    map[eventOf]copyState // events with copies still to come
	popped  bool                  // whether an emission was returned
	begin   int64                 // the first emission's time
	end     int64                 // the latest emission's time
}

// head is the next emission of one source.
type head struct {
	e   Emission
	src int
}

// eventOf names an event of one of the merged sources.
type eventOf struct {
	src   int
	event uint64
}

// copyState is the new number of an event and how many copies remain.
type copyState struct {
	event uint64
	left  int
}

func (m *merge) Next() (Emission, error) {
	if !m.started {
		m.started = true
		m.heads = make([]head, 0, len(m.srcs))
		for i := range m.srcs {
			if err := m.pull(i); err != nil {
				return Emission{}, err
			}
		}
	}
	if m.refill >= 0 {
		i := m.refill
		m.refill = -1
		if err := m.pull(i); err != nil {
			return Emission{}, err
		}
	}
	if len(m.heads) == 0 {
		return Emission{}, io.EOF
	}
	h := m.heads[0]
	n := len(m.heads) - 1
	m.heads[0] = m.heads[n]
	m.heads = m.heads[:n]
	m.down(0)
	m.refill = h.src
	e := h.e
	e.Event = m.renumber(h.src, e)
	if !m.popped {
		m.popped, m.begin = true, e.Time
	}
	m.end = max(m.end, e.Time)
	return e, nil
}

// pull reads the next emission of source i into the heap.
func (m *merge) pull(i int) error {
	e, err := m.srcs[i].Next()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	m.heads = append(m.heads, head{e, i})
	m.up(len(m.heads) - 1)
	return nil
}

// renumber returns the merged stream's number for emission e of source src.
func (m *merge) renumber(src int, e Emission) uint64 {
	if e.Copies <= 1 {
		m.last++
		return m.last
	}
	k := eventOf{src, e.Event}
	st, ok := m.open[k]
	if !ok {
		m.last++
		st = copyState{event: m.last, left: e.Copies}
	}
	if st.left--; st.left <= 0 {
		delete(m.open, k)
	} else {
		m.open[k] = st
	}
	return st.event
}

func (m *merge) less(i, j int) bool {
	a, b := &m.heads[i], &m.heads[j]
	return a.e.Time < b.e.Time || a.e.Time == b.e.Time && a.src < b.src
}

func (m *merge) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !m.less(i, p) {
			return
		}
		m.heads[i], m.heads[p] = m.heads[p], m.heads[i]
		i = p
	}
}

func (m *merge) down(i int) {
	for n := len(m.heads); ; {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && m.less(c+1, c) {
			c++
		}
		if !m.less(c, i) {
			return
		}
		m.heads[i], m.heads[c] = m.heads[c], m.heads[i]
		i = c
	}
}

func (m *merge) Span() (begin, end int64) {
	begin, end = math.MaxInt64, m.end
	if m.popped {
		begin = m.begin
	}
	for _, src := range m.srcs {
		if sp, ok := src.(Spanner); ok {
			b, e := sp.Span()
			begin, end = min(begin, b), max(end, e)
		}
	}
	if begin == math.MaxInt64 {
		begin = end
	}
	return begin, max(begin, end)
}

func (m *merge) Close() error { return closeAll(m.srcs) }
