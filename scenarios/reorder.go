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
//
// A record no earlier than every record before it, the usual case, waits
// in a first-in first-out queue, which keeps it in order at no cost; only
// the records that come early go into the min-heap.
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

	heap []heldRecord // the records read early (before the newest)
	fifo heldQueue    // the others, in input order, which is time order
	seq  uint64       // input order, to keep equal times stable

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
		if h := o.earliest(); h != nil && (o.eof || h.rec.Time <= o.cutoff) {
			var rec Record
			if h == o.fifo.front() {
				rec = o.fifo.pop()
			} else {
				rec = o.pop()
			}
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
		if o.seen && rec.Time < o.newest {
			o.push(rec)
			continue
		}
		if !o.seen || rec.Time > o.newest {
			o.seen, o.newest, o.newestLine = true, rec.Time, rec.Line
			o.cutoff = satSub(o.newest, o.window)
		}
		o.fifo.push(heldRecord{rec, o.seq})
		o.seq++
	}
}

// earliest returns the held record to deliver first, or nil when none is
// held: the heap's top when it is earlier than the queue's front, else the
// front. At equal times the front goes first: a record went into the heap
// because a record later than it had been read, so every record of the
// queue at its time was read before it.
func (o *reorderer) earliest() *heldRecord {
	q := o.fifo.front()
	if len(o.heap) == 0 || q != nil && q.rec.Time <= o.heap[0].rec.Time {
		return q
	}
	return &o.heap[0]
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

// heldQueue is a first-in first-out queue of held records, in a ring that
// doubles when full.
type heldQueue struct {
	ring []heldRecord // len is a power of two, or 0
	head int          // the index of the front
	n    int          // how many are held
}

// front returns the first record, or nil when the queue is empty.
func (q *heldQueue) front() *heldRecord {
	if q.n == 0 {
		return nil
	}
	return &q.ring[q.head]
}

// push adds h at the back.
func (q *heldQueue) push(h heldRecord) {
	if q.n == len(q.ring) {
		ring := make([]heldRecord, max(16, 2*len(q.ring)))
		k := copy(ring, q.ring[q.head:])
		copy(ring[k:], q.ring[:q.head])
		q.ring, q.head = ring, 0
	}
	q.ring[(q.head+q.n)&(len(q.ring)-1)] = h
	q.n++
}

// pop removes and returns the first record; the queue must not be empty.
func (q *heldQueue) pop() Record {
	rec := q.ring[q.head].rec
	q.ring[q.head] = heldRecord{} // drop the key string reference
	q.head = (q.head + 1) & (len(q.ring) - 1)
	q.n--
	return rec
}
