package report

import (
	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/probe"
)

// Delivery is what happened to a run's events: the numbers the README
// documents, in the JSON result's "delivery" object.
//
// An event is delivered when some attempt of it gets a 2xx, and lost when
// no attempt of any of its copies does (the policy gave up or the run ended
// first). A duplicate is every acceptance of an event after its first.
// Honored and early retries, partition violations and their slacks are
// RetryAfterJudge's, on the sender's clock: t is when the 429 came back,
// and an attempt's time is when it was sent.
type Delivery struct {
	Events      int64 `json:"events"`
	Deliveries  int64 `json:"deliveries"` // copies included
	Attempts    int64 `json:"attempts"`
	Accepted    int64 `json:"accepted"`
	Rejected429 int64 `json:"rejected_429"`
	Errors      int64 `json:"errors"` // transport errors and statuses other than 2xx and 429
	Lost        int64 `json:"lost"`
	Pending     int64 `json:"pending,omitempty"` // unresolved when the run was interrupted
	// CutOff counts deliveries the run ended before their next attempt
	// was due (--drain ran out); they also count in Lost.
	CutOff              int64   `json:"cut_off,omitempty"`
	Duplicates          int64   `json:"duplicates"`
	Retries             int64   `json:"retries"`
	RetryAfterHonored   int64   `json:"retry_after_honored"`
	RetryAfterEarly     int64   `json:"retry_after_early"`
	PartitionViolations int64   `json:"partition_violations"`
	MinRetrySlackMS     *int64  `json:"min_retry_slack_ms,omitempty"`     // smallest Sent − (t+d) over retries after a Retry-After
	MinPartitionSlackMS *int64  `json:"min_partition_slack_ms,omitempty"` // smallest slack of a partition violation
	Late                int64   `json:"late"`
	Amplification       float64 `json:"amplification"` // attempts / events
	Rate429             float64 `json:"rate_429"`      // rejected_429 / attempts
	LostRate            float64 `json:"lost_rate"`     // lost / events

	DeliveryDelay       Percentiles `json:"delivery_delay"`        // first emission to acceptance
	Latency             Percentiles `json:"latency"`               // response time from the actual send
	LatencyFromIntended Percentiles `json:"latency_from_intended"` // response time from when it was due

	// Histograms are the histograms behind the percentiles, so that
	// results merge exactly (see DeliveryHistograms).
	Histograms *DeliveryHistograms `json:"histograms,omitempty"`
}

// Percentiles summarises a histogram in milliseconds.
type Percentiles struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// DeliveryCollector builds a Delivery from a run's attempts and outcomes.
// It implements probe.Observer. Memory is bounded by the deliveries in
// flight and the partitions, not by the length of the run.
type DeliveryCollector struct {
	d Delivery

	delay, latency, fromIntended Histogram
	// lat and fromInt are the latest latencies not yet in latency and
	// fromIntended: a run of equal ones is recorded at once (every one
	// is 0 in virtual time). flush records them.
	lat, fromInt sameRun

	events  map[uint64]*eventState // events with copies still unresolved
	judge   *RetryAfterJudge
	ra      RetryAfterAttempt // the attempt being judged
	verdict RetryAfterVerdict // and what the judge found of it
	cutAt   int64             // the latest time a delivery was cut off or interrupted
	// senders counts each sender's share, when attempts name their
	// sender (a run with several).
	senders senderTally
	// noHistograms leaves the encoded histograms out of Delivery.
	noHistograms bool
}

type eventState struct {
	remaining   int
	accepted    int
	emitted     int64
	firstAccept int64
	sender      string
}

// NewDeliveryCollector returns an empty collector.
func NewDeliveryCollector() *DeliveryCollector {
	return &DeliveryCollector{
		events: map[uint64]*eventState{},
		judge:  NewRetryAfterJudge(),
	}
}

var _ probe.Observer = (*DeliveryCollector)(nil)

// Attempt counts one attempt; attempts must come in the order they were
// sent. Its partition (for partition violations) is its key; see
// AttemptIn.
func (c *DeliveryCollector) Attempt(a *probe.Attempt) { c.AttemptIn(a, a.Key) }

// AttemptIn counts one attempt that counted against partition, the
// partition of the profile's scope (limitsim.Profile.PartitionOf): a
// request to the same partition inside a 429's Retry-After is a partition
// violation.
func (c *DeliveryCollector) AttemptIn(a *probe.Attempt, partition string) {
	d := &c.d
	d.Attempts++
	switch {
	case a.Accepted():
		d.Accepted++
	case a.Status == 429:
		d.Rejected429++
	default:
		d.Errors++
	}
	if a.Late {
		d.Late++
	}
	c.lat.add(&c.latency, a.Done-a.Sent)
	c.fromInt.add(&c.fromIntended, a.Done-a.Intended)

	if a.N > 1 {
		d.Retries++
	}
	// The attempt judged, written field by field into one kept for it: a
	// composite literal would be built aside and copied.
	ra := &c.ra
	ra.Partition, ra.Event, ra.Sent, ra.Answered = partition, a.Event, a.Sent, a.Done
	ra.Status, ra.RetryAfter, ra.HasRetryAfter = a.Status, a.RetryAfter, a.HasRetryAfter
	c.judge.add(ra, &c.verdict)
	if a.Sender != "" {
		c.senders.attempt(a.Sender, a.Accepted(), a.Status == 429, c.verdict)
	}
}

