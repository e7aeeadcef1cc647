package scenarios

import (
	"errors"
	"io"
	"math/big"
	"slices"
	"testing"
	"time"
)

// s0 is DefaultStart, the instant the shapes' times are given from.
const s0 = DefaultStart

// collect reads src to its end, failing the test on an error.
func collect(t *testing.T, src Source) []Emission {
	t.Helper()
	var out []Emission
	for {
		e, err := src.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("after %d emissions: %v", len(out), err)
		}
		out = append(out, e)
	}
}

// mustNew returns the Source of shape name, failing the test on an error.
func mustNew(t *testing.T, name string, p Params) Source {
	t.Helper()
	src, err := New(name, p)
	if err != nil {
		t.Fatalf("New(%q): %v", name, err)
	}
	return src
}

// checkStream checks the invariants every Source keeps: times in order,
// events numbered from 1 in order of first delivery, copies consistent,
// and every time within the span.
func checkStream(t *testing.T, src Source, es []Emission) {
	t.Helper()
	var next uint64 = 1
	seen := map[uint64]int{}
	copies := map[uint64]int{} // Copies of each event's first emission
	for i, e := range es {
		if i > 0 && e.Time < es[i-1].Time {
			t.Fatalf("emission %d at %d is before emission %d at %d", i, e.Time, i-1, es[i-1].Time)
		}
		if e.Copy == 0 {
			if e.Event != next {
				t.Fatalf("emission %d: first delivery of event %d, want event %d", i, e.Event, next)
			}
			next++
		}
		if e.Copies < 1 || e.Copy >= e.Copies {
			t.Fatalf("emission %d: copy %d of %d", i, e.Copy, e.Copies)
		}
		seen[e.Event]++
		if _, ok := copies[e.Event]; !ok {
			copies[e.Event] = e.Copies
		}
	}
	for ev, n := range seen {
		if want := copies[ev]; n != want {
			t.Fatalf("event %d delivered %d times, Copies says %d", ev, n, want)
		}
	}
	if sp, ok := src.(Spanner); ok && len(es) > 0 {
		b, e := sp.Span()
		if es[0].Time < b || es[len(es)-1].Time > e {
			t.Fatalf("emissions %d..%d outside the span %d..%d", es[0].Time, es[len(es)-1].Time, b, e)
		}
	}
}

func TestSteadyExact(t *testing.T) {
	src := mustNew(t, "steady", Params{Rate: Rate{30, time.Second}, Duration: time.Minute, Keys: 3, Size: 100})
	es := collect(t, src)
	checkStream(t, src, es)
	if len(es) != 1800 {
		t.Fatalf("got %d events, want 1800", len(es))
	}
	for i, e := range es {
		want := Emission{Time: s0 + int64(i)*1e9/30, Event: uint64(i + 1), Copies: 1, Key: []string{"t1", "t2", "t3"}[i%3], Size: 100}
		if e != want {
			t.Fatalf("emission %d = %+v, want %+v", i, e, want)
		}
	}
	if b, e := src.(Spanner).Span(); b != s0 || e != s0+60e9 {
		t.Errorf("span %d..%d, want %d..%d", b-s0, e-s0, 0, int64(60e9))
	}
}

func TestSteadyCounts(t *testing.T) {
	tests := []struct {
		p    Params
		n    int
		last int64 // offset of the last event
		end  int64 // offset of the span's end
	}{
		{Params{}, 900, 59_933_333_333, 60e9}, // the default: DefaultSteadyRate for a minute
		{Params{Rate: Rate{30, time.Second}, Duration: 1010 * time.Millisecond}, 30, 966_666_666, 1010e6},
		{Params{Rate: Rate{1000, time.Minute}, Duration: time.Minute}, 1000, 59_940_000_000, 60e9},
		{Params{Rate: Rate{1, 2 * time.Second}, Events: 3}, 3, 4e9, 6e9},
		{Params{Rate: Rate{3, time.Second}, Events: 4}, 4, 1e9, 1333333333},
		{Params{Rate: Rate{1, time.Second}, Duration: 999 * time.Millisecond}, 0, 0, 999e6},
	}
	for _, tt := range tests {
		src := mustNew(t, "steady", tt.p)
		es := collect(t, src)
		checkStream(t, src, es)
		if len(es) != tt.n {
			t.Errorf("%+v: %d events, want %d", tt.p, len(es), tt.n)
			continue
		}
		if tt.n > 0 && es[tt.n-1].Time-s0 != tt.last {
			t.Errorf("%+v: last at +%d, want +%d", tt.p, es[tt.n-1].Time-s0, tt.last)
		}
		if _, e := src.(Spanner).Span(); e-s0 != tt.end {
			t.Errorf("%+v: ends at +%d, want +%d", tt.p, e-s0, tt.end)
		}
	}
}

