package scenarios

import (
	"io"
	"math"
	"math/bits"
)

// This file holds the shapes whose times fall on an exact grid: steady,
// burst, bulk, retry-storm and duplicate-storm.

// grid steps through the times start + floor(i·per/n), i = 0, 1, 2, ...,
// exactly and without division: it carries the quotient and the remainder
// of i·per/n from one step to the next, so there is no drift however long
// it runs. per may be 0 (every time is start).
type grid struct {
	t     int64  // start + floor(i·per/n)
	rem   uint64 // i·per mod n
	stepQ int64  // per / n
	stepR uint64 // per mod n
	n     uint64
}

func newGrid(start, per int64, n uint64) grid {
	return grid{t: start, stepQ: per / int64(n), stepR: uint64(per) % n, n: n}
}

// advance moves to the next time.
func (g *grid) advance() {
	g.t += g.stepQ
	if g.rem += g.stepR; g.rem >= g.n {
		g.rem -= g.n
		g.t++
	}
}

// mulDiv returns floor(a·b/c) and whether it fits in 64 bits.
func mulDiv(a, b, c uint64) (uint64, bool) {
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		return 0, false
	}
	q, _ := bits.Div64(hi, lo, c)
	return q, true
}

// steady emits n events on a grid, one delivery each, taking the keys in
// turn. It is the steady shape, and the parts of burst, bulk and
// retry-storm.
type steady struct {
	g          grid
	i, n       uint64 // events emitted, events in all
	ev0        uint64 // the number before the first event's
	keys       []string
	k          int // the next key
	size       int64
	begin, end int64
}

func (s *steady) Next() (Emission, error) {
	if s.i == s.n {
		return Emission{}, io.EOF
	}
	s.i++
	e := Emission{Time: s.g.t, Event: s.ev0 + s.i, Copies: 1, Key: s.keys[s.k], Size: s.size}
	if s.i < s.n {
		s.g.advance()
	}
	if s.k++; s.k == len(s.keys) {
		s.k = 0
	}
	return e, nil
}

func (s *steady) Span() (begin, end int64) { return s.begin, s.end }

func (s *steady) emissions() uint64 { return s.n }

// twoPart plays a and then b, which follows on without a shift: the
// queued events of a retry storm, then the live ones.
type twoPart struct {
	a, b  steady
	inB   bool
	begin int64
}

func (t *twoPart) Next() (Emission, error) {
	if !t.inB {
		if e, err := t.a.Next(); err != io.EOF {
			return e, err
		}
		t.inB = true
	}
	return t.b.Next()
}

func (t *twoPart) Span() (begin, end int64) { return t.begin, max(t.a.end, t.b.end) }

func (t *twoPart) emissions() uint64 { return t.a.n + t.b.n }

// dupStorm delivers each event of a steady schedule copies times, copy c
// gap·c after the event's time. Each copy index is a lane, a steady
// schedule shifted by its offset; the lanes are merged in a small heap
// ordered by (time, event, copy), so that with gap 0 the copies of an
// event come together and in order, and with a gap the copies of several
// events interleave in time order.
type dupStorm struct {
	lanes      []lane // a min-heap
	n          uint64 // events per lane
	copies     int
	keys       []string
	size       int64
	begin, end int64
}

// lane is the schedule of one copy index of a duplicate storm.
type lane struct {
	g    grid
	i    uint64 // events emitted
	k    int    // the next key
	copy int
	off  int64 // gap·copy
}

func (d *dupStorm) Next() (Emission, error) {
	if len(d.lanes) == 0 {
		return Emission{}, io.EOF
	}
	l := &d.lanes[0]
	l.i++
	e := Emission{Time: l.g.t + l.off, Event: l.i, Copy: l.copy, Copies: d.copies, Key: d.keys[l.k], Size: d.size}
	if l.k++; l.k == len(d.keys) {
		l.k = 0
	}
	if l.i == d.n {
		last := len(d.lanes) - 1
		d.lanes[0] = d.lanes[last]
		d.lanes = d.lanes[:last]
	} else {
		l.g.advance()
	}
	d.down()
	return e, nil
}

// less orders lanes by their next emission: time, then event, then copy.
func (d *dupStorm) less(i, j int) bool {
	a, b := &d.lanes[i], &d.lanes[j]
	ta, tb := a.g.t+a.off, b.g.t+b.off
	if ta != tb {
		return ta < tb
	}
	if a.i != b.i {
		return a.i < b.i
	}
	return a.copy < b.copy
}

// down restores the heap after the root changed.
func (d *dupStorm) down() {
	for i, n := 0, len(d.lanes); ; {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && d.less(c+1, c) {
			c++
		}
		if !d.less(c, i) {
			return
		}
		d.lanes[i], d.lanes[c] = d.lanes[c], d.lanes[i]
		i = c
	}
}

func (d *dupStorm) Span() (begin, end int64) { return d.begin, d.end }

func (d *dupStorm) emissions() uint64 {
	hi, lo := bits.Mul64(d.n, uint64(d.copies))
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// newSteady returns n events from start, event i (from 0) at
// start + floor(i·per/rate), ending at end.
func newSteady(start, per int64, rate, n uint64, keys []string, size, end int64) *steady {
	return &steady{g: newGrid(start, per, rate), n: n, keys: keys, size: size, begin: start, end: end}
}

// newDupStorm returns n events on the grid of (start, per, rate), each
// delivered copies times, gap apart; end is the end of the schedule.
func newDupStorm(start, per int64, rate, n uint64, copies int, gap int64, keys []string, size, end int64) *dupStorm {
	d := &dupStorm{n: n, copies: copies, keys: keys, size: size, begin: start, end: end}
	if n == 0 {
		return d
	}
	// Lane c starts at start + c·gap: in heap order already.
	d.lanes = make([]lane, copies)
	for c := range d.lanes {
		d.lanes[c] = lane{g: newGrid(start, per, rate), copy: c, off: int64(c) * gap}
	}
	lastCopy := int64(copies-1) * gap
	d.end = max(end, start+int64(mulDivMust(n-1, uint64(per), rate))+lastCopy)
	return d
}

// mulDivMust is mulDiv for products already known to fit.
func mulDivMust(a, b, c uint64) uint64 {
	q, _ := mulDiv(a, b, c)
	return q
}