// sameRun is a run of equal durations waiting to be recorded in a
// Histogram: n of ns each.
type sameRun struct{ ns, n int64 }

// add records ns into h, with the run before it once ns differs. It is
// small enough to be inlined, the run's next one counted without a call.
func (r *sameRun) add(h *Histogram, ns int64) {
	if r.n > 0 && ns == r.ns {
		r.n++
		return
	}
	r.start(h, ns)
}

// start records the run into h and starts one of ns.
func (r *sameRun) start(h *Histogram, ns int64) {
	r.flush(h)
	r.ns, r.n = ns, 1
}

// flush records the run into h.
func (r *sameRun) flush(h *Histogram) {
	if r.n > 0 {
		h.RecordNSN(r.ns, r.n)
		r.n = 0
	}
}

// Outcome counts how one delivery ended.
func (c *DeliveryCollector) Outcome(o *probe.Outcome) {
	d := &c.d
	d.Deliveries++
	switch o.Fate {
	case probe.Interrupted:
		d.Pending++
		c.cutAt = max(c.cutAt, o.At)
	case probe.RunEnded:
		if o.Attempts > 0 {
			d.CutOff++
			c.cutAt = max(c.cutAt, o.At)
		}
	}
	ok := o.Fate == probe.Delivered
	if o.Copies <= 1 {
		c.judge.Forget(o.Event)
		c.finish(o.Sender, b2i(ok), o.Emitted, o.At, o.Fate == probe.Interrupted)
		return
	}
	st := c.events[o.Event]
	if st == nil {
		st = &eventState{remaining: o.Copies, emitted: o.Emitted, sender: o.Sender}
		c.events[o.Event] = st
	}
	st.remaining--
	st.emitted = min(st.emitted, o.Emitted)
	if ok {
		if st.accepted == 0 || o.At < st.firstAccept {
			st.firstAccept = o.At
		}
		st.accepted++
	}
	if st.remaining == 0 {
		delete(c.events, o.Event)
		c.judge.Forget(o.Event)
		c.finish(st.sender, st.accepted, st.emitted, st.firstAccept, false)
	}
}

// finish counts one event of sender whose deliveries are all resolved.
func (c *DeliveryCollector) finish(sender string, accepted int, emitted, acceptedAt int64, pending bool) {
	d := &c.d
	d.Events++
	switch {
	case accepted > 0:
		d.Duplicates += int64(accepted - 1)
		c.delay.RecordNS(acceptedAt - emitted)
	case !pending:
		d.Lost++
	}
	if sender != "" {
		c.senders.event(sender, accepted == 0 && !pending)
	}
}

// Senders returns each sender's share so far, in the order of senders
// (see SenderShare); nil when no attempt or outcome named a sender and
// senders is empty. Events whose copies are not all resolved yet are
// counted as Delivery counts them.
func (c *DeliveryCollector) Senders(senders []SenderMeta) []SenderShare {
	if len(senders) == 0 && len(c.senders.shares) == 0 {
		return nil
	}
	t := senderTally{ix: map[string]int{}, shares: append([]SenderShare(nil), c.senders.shares...)}
	for k, v := range c.senders.ix {
		t.ix[k] = v
	}
	for _, st := range c.events {
		if st.sender != "" {
			t.event(st.sender, st.accepted == 0)
		}
	}
	return t.result(senders, c.d.Attempts)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Delivery returns the numbers so far. Events whose copies are not all
// resolved yet are counted as they stand.
func (c *DeliveryCollector) Delivery() Delivery {
	d := c.d
	for _, st := range c.events {
		d.Events++
		if st.accepted == 0 {
			d.Lost++
		} else {
			d.Duplicates += int64(st.accepted - 1)
		}
	}
	if d.Events > 0 {
		d.Amplification = numfmt.Round3(float64(d.Attempts) / float64(d.Events))
		d.LostRate = numfmt.Round3(float64(d.Lost) / float64(d.Events))
	}
	if d.Attempts > 0 {
		d.Rate429 = numfmt.Round3(float64(d.Rejected429) / float64(d.Attempts))
	}
	ra := c.judge.Counts()
	d.RetryAfterHonored, d.RetryAfterEarly, d.PartitionViolations = ra.Honored, ra.Early, ra.PartitionViolations
	d.MinRetrySlackMS, d.MinPartitionSlackMS = ra.MinRetrySlackMS(), ra.MinPartitionSlackMS()
	c.lat.flush(&c.latency)
	c.fromInt.flush(&c.fromIntended)
	d.DeliveryDelay = c.delay.Percentiles()
	d.Latency = c.latency.Percentiles()
	d.LatencyFromIntended = c.fromIntended.Percentiles()
	if !c.noHistograms {
		d.Histograms = c.histograms()
	}
	return d
}