// TestSteadyNoDrift checks the stepping grid against the closed form
// start + floor(i·per/n), computed with big integers, over a long run
// at an awkward rate.
func TestSteadyNoDrift(t *testing.T) {
	r := Rate{7, 3*time.Second + 1}
	src := mustNew(t, "steady", Params{Rate: r, Events: 300_000})
	per, n := big.NewInt(int64(r.Per)), big.NewInt(r.N)
	var i int64
	for {
		e, err := src.Next()
		if err == io.EOF {
			break
		}
		want := new(big.Int).Mul(big.NewInt(i), per)
		want.Quo(want, n)
		if e.Time-s0 != want.Int64() {
			t.Fatalf("event %d at +%d, want +%d", i, e.Time-s0, want.Int64())
		}
		i++
	}
	if i != 300_000 {
		t.Fatalf("%d events", i)
	}
}

func TestBurst(t *testing.T) {
	src := mustNew(t, "burst", Params{Events: 18020, Over: time.Second})
	es := collect(t, src)
	checkStream(t, src, es)
	if len(es) != 18020 {
		t.Fatalf("%d events, want 18020", len(es))
	}
	for i, e := range es {
		if want := s0 + int64(i)*1e9/18020; e.Time != want {
			t.Fatalf("event %d at +%d, want +%d", i, e.Time-s0, want-s0)
		}
	}
	if last := es[len(es)-1].Time - s0; last >= 1e9 {
		t.Errorf("last event at +%d, not within the second", last)
	}
	es = collect(t, mustNew(t, "burst", Params{Events: 5}))
	for _, e := range es {
		if e.Time != s0 {
			t.Errorf("burst at once: event %d at +%d", e.Event, e.Time-s0)
		}
	}
	if len(es) != 5 {
		t.Errorf("%d events, want 5", len(es))
	}
}

func TestBulk(t *testing.T) {
	src := mustNew(t, "bulk", Params{Events: 4, Over: 2 * time.Second, Keys: 2})
	es := collect(t, src)
	checkStream(t, src, es)
	want := []Emission{
		{Time: s0, Event: 1, Copies: 1, Key: "t1", Size: 512},
		{Time: s0 + 5e8, Event: 2, Copies: 1, Key: "t2", Size: 512},
		{Time: s0 + 1e9, Event: 3, Copies: 1, Key: "t1", Size: 512},
		{Time: s0 + 15e8, Event: 4, Copies: 1, Key: "t2", Size: 512},
	}
	if !slices.Equal(es, want) {
		t.Errorf("got %+v\nwant %+v", es, want)
	}
	if _, e := src.(Spanner).Span(); e != s0+4e9 {
		t.Errorf("bulk ends at +%d, want +4s (twice over)", e-s0)
	}
}

func TestDuplicateStorm(t *testing.T) {
	src := mustNew(t, "duplicate-storm", Params{Rate: Rate{2, time.Second}, Duration: 2 * time.Second, Copies: 3, Keys: 2})
	es := collect(t, src)
	checkStream(t, src, es)
	if len(es) != 12 {
		t.Fatalf("%d deliveries, want 12", len(es))
	}
	for i, e := range es {
		ev := i/3 + 1
		want := Emission{Time: s0 + int64(ev-1)*5e8, Event: uint64(ev), Copy: i % 3, Copies: 3, Key: []string{"t1", "t2"}[(ev-1)%2], Size: 512}
		if e != want {
			t.Errorf("delivery %d = %+v, want %+v", i, e, want)
		}
	}
}

