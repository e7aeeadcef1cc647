package scenarios

import (
	"io"
	"math"
	"strconv"
	"time"
)

// Reorder returns a Reader that delivers the records of r in time order,
// as long as the input is out of order by no more than opt.MaxDisorder.
// Readers from Open and NewReader already do this; Reorder is for other
// Readers. file names the input in messages.
//
// Logs written by several workers are a little out of order. Reorder holds
// each record back until a record more than MaxDisorder newer has been
// read (or the input ends), keeping the held records in a min-heap. So the
// memory it uses is bounded by the number of records within MaxDisorder of
// the newest. Records with equal times keep their input order.
//
// A record more than MaxDisorder earlier than the latest before it is too
// far out of place, whether or not the records around it were delivered
// yet (so a 2-line file is judged as a long one), and Next returns an
// *exitcode.InputError for it, such as
//
//	a.jsonl:1234: time: line 1234 is 7.2s earlier than line 1200 (more than --max-disorder 5s out of order; --max-disorder 7.2s allows it)
//
// (or, with opt.SkipInvalid, skips and counts it). The line it names is
// the one with the latest time read so far.
func Reorder(r Reader, file string, opt ReadOptions) Reader {
	opt = opt.withDefaults()
	return newReorderer(r, file, opt.MaxDisorder, opt.SkipInvalid)
}

// reorderer is the Reader that Reorder returns.
type reorderer struct {
	in     Reader
	file   string
	window int64 // the tolerated disorder in nanoseconds
	skip   bool
	own    skipLog // records skipped for being too far out of order

	heap []heldRecord
	seq  uint64 // input order, to keep equal times stable

	seen       bool  // whether any record was read
	newest     int64 // the latest time read so far
	newestLine int   // its line
	cutoff     int64 // newest - window: held records at or before it can go

	released bool  // whether any record was delivered
	last     int64 // the time of the last record delivered
	eof      bool
}

// heldRecord is a record waiting in the heap.
type heldRecord struct {
	rec Record
	seq uint64
}

// newReorderer returns a reorderer over r with the given window.
func newReorderer(r Reader, file string, window time.Duration, skip bool) *reorderer {
	return &reorderer{in: r, file: file, window: int64(window), skip: skip}
}

// Next returns the next record in time order, or io.EOF after the last.
func (o *reorderer) Next() (Record, error) {
	for {
		if len(o.heap) > 0 && (o.eof || o.heap[0].rec.Time <= o.cutoff) {
			rec := o.pop()
			o.released, o.last = true, rec.Time
			return rec, nil
		}
		if o.eof {
			return Record{}, io.EOF
		}
		rec, err := o.in.Next()
		if err == io.EOF {
			o.eof = true
			continue
		}
		if err != nil {
			return Record{}, err
		}
		if o.seen && rec.Time < o.cutoff || o.released && rec.Time < o.last {
			late := time.Duration(satSub(o.newest, rec.Time))
			err := lineError(o.file, rec.Line, "time", "line "+strconv.Itoa(rec.Line)+" is "+
				late.String()+" earlier than line "+strconv.Itoa(o.newestLine)+
				" (more than --max-disorder "+time.Duration(o.window).String()+
				" out of order; --max-disorder "+late.String()+" allows it)")
			if o.skip {
				o.own.add(err)
				continue
			}
			return Record{}, err
		}
		if !o.seen || rec.Time > o.newest {
			o.seen, o.newest, o.newestLine = true, rec.Time, rec.Line
			o.cutoff = satSub(o.newest, o.window)
		}
		o.push(rec)
	}
}

// Skipped returns how many invalid lines were skipped, those skipped for
// disorder included.
func (o *reorderer) Skipped() int { return o.in.Skipped() + o.own.Skipped() }

// FirstSkipped returns the errors of the first skipped lines.
func (o *reorderer) FirstSkipped() []error {
	return mergeSkipped(o.in.FirstSkipped(), o.own.FirstSkipped())
}

// satSub returns a-b, saturated at the int64 limits.
func satSub(a, b int64) int64 {
	d := a - b
	if (b > 0 && d > a) || (b < 0 && d < a) {
		if b > 0 {
			return math.MinInt64
		}
		return math.MaxInt64
	}
	return d
}

// less orders held records by time, then by input order.
func (o *reorderer) less(i, j int) bool {
	a, b := &o.heap[i], &o.heap[j]
	return a.rec.Time < b.rec.Time || (a.rec.Time == b.rec.Time && a.seq < b.seq)
}

// push adds rec to the heap.
func (o *reorderer) push(rec Record) {
	o.heap = append(o.heap, heldRecord{rec, o.seq})
	o.seq++
	for i := len(o.heap) - 1; i > 0; {
		p := (i - 1) / 2
		if !o.less(i, p) {
			break
		}
		o.heap[i], o.heap[p] = o.heap[p], o.heap[i]
		i = p
	}
}

// pop removes and returns the earliest held record.
func (o *reorderer) pop() Record {
	h := o.heap
	rec := h[0].rec
	n := len(h) - 1
	h[0] = h[n]
	h[n] = heldRecord{} // drop the key string reference
	o.heap = h[:n]
	for i := 0; ; {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && o.less(r, l) {
			m = r
		}
		if !o.less(m, i) {
			break
		}
		o.heap[i], o.heap[m] = o.heap[m], o.heap[i]
		i = m
	}
	return rec
}
