package scenarios

import (
	"fmt"
	"io"
	"math"
	"math/bits"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// speedScale is the denominator of a replay's speed: speeds are used to a
// millionth.
const speedScale = 1_000_000

// replay plays recorded traffic, each record one event.
//
// Times are rescaled from the first record: a record at t plays at
//
//	start + round((t − t_first) / speed)
//
// in exact integer arithmetic, with speed taken as the fraction
// s/1,000,000 where s = round(speed·1,000,000): (t − t_first)·1,000,000/s
// is computed in 128 bits and rounded half up to the nanosecond. So speed
// 1 keeps the recorded gaps exactly, and speed 2 halves them. start is the
// first record's own time unless given.
type replay struct {
	recs       RecordSource
	start      int64
	own        bool   // start is the first record's time
	speed      uint64 // the speed in millionths
	first      int64  // the first record's time
	last       int64  // the latest record's time, to check the order
	i          uint64
	size       int64
	begin, end int64
	done       bool
}

func newReplay(recs RecordSource, start int64, speed float64, size int64) *replay {
	s := uint64(math.Round(speed * speedScale))
	return &replay{recs: recs, start: start, own: start == 0, speed: max(s, 1), size: size, begin: start, end: start}
}

func (r *replay) Next() (Emission, error) {
	if r.done {
		return Emission{}, io.EOF
	}
	rec, err := r.recs.Next()
	if err != nil {
		if err == io.EOF {
			r.done = true
			if cerr := r.Close(); cerr != nil {
				return Emission{}, cerr
			}
		}
		return Emission{}, err
	}
	if r.i == 0 {
		r.first, r.last = rec.Time, rec.Time
		if r.own {
			r.start, r.begin, r.end = rec.Time, rec.Time, rec.Time
		}
	}
	if rec.Time < r.last {
		return Emission{}, &exitcode.InputError{Line: rec.Line, Field: "time",
			Msg: fmt.Sprintf("record is %d ns earlier than the one before it (replay needs records in time order)", r.last-rec.Time)}
	}
	r.last = rec.Time
	t, ok := r.scale(uint64(rec.Time) - uint64(r.first))
	if !ok {
		return Emission{}, errTimeRange
	}
	r.i++
	r.end = t
	size := r.size
	if rec.HasSize {
		size = rec.Size
	}
	return Emission{Time: t, Event: r.i, Copies: 1, Key: rec.Key, Workspace: rec.Workspace, Size: size}, nil
}

// scale returns start + round(d·speedScale/speed) and whether it fits.
func (r *replay) scale(d uint64) (int64, bool) {
	hi, lo := bits.Mul64(d, speedScale)
	lo, carry := bits.Add64(lo, r.speed/2, 0)
	hi += carry
	if hi >= r.speed {
		return 0, false
	}
	q, _ := bits.Div64(hi, lo, r.speed)
	if q > math.MaxInt64 {
		return 0, false
	}
	return addTime(r.start, int64(q))
}

func (r *replay) Span() (begin, end int64) { return r.begin, r.end }

// Close closes the recorded traffic if it is an io.Closer; replay does so
// itself at the end of the records.
func (r *replay) Close() error {
	c, ok := r.recs.(io.Closer)
	if !ok {
		return nil
	}
	r.recs = closedRecords{}
	return c.Close()
}

// closedRecords is the records of a replay after Close.
type closedRecords struct{}

func (closedRecords) Next() (Record, error) { return Record{}, io.EOF }