func TestDuplicateStormGap(t *testing.T) {
	// Events every 100 ms, copies 250 ms apart: copies interleave.
	src := mustNew(t, "duplicate-storm", Params{Rate: Rate{10, time.Second}, Events: 3, Copies: 2, Gap: 250 * time.Millisecond})
	es := collect(t, src)
	checkStream(t, src, es)
	type ec struct {
		off   int64
		event uint64
		copy  int
	}
	var got []ec
	for _, e := range es {
		got = append(got, ec{e.Time - s0, e.Event, e.Copy})
	}
	want := []ec{{0, 1, 0}, {1e8, 2, 0}, {2e8, 3, 0}, {25e7, 1, 1}, {35e7, 2, 1}, {45e7, 3, 1}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if _, e := src.(Spanner).Span(); e != s0+45e7 {
		t.Errorf("ends at +%d, want the last copy's time", e-s0)
	}
}

func TestRetryStorm(t *testing.T) {
	src := mustNew(t, "retry-storm", Params{Rate: Rate{2, time.Second}, Over: 3 * time.Second, Duration: 2 * time.Second, Keys: 4})
	es := collect(t, src)
	checkStream(t, src, es)
	var offs []int64
	var keys []string
	for _, e := range es {
		offs = append(offs, e.Time-s0)
		keys = append(keys, e.Key)
	}
	// 6 queued events at the start, then 2/s for 2 s from the start.
	if want := []int64{0, 0, 0, 0, 0, 0, 0, 5e8, 1e9, 15e8}; !slices.Equal(offs, want) {
		t.Errorf("times %v, want %v", offs, want)
	}
	if want := []string{"t1", "t2", "t3", "t4", "t1", "t2", "t3", "t4", "t1", "t2"}; !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
}

func TestPoisson(t *testing.T) {
	p := Params{Rate: Rate{20, time.Second}, Duration: 10 * time.Minute, Seed: 7}
	a := collect(t, mustNew(t, "poisson", p))
	b := collect(t, mustNew(t, "poisson", p))
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave different streams")
	}
	p.Seed = 8
	c := collect(t, mustNew(t, "poisson", p))
	if slices.Equal(a, c) {
		t.Fatal("different seeds gave the same stream")
	}
	src := mustNew(t, "poisson", p)
	checkStream(t, src, collect(t, src))
	// 12,000 expected; the standard deviation is about 110.
	if n := len(a); n < 11_500 || n > 12_500 {
		t.Errorf("%d events in 10 minutes at 20/s", n)
	}
	if last := a[len(a)-1].Time; last >= s0+int64(10*time.Minute) || a[0].Time < s0 {
		t.Errorf("events outside the duration")
	}
	// Some second holds more than 25 events: real sources are bursty.
	per := map[int64]int{}
	peak := 0
	for _, e := range a {
		s := (e.Time - s0) / 1e9
		per[s]++
		peak = max(peak, per[s])
	}
	if peak <= 25 {
		t.Errorf("peak %d events in a second, want more than 25", peak)
	}
	if n := len(collect(t, mustNew(t, "poisson", Params{Events: 1000, Seed: 1}))); n != 1000 {
		t.Errorf("poisson with events: %d events, want 1000", n)
	}
}

func TestRamp(t *testing.T) {
	p := Params{Rate: Rate{5, time.Second}, To: Rate{50, time.Second}, Duration: time.Minute}
	src := mustNew(t, "ramp", p)
	es := collect(t, src)
	checkStream(t, src, es)
	if len(es) != 1650 { // (5 + 50)/2 · 60
		t.Fatalf("%d events, want 1650", len(es))
	}
	if es[0].Time != s0 {
		t.Errorf("first event at +%d", es[0].Time-s0)
	}
	// Event 5 is due when 5t + 0.375t² = 5: t = (√32.5 − 5)/0.75 = 0.934503 s.
	if off := es[5].Time - s0; off != 934_502_834 {
		t.Errorf("event 5 at +%d, want +934502834", off)
	}
	first, last := es[1].Time-es[0].Time, es[len(es)-1].Time-es[len(es)-2].Time
	if first <= last || first > 2e8 || last < 2e7-1e5 {
		t.Errorf("first gap %d, last gap %d: want about 200 ms falling to 20 ms", first, last)
	}
	if !slices.Equal(es, collect(t, mustNew(t, "ramp", p))) {
		t.Error("a ramp is not deterministic")
	}
	// A flat ramp is a steady schedule, to within rounding.
	flat := collect(t, mustNew(t, "ramp", Params{Rate: Rate{30, time.Second}, To: Rate{30, time.Second}, Duration: time.Minute}))
	steady := collect(t, mustNew(t, "steady", Params{Rate: Rate{30, time.Second}, Duration: time.Minute}))
	if len(flat) != len(steady) {
		t.Fatalf("flat ramp: %d events, steady %d", len(flat), len(steady))
	}
	for i := range flat {
		if d := flat[i].Time - steady[i].Time; d < 0 || d > 1 {
			t.Fatalf("flat ramp event %d at +%d, steady at +%d", i, flat[i].Time-s0, steady[i].Time-s0)
		}
	}
	// A falling ramp.
	down := collect(t, mustNew(t, "ramp", Params{Rate: Rate{50, time.Second}, To: Rate{10, time.Second}, Duration: time.Minute}))
	if len(down) != 1800 || down[len(down)-1].Time >= s0+60e9 {
		t.Errorf("falling ramp: %d events, last at +%d", len(down), down[len(down)-1].Time-s0)
	}
}

