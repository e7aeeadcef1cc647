package probe

import (
	"math"
	"runtime"
	"sync/atomic"
	"time"
)

// Handover is an Observer that passes every call it gets to another
// Observer, in the same order, on a goroutine of its own: the sender's
// goroutine writes each Attempt and Outcome into a batch and goes on,
// and the other goroutine replays the batches. A run in virtual time,
// whose reporting costs as much as its sending, then uses two cores.
// Once the run is over (interrupted runs included), Close must be called
// before anything reads the other Observer's state: it passes on what is
// still batched and waits until the other Observer has had every call.
// Until then, nothing but the other goroutine may touch that Observer.
//
// The other goroutine starts with the Handover, not after a first part
// of the run passed on at once: what the other Observer allocates as it
// grows (a key's trackers, its histograms) is then allocated on the
// other goroutine, apart from what the sender allocates, and the two
// goroutines do not write to one cache line (which made the run twice as
// slow). A batch starts small and grows, so a short run allocates little.
//
// An attempt travels as a 64-byte record, one cache line (its key,
// workspace and sender only when they differ from the attempt before;
// the whole Attempt when it carries an error or rate-limit headers, or
// numbers too large for the record), and is rebuilt field by field for
// the other Observer, which gets the same values. What the calls' values
// point to is not copied: an Attempt's RateLimit map must not change
// after the call (the simulator's attempts carry none).
type Handover struct {
	obs     Observer
	batches [handoverBatches]handoverBatch // a ring: batch i is filled, then replayed, then filled again
	// filled and replayed count the batches handed over and replayed;
	// closed says the last was handed over. Each side waits for the
	// other by polling them a while, yielding (so that neither goroutine
	// sleeps and wakes on the other core, its caches cold), then on its
	// channel, which the other side signals after each batch.
	filled, replayed atomic.Int64
	closed           atomic.Bool
	wakeSender       chan struct{}
	wakeReplay       chan struct{}
	done             chan struct{} // closed when the goroutine has replayed everything

	_ [64]byte // the two sides' fields on cache lines of their own

	// The sender's side.
	cur     *handoverBatch
	sendKey handoverKey // the key, workspace and sender of the last attempt batched
	_       [64]byte

	// The other goroutine's side.
	replayKey handoverKey // those of the last attempt replayed
	att       Attempt     // the attempt replayed, rebuilt from its record
	_         [64]byte
}

// The sizes of the hand-over: batches of at most handoverSize attempts,
// handoverBatches of them in the ring (2 MiB of records in all).
const (
	handoverSize    = 8192
	handoverBatches = 2
)

// handoverBatch is a run of calls: the attempts' records in order, and
// beside them what changes seldom, each with the number of records
// before it in the batch: the outcomes (an outcome at i comes after the
// attempt of record i-1), the keys (a key at i is that of record i and of
// the records after it) and the whole attempts (one for each record
// marked recWhole, in order).
type handoverBatch struct {
	recs  []handoverRecord
	outs  []Outcome
	outAt []int
	keys  []handoverKey
	whole []Attempt
}

// handoverRecord is an Attempt but for its key, workspace and sender, in
// 64 bytes.
type handoverRecord struct {
	event                uint64
	intended, sent, done int64
	size                 int64
	retryAfter           time.Duration
	n, copy              int32
	status               int32
	flags                uint8
}

// The flags of a record.
const (
	recHasRetryAfter = 1 << iota
	recLate
	recWhole // the attempt is the next of the batch's whole attempts
)

// handoverKey is the key, workspace and sender of an attempt, and the
// index of the first record they are those of.
type handoverKey struct {
	at              int
	key, ws, sender string
}

// NewHandover returns a Handover that passes calls on to obs, and
// starts its goroutine.
func NewHandover(obs Observer) *Handover {
	h := &Handover{obs: obs, wakeSender: make(chan struct{}, 1), wakeReplay: make(chan struct{}, 1), done: make(chan struct{})}
	h.cur = &h.batches[0]
	go h.replay()
	return h
}

