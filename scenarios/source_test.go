package scenarios

import (
	"errors"
	"io"
	"slices"
	"testing"
	"time"
)

// emissionList is a Source over a slice, not a Spanner, with an optional
// error instead of io.EOF.
type emissionList struct {
	es     []Emission
	err    error
	closed int
}

func (l *emissionList) Next() (Emission, error) {
	if len(l.es) == 0 {
		if l.err != nil {
			return Emission{}, l.err
		}
		return Emission{}, io.EOF
	}
	e := l.es[0]
	l.es = l.es[1:]
	return e, nil
}

func (l *emissionList) Close() error { l.closed++; return nil }

// ems returns single deliveries at the given times, events 1, 2, ...,
// keyed key.
func ems(key string, times ...int64) []Emission {
	out := make([]Emission, len(times))
	for i, t := range times {
		out[i] = Emission{Time: t, Event: uint64(i + 1), Copies: 1, Key: key}
	}
	return out
}

// timeline is emissions as (offset from s0, event, key) for comparing.
type tl struct {
	off   int64
	event uint64
	key   string
}

func timeline(es []Emission) []tl {
	out := make([]tl, len(es))
	for i, e := range es {
		out[i] = tl{e.Time - s0, e.Event, e.Key}
	}
	return out
}

func TestSequence(t *testing.T) {
	src := Sequence(
		mustNew(t, "steady", Params{Rate: Rate{4, time.Second}, Duration: time.Second}),            // 0, .25, .5, .75; ends at 1 s
		mustNew(t, "burst", Params{Events: 2, Keys: 2}),                                            // both at 1 s
		mustNew(t, "steady", Params{Rate: Rate{1, time.Second}, Duration: 500 * time.Millisecond}), // empty, half a second
		&emissionList{es: ems("x", 100, 100, 300)},                                                 // not a Spanner: from its first emission
		mustNew(t, "steady", Params{Rate: Rate{2, time.Second}, Events: 2}),                        // after the last emission
	)
	es := collect(t, src)
	checkStream(t, src, es)
	want := []tl{
		{0, 1, "t1"}, {25e7, 2, "t1"}, {5e8, 3, "t1"}, {75e7, 4, "t1"},
		{1e9, 5, "t1"}, {1e9, 6, "t2"},
		{15e8, 7, "x"}, {15e8, 8, "x"}, {15e8 + 200, 9, "x"},
		{15e8 + 200, 10, "t1"}, {20e8 + 200, 11, "t1"},
	}
	if got := timeline(es); !slices.Equal(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if b, e := src.(Spanner).Span(); b != s0 || e != s0+25e8+200 {
		t.Errorf("span +%d..+%d", b-s0, e-s0)
	}
}

func TestSequenceCopies(t *testing.T) {
	dup := Params{Rate: Rate{1, time.Second}, Events: 2, Copies: 2}
	src := Sequence(mustNew(t, "duplicate-storm", dup), mustNew(t, "duplicate-storm", dup))
	es := collect(t, src)
	checkStream(t, src, es)
	var events []uint64
	for _, e := range es {
		events = append(events, e.Event)
	}
	if want := []uint64{1, 1, 2, 2, 3, 3, 4, 4}; !slices.Equal(events, want) {
		t.Errorf("events %v, want %v", events, want)
	}
}

func TestSequenceError(t *testing.T) {
	boom := errors.New("boom")
	src := Sequence(&emissionList{es: ems("a", 1), err: boom}, mustNew(t, "burst", Params{}))
	es, err := collectErr(src)
	if len(es) != 1 || err != boom {
		t.Errorf("got %d emissions and %v, want 1 and boom", len(es), err)
	}
}

func TestMerge(t *testing.T) {
	a := &emissionList{es: ems("a", s0, s0+1, s0+1)}
	b := &emissionList{es: ems("b", s0+1, s0+1, s0+2)}
	c := &emissionList{}
	src := Merge(a, c, b)
	es := collect(t, src)
	checkStream(t, src, es)
	want := []tl{{0, 1, "a"}, {1, 2, "a"}, {1, 3, "a"}, {1, 4, "b"}, {1, 5, "b"}, {2, 6, "b"}}
	if got := timeline(es); !slices.Equal(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if b, e := src.(Spanner).Span(); b != s0 || e != s0+2 {
		t.Errorf("span +%d..+%d", b-s0, e-s0)
	}
	if err := src.(interface{ Close() error }).Close(); err != nil || a.closed != 1 || c.closed != 1 {
		t.Errorf("Close: %v, closed %d %d", err, a.closed, c.closed)
	}
}

// TestMergeCopies merges two duplicate storms whose copies interleave
// and checks that each event keeps its copies together under one number.
func TestMergeCopies(t *testing.T) {
	p := Params{Rate: Rate{10, time.Second}, Duration: 2 * time.Second, Copies: 3, Gap: 150 * time.Millisecond, Size: 100}
	q := p
	q.Size, q.Rate, q.Copies = 200, Rate{7, time.Second}, 2
	src := Merge(mustNew(t, "duplicate-storm", p), mustNew(t, "duplicate-storm", q))
	es := collect(t, src)
	checkStream(t, src, es)
	if len(es) != 20*3+14*2 {
		t.Errorf("%d deliveries", len(es))
	}
	size := map[uint64]int64{}
	for _, e := range es {
		if s, ok := size[e.Event]; ok && s != e.Size {
			t.Fatalf("event %d has copies from both sources", e.Event)
		}
		size[e.Event] = e.Size
	}
	if n := len(src.(*merge).open); n != 0 {
		t.Errorf("%d events still remembered at the end", n)
	}
}

func TestMergeError(t *testing.T) {
	boom := errors.New("boom")
	a := &emissionList{es: ems("a", 1, 5), err: boom}
	b := &emissionList{es: ems("b", 2, 3, 4, 6)}
	es, err := collectErr(Merge(a, b))
	if err != boom || len(es) != 5 {
		t.Errorf("got %d emissions then %v, want 5 then boom", len(es), err)
	}
}

// BenchmarkMerge merges four steady sources at different rates.
func BenchmarkMerge(b *testing.B) {
	var srcs []Source
	for _, r := range []int64{1000, 700, 300, 13} {
		src, err := New("steady", Params{Rate: Rate{r, time.Second}, Events: 1_000_000_000, Keys: 3})
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	src := Merge(srcs...)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := src.Next(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "emissions/s")
}