// recordList is recorded traffic from a slice, closed or not.
type recordList struct {
	recs   []Record
	closed int
}

func (l *recordList) Next() (Record, error) {
	if len(l.recs) == 0 {
		return Record{}, io.EOF
	}
	r := l.recs[0]
	l.recs = l.recs[1:]
	return r, nil
}

func (l *recordList) Close() error { l.closed++; return nil }

func TestReplay(t *testing.T) {
	const r0 = 1_700_000_000_000_000_000
	recs := func() *recordList {
		return &recordList{recs: []Record{
			{Time: r0, Key: "a", Line: 1},
			{Time: r0 + 3, Key: "b", Size: 9, HasSize: true, Line: 2},
			{Time: r0 + 3e9, Key: "a", Line: 3},
		}}
	}
	tests := []struct {
		p     Params
		times []int64
	}{
		{Params{}, []int64{r0, r0 + 3, r0 + 3e9}},
		{Params{Start: s0}, []int64{s0, s0 + 3, s0 + 3e9}},
		{Params{Start: s0, Speed: 2}, []int64{s0, s0 + 2, s0 + 15e8}}, // 1.5 ns rounds up
		{Params{Start: s0, Speed: 0.5}, []int64{s0, s0 + 6, s0 + 6e9}},
		{Params{Start: s0, Speed: 3}, []int64{s0, s0 + 1, s0 + 1e9}},
	}
	for _, tt := range tests {
		l := recs()
		tt.p.Records = l
		src := mustNew(t, "replay", tt.p)
		es := collect(t, src)
		checkStream(t, src, es)
		var times []int64
		for _, e := range es {
			times = append(times, e.Time)
		}
		if !slices.Equal(times, tt.times) {
			t.Errorf("speed %v: times %v, want %v", tt.p.Speed, times, tt.times)
		}
		if es[1] != (Emission{Time: tt.times[1], Event: 2, Copies: 1, Key: "b", Size: 9}) || es[0].Size != 512 {
			t.Errorf("emissions %+v", es)
		}
		if l.closed != 1 {
			t.Errorf("records closed %d times, want once", l.closed)
		}
	}
	l := &recordList{recs: []Record{{Time: 5, Line: 1}, {Time: 4, Line: 2}}}
	_, err := collectErr(mustNew(t, "replay", Params{Records: l}))
	if err == nil || err.Error() != "input:2: time: record is 1 ns earlier than the one before it (replay needs records in time order)" {
		t.Errorf("out of order: %v", err)
	}
}

// collectErr reads src to its end or its first error.
func collectErr(src Source) ([]Emission, error) {
	var out []Emission
	for {
		e, err := src.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
}

// TestDeterministic builds every shape twice and compares the streams.
func TestDeterministic(t *testing.T) {
	for _, name := range Names() {
		if name == "replay" {
			continue
		}
		a := collect(t, mustNew(t, name, Params{Seed: 3, Keys: 2}))
		b := collect(t, mustNew(t, name, Params{Seed: 3, Keys: 2}))
		if len(a) == 0 || !slices.Equal(a, b) {
			t.Errorf("%s: %d and %d emissions, or different", name, len(a), len(b))
		}
		src := mustNew(t, name, Params{Seed: 3, Keys: 2})
		checkStream(t, src, collect(t, src))
	}
}