// Attempt passes a on, in the current batch.
func (h *Handover) Attempt(a *Attempt) {
	b := h.cur
	i := len(b.recs)
	if k := &h.sendKey; a.Key != k.key || a.Workspace != k.ws || a.Sender != k.sender || len(b.keys) == 0 {
		k.at, k.key, k.ws, k.sender = i, a.Key, a.Workspace, a.Sender
		b.keys = append(b.keys, *k)
	}
	b.recs = append(b.recs, handoverRecord{event: a.Event, intended: a.Intended, sent: a.Sent, done: a.Done, size: a.Size, retryAfter: a.RetryAfter,
		n: int32(a.N), copy: int32(a.Copy), status: int32(a.Status)})
	r := &b.recs[i]
	if a.HasRetryAfter {
		r.flags |= recHasRetryAfter
	}
	if a.Late {
		r.flags |= recLate
	}
	if a.Err != "" || a.RateLimit != nil || !fitsInt32(a.N) || !fitsInt32(a.Copy) || !fitsInt32(a.Status) {
		r.flags |= recWhole
		b.whole = append(b.whole, *a)
	}
	if i+1 == handoverSize {
		h.flush()
	}
}

func fitsInt32(v int) bool { return v >= math.MinInt32 && v <= math.MaxInt32 }

// Outcome passes o on, in the current batch after the attempts before
// it.
func (h *Handover) Outcome(o *Outcome) {
	b := h.cur
	b.outs = append(b.outs, *o)
	b.outAt = append(b.outAt, len(b.recs))
	if len(b.outs) == handoverSize {
		h.flush()
	}
}

// flush hands the current batch over and takes the next one, once it
// was replayed.
func (h *Handover) flush() {
	n := h.filled.Add(1)
	signal(h.wakeReplay)
	await(h.wakeSender, func() bool { return h.replayed.Load() > n-handoverBatches })
	h.cur = &h.batches[n%handoverBatches]
}

// replay passes on every batch's calls, in order, until Close.
func (h *Handover) replay() {
	defer close(h.done)
	for n := int64(0); ; n++ {
		await(h.wakeReplay, func() bool { return h.filled.Load() > n || h.closed.Load() })
		if h.filled.Load() <= n { // closed, and every batch replayed
			return
		}
		b := &h.batches[n%handoverBatches]
		h.replayBatch(b)
		clear(b.keys) // the strings they hold
		clear(b.whole)
		b.recs, b.outs, b.outAt, b.keys, b.whole = b.recs[:0], b.outs[:0], b.outAt[:0], b.keys[:0], b.whole[:0]
		h.replayed.Add(1)
		signal(h.wakeSender)
	}
}

// handoverSpins is how many times a side polls, yielding, before it
// sleeps until the other signals.
const handoverSpins = 1 << 16

// await returns once ready reports true: it polls it handoverSpins
// times, yielding in between, then sleeps on wake between polls.
func await(wake chan struct{}, ready func() bool) {
	for i := range handoverSpins {
		if ready() {
			return
		}
		if i%1024 == 1023 {
			runtime.Gosched()
		}
	}
	for !ready() {
		<-wake
	}
}

// signal wakes the side sleeping on wake, if it sleeps.
func signal(wake chan struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
}

// replayBatch passes on the calls of b.
func (h *Handover) replayBatch(b *handoverBatch) {
	o, k, w := 0, 0, 0
	a := &h.att
	for i := range b.recs {
		for ; o < len(b.outs) && b.outAt[o] == i; o++ {
			h.obs.Outcome(&b.outs[o])
		}
		if k < len(b.keys) && b.keys[k].at == i {
			h.replayKey = b.keys[k]
			k++
		}
		r := &b.recs[i]
		if r.flags&recWhole != 0 {
			*a = b.whole[w]
			w++
		} else {
			kk := &h.replayKey
			a.Event, a.Copy, a.Key, a.Workspace, a.Sender, a.Size, a.N = r.event, int(r.copy), kk.key, kk.ws, kk.sender, r.size, int(r.n)
			a.Intended, a.Sent, a.Done, a.Status, a.RetryAfter, a.HasRetryAfter = r.intended, r.sent, r.done, int(r.status), r.retryAfter, r.flags&recHasRetryAfter != 0
			a.Err, a.Late, a.RateLimit = "", r.flags&recLate != 0, nil
		}
		h.obs.Attempt(a)
	}
	for ; o < len(b.outs); o++ {
		h.obs.Outcome(&b.outs[o])
	}
}

// Close passes on the calls still batched and returns once the other
// Observer has had them all. It may be called more than once.
func (h *Handover) Close() {
	if h.cur == nil {
		return
	}
	h.cur = nil
	h.filled.Add(1)
	h.closed.Store(true)
	signal(h.wakeReplay)
	<-h.done
}
