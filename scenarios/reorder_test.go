package scenarios

import (
	"cmp"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// sliceReader is a Reader over a fixed list of records, with an optional
// error at the end instead of io.EOF.
type sliceReader struct {
	skipLog
	recs []Record
	err  error
}

func (s *sliceReader) Next() (Record, error) {
	if len(s.recs) == 0 {
		if s.err != nil {
			return Record{}, s.err
		}
		return Record{}, io.EOF
	}
	r := s.recs[0]
	s.recs = s.recs[1:]
	return r, nil
}

// at returns records on lines 1, 2, ... at the given times in seconds
// after t0, keyed by their line.
func at(secs ...float64) []Record {
	recs := make([]Record, len(secs))
	for i, s := range secs {
		recs[i] = Record{Time: t0 + int64(s*1e9), Key: string(rune('a' + i)), Line: i + 1}
	}
	return recs
}

// pick returns recs[i] for each 1-based line i.
func pick(recs []Record, lines ...int) []Record {
	var out []Record
	for _, l := range lines {
		out = append(out, recs[l-1])
	}
	return out
}

func TestReorder(t *testing.T) {
	const beyond = "in.jsonl:4: time: line 4 is 9s earlier than line 3 (more than --max-disorder 5s out of order; --max-disorder 9s allows it)"
	tests := []struct {
		name      string
		in        []Record
		disorder  time.Duration
		wantLines []int // the lines delivered, in order
		errMsg    string
	}{
		{"in order", at(0, 1, 2, 3), 0, []int{1, 2, 3, 4}, ""},
		{"within the bound", at(0, 3, 1, 2, 5, 4), 0, []int{1, 3, 4, 2, 6, 5}, ""},
		{"exactly the bound", at(0, 10, 5, 5), 0, []int{1, 3, 4, 2}, ""},
		{"equal times keep input order", at(1, 1, 0, 1, 0), 0, []int{3, 5, 1, 2, 4}, ""},
		{"beyond the bound", at(0, 3, 10, 1), 0, []int{1, 2}, beyond},
		{"fractional", at(0, 5, 10, 2.8), 2 * time.Second, []int{1, 2},
			"in.jsonl:4: time: line 4 is 7.2s earlier than line 3 (more than --max-disorder 2s out of order; --max-disorder 7.2s allows it)"},
		{"strict order", at(0, 1, 1, 0.5), -1, []int{1, 2, 3},
			"in.jsonl:4: time: line 4 is 500ms earlier than line 2 (more than --max-disorder 0s out of order; --max-disorder 500ms allows it)"},
		{"strict order holds nothing back", at(0, 1, 1, 2), -1, []int{1, 2, 3, 4}, ""},
		// Nothing is delivered yet when line 2 comes, 10 s early: it is
		// too far out of place all the same, as in a longer file.
		{"beyond the bound, nothing delivered yet", at(10, 0), 0, nil,
			"in.jsonl:2: time: line 2 is 10s earlier than line 1 (more than --max-disorder 5s out of order; --max-disorder 10s allows it)"},
		{"just beyond the bound, nothing delivered yet", at(0, 10, 4.999), 0, []int{1},
			"in.jsonl:3: time: line 3 is 5.001s earlier than line 2 (more than --max-disorder 5s out of order; --max-disorder 5.001s allows it)"},
		{"the bound allows it", at(10, 0), 10 * time.Second, []int{2, 1}, ""},
		{"empty", nil, 0, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Reorder(&sliceReader{recs: slices.Clone(tt.in)}, "in.jsonl", ReadOptions{MaxDisorder: tt.disorder})
			got, err := drain(r)
			checkErr(t, err, tt.errMsg)
			if want := pick(tt.in, tt.wantLines...); !slices.Equal(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestReorderSkipInvalid(t *testing.T) {
	inner := &sliceReader{recs: at(0, 3, 10, 1, 2, 11)}
	inner.add(lineError("in.jsonl", 7, "time", "missing")) // as if the inner reader skipped line 7
	r := Reorder(inner, "in.jsonl", ReadOptions{SkipInvalid: true})
	got, err := drain(r)
	checkErr(t, err, "")
	if want := pick(at(0, 3, 10, 1, 2, 11), 1, 2, 3, 6); !slices.Equal(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if r.Skipped() != 3 {
		t.Errorf("Skipped() = %d, want 3", r.Skipped())
	}
	var lines []int
	for _, err := range r.FirstSkipped() {
		lines = append(lines, errLine(err))
	}
	if !slices.Equal(lines, []int{4, 5, 7}) {
		t.Errorf("FirstSkipped() lines = %v, want [4 5 7]", lines)
	}
}

func TestReorderPassesErrors(t *testing.T) {
	boom := errors.New("boom")
	r := Reorder(&sliceReader{recs: at(0), err: boom}, "in.jsonl", ReadOptions{})
	if _, err := r.Next(); err != boom {
		t.Errorf("Next() error = %v, want boom", err)
	}
}

// TestReorderMemory checks that only the records within the window are
// held: at one record a second and a 5 s window, at most 6.
func TestReorderMemory(t *testing.T) {
	var recs []Record
	for i := range 1000 {
		recs = append(recs, Record{Time: t0 + int64(i)*1e9, Line: i + 1})
	}
	o := newReorderer(&sliceReader{recs: recs}, "in.jsonl", 5*time.Second, false)
	held := 0
	for {
		_, err := o.Next()
		if err == io.EOF {
			break
		}
		checkErr(t, err, "")
		held = max(held, len(o.heap)+o.fifo.n+1)
	}
	if held > 6 {
		t.Errorf("held up to %d records, want at most 6", held)
	}
}

// TestReorderIsAStableSort checks, on records up to the window out of
// order, some in order (the queue), some early (the heap), many at equal
// times, that the records come out sorted by time, equal times in input
// order, and that no more than the window's worth is held.
func TestReorderIsAStableSort(t *testing.T) {
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 1))
		var recs []Record
		for i := range 300 {
			tm := t0 + int64(i)*1e8 // 10 a second
			switch rng.IntN(4) {
			case 0: // early, by up to the whole window of 5 s
				tm -= rng.Int64N(5e9 + 1)
			case 1: // at a time of a neighbour
				tm = t0 + int64(i/3*3)*1e8
			}
			recs = append(recs, Record{Time: tm, Line: i + 1})
		}
		want := slices.Clone(recs)
		slices.SortStableFunc(want, func(a, b Record) int { return cmp.Compare(a.Time, b.Time) })
		o := newReorderer(&sliceReader{recs: slices.Clone(recs)}, "in.jsonl", 5*time.Second, false)
		var got []Record
		held := 0
		for {
			rec, err := o.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			got = append(got, rec)
			held = max(held, len(o.heap)+o.fifo.n+1)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("seed %d: records out of order", seed)
		}
		if held > 5*10+12 {
			t.Errorf("seed %d: held up to %d records, want at most the window's 62", seed, held)
		}
	}
}

func TestSatSub(t *testing.T) {
	const maxI, minI = int64(^uint64(0) >> 1), -int64(^uint64(0)>>1) - 1
	tests := []struct{ a, b, want int64 }{
		{10, 3, 7},
		{minI, 1, minI},
		{minI + 5, 10, minI},
		{maxI, -1, maxI},
		{0, minI, maxI},
		{-1, maxI, minI},
	}
	for _, tt := range tests {
		if got := satSub(tt.a, tt.b); got != tt.want {
			t.Errorf("satSub(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// FuzzReorder compares the reorder stage with a plain model of it: records
// held in a list sorted by time and input order, the front released while
// it is at or before the newest time less the window, a record earlier
// than that, or than a record already released, refused. Each byte of the
// input moves the time by -12.8 s to +12.7 s in steps of 0.1 s; the first
// also picks the window.
func FuzzReorder(f *testing.F) {
	f.Add([]byte{10, 1, 2, 3, 0, 0, 250, 5})
	f.Add([]byte{0, 1, 1, 255, 1})
	f.Add([]byte{40, 10, 246, 10, 200, 60, 0, 251, 3})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		window := int64(in[0]%64) * 1e8
		var recs []Record
		tm := t0
		for i, b := range in[1:] {
			tm += int64(int8(b)) * 1e8
			recs = append(recs, Record{Time: tm, Line: i + 1})
		}
		for _, skip := range []bool{false, true} {
			want, wantSkipped, wantErr := reorderModel(recs, window, skip)
			o := newReorderer(&sliceReader{recs: slices.Clone(recs)}, "in.jsonl", time.Duration(window), skip)
			got, err := drain(o)
			if !slices.Equal(got, want) {
				t.Fatalf("skip %v: got lines %v, the model gives %v", skip, recLines(got), recLines(want))
			}
			if errLine(err) != wantErr || (err == nil) != (wantErr == 0) {
				t.Fatalf("skip %v: error %v, the model stops at line %d", skip, err, wantErr)
			}
			if o.Skipped() != len(wantSkipped) {
				t.Fatalf("skip %v: skipped %d, the model skips lines %v", skip, o.Skipped(), wantSkipped)
			}
		}
	})
}

// reorderModel is FuzzReorder's model of the reorder stage: the records
// delivered, the lines skipped, and the line of the error that ends the
// input (0 for none).
func reorderModel(recs []Record, window int64, skip bool) (out []Record, skipped []int, errAt int) {
	var held []Record // sorted by time, then input order
	seen, released := false, false
	var newest, cutoff, last int64
	for _, rec := range recs {
		for len(held) > 0 && held[0].Time <= cutoff {
			out, last, released = append(out, held[0]), held[0].Time, true
			held = held[1:]
		}
		if seen && rec.Time < cutoff || released && rec.Time < last {
			if !skip {
				return out, skipped, rec.Line
			}
			skipped = append(skipped, rec.Line)
			continue
		}
		if !seen || rec.Time > newest {
			seen, newest, cutoff = true, rec.Time, rec.Time-window
		}
		at := len(held)
		for at > 0 && held[at-1].Time > rec.Time {
			at--
		}
		held = slices.Insert(held, at, rec)
	}
	return append(out, held...), skipped, 0
}

// recLines returns the lines of recs.
func recLines(recs []Record) []int {
	var out []int
	for _, r := range recs {
		out = append(out, r.Line)
	}
	return out
}
