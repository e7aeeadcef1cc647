package session

import (
	"strconv"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
)

// Defaults of Options.
const (
	DefaultGiveUpAfter = time.Minute
	DefaultEventTTL    = 10 * time.Minute
	DefaultMaxEvents   = 1_000_000
	DefaultKeepKeys    = 1000
)

// Options tunes a Recorder. The zero value of a field is its
// default.
type Options struct {
	// GiveUpAfter is the give-up horizon: an event whose latest answer was
	// not a 2xx is given up when the sender has not come back this long
	// after the Retry-After it was sent (default 1m).
	GiveUpAfter time.Duration
	// EventTTL is how long an event is remembered after its latest
	// attempt, at least (default 10m, and at least twice GiveUpAfter): an
	// id seen again later is a new event.
	EventTTL time.Duration
	// MaxEvents bounds the events remembered at once (default 1,000,000,
	// about 100 MB); past it events are forgotten sooner than EventTTL.
	MaxEvents int
	// KeepKeys is how many expired partition keys keep their rows in the
	// report, the worst first (default 1,000), and how many keys a Result
	// shows unless Meta.Keys says otherwise; the others are in the
	// summary only.
	KeepKeys int
	// Thresholds are applied to every Result; validate them first with
	// Threshold.Validate(ServeMetrics).
	Thresholds []report.Threshold
	// Log, when set, receives every request the recorder counts, with
	// what it learnt of it (the results file of package report/results is
	// one).
	Log RequestLog
}

// RequestLog receives every request a Recorder counts, in the order it
// counts them; info is nil for a request whose path matched no key
// pattern.
type RequestLog interface {
	Request(r *Record, info *RequestInfo)
}

// Recorder judges the sender that talks to `hooklimit serve`. It
// takes every request the receiver answered (Add), in time order, and
// feeds the compliance analysis (an Analyzer, every keyed request as an
// arrival), the event tracker (attempts, duplicates, Retry-After honored
// or not, partition violations, events given up) and the retry schedule.
//
// Memory stays bounded however long the server runs: partition keys idle
// for the profile's idle horizon are retired into totals, events are
// remembered for EventTTL and at most MaxEvents at once, and histograms
// stand for the intervals. A Recorder is not safe for concurrent use:
// the receiver feeds it from one goroutine.
type Recorder struct {
	profile *limitsim.Profile
	opt     Options
	comp    *report.BoundedCompliance
	events  *eventTracker

	horizon, nextRetire int64
	statuses            [600]int64
	requests, unmatched int64
	unanswered          int64
	first, last         int64
	seen                bool
	info                RequestInfo // the one handed to Options.Log
}

// NewRecorder returns a recorder for a server enforcing p, which must
// be valid.
func NewRecorder(p *limitsim.Profile, opt Options) *Recorder {
	if opt.GiveUpAfter <= 0 {
		opt.GiveUpAfter = DefaultGiveUpAfter
	}
	if opt.EventTTL <= 0 {
		opt.EventTTL = DefaultEventTTL
	}
	if opt.MaxEvents <= 0 {
		opt.MaxEvents = DefaultMaxEvents
	}
	if opt.KeepKeys <= 0 {
		opt.KeepKeys = DefaultKeepKeys
	}
	s := &Recorder{
		profile: p,
		opt:     opt,
		comp:    report.NewBoundedCompliance(report.NewAnalyzer([]*limitsim.Profile{p}, report.AnalyzerOptions{}), opt.KeepKeys),
		events:  newEventTracker(opt.GiveUpAfter, opt.EventTTL, opt.MaxEvents),
		horizon: int64(p.IdleHorizon() + time.Second),
	}
	return s
}

// Add counts one request. Requests must come in the order of their Time;
// one that comes late is analysed as if it had come at the latest time
// seen for its key (CheckInput.OutOfOrder counts them).
func (s *Recorder) Add(r *Record) {
	s.requests++
	switch {
	case r.Unanswered:
		s.unanswered++
	case r.Status > 0 && r.Status < len(s.statuses):
		s.statuses[r.Status]++
	}
	if !s.seen || r.Time < s.first {
		s.first = r.Time
	}
	s.last, s.seen = max(s.last, r.Time), true
	if !r.Keyed {
		s.unmatched++
		if s.opt.Log != nil {
			s.opt.Log.Request(r, nil)
		}
		return
	}
	s.retire(r.Time)
	s.comp.Add(scenarios.Record{Time: r.Time, Key: r.Key, Workspace: r.Workspace, Size: r.Size, HasSize: true})
	info := s.events.add(r, s.profile.PartitionOf(r.Key, r.Workspace))
	if s.opt.Log != nil {
		// Handed over from a field: a local's address, passed to an
		// interface, would be allocated on every request, logged or not.
		s.info = info
		s.opt.Log.Request(r, &s.info)
	}
}

// Expire retires the partition keys idle for the profile's idle horizon
// as of now, and forgets the events past their time to live, as Add does
// when requests come (at once, where Add does it every quarter horizon);
// the receiver calls it on a timer, so that a server
// gone quiet gives back what its keys and events held. now must not be
// earlier than a request still to come, less the idle horizon. It
// returns how many keys and events it let go of.
func (s *Recorder) Expire(now int64) int {
	if !s.seen {
		return 0
	}
	s.nextRetire = now
	return s.retire(now) + s.events.expire(now)
}

// retire retires the keys idle as of now, at most every quarter horizon,
// and returns how many it retired.
func (s *Recorder) retire(now int64) int {
	if now < s.nextRetire {
		return 0
	}
	s.nextRetire = now + max(s.horizon/4, int64(time.Second))
	return s.comp.Retire(now - s.horizon)
}

// Stats are the live numbers of GET /_hooklimit/stats.
type Stats struct {
	Requests            int64            `json:"requests"`
	Accepted            int64            `json:"accepted"`
	Rejected429         int64            `json:"rejected_429"`
	Errors              int64            `json:"errors"`
	Unmatched           int64            `json:"unmatched"`
	Unanswered          int64            `json:"unanswered"`
	Events              int64            `json:"events"`
	Retries             int64            `json:"retries"`
	Duplicates          int64            `json:"duplicates"`
	RetryAfterHonored   int64            `json:"retry_after_honored"`
	RetryAfterEarly     int64            `json:"retry_after_early"`
	PartitionViolations int64            `json:"partition_violations"`
	Keys                int              `json:"keys"`         // partition keys analysed now
	ExpiredKeys         int64            `json:"expired_keys"` // keys retired into totals
	LiveEvents          int              `json:"live_events"`  // events remembered now
	First               report.Timestamp `json:"first,omitempty"`
	Last                report.Timestamp `json:"last,omitempty"`
}

// Stats returns the live counts, cheaply.
func (s *Recorder) Stats() Stats {
	d := &s.events.d
	ra := s.events.judge.Counts()
	st := Stats{
		Requests: s.requests, Accepted: d.Accepted, Rejected429: d.Rejected429, Errors: d.Errors, Unmatched: s.unmatched, Unanswered: s.unanswered,
		Events: d.Events, Retries: d.Retries, Duplicates: d.Duplicates, RetryAfterHonored: ra.Honored,
		RetryAfterEarly: ra.Early, PartitionViolations: ra.PartitionViolations,
		Keys: s.comp.Keys(), ExpiredKeys: s.comp.Retired(), LiveEvents: s.events.live(),
	}
	if s.seen {
		st.First, st.Last = report.Timestamp(s.first), report.Timestamp(s.last)
	}
	return st
}

// Profile returns the profile the recorder judges against.
func (s *Recorder) Profile() *limitsim.Profile { return s.profile }

// Options returns the recorder's options, defaults filled in.
func (s *Recorder) Options() Options { return s.opt }

// Live returns how many partition keys and events the recorder holds.
func (s *Recorder) Live() (keys, events int) { return s.comp.Keys(), s.events.live() }

// Meta describes a serve session, for its result.
type Meta struct {
	Listen    string // the URL served
	KeySource string // where the partition key came from
	// WorkspaceSource is where the workspace came from; "" when all
	// traffic was one workspace.
	WorkspaceSource string
	// Start and End bound the session (Unix ns); End is also the time at
	// which events not delivered are judged given up or pending. Zero
	// means the first and the latest request.
	Start, End  int64
	Interrupted bool
	Dropped     int64 // requests answered but not recorded (see report.ServeRequests)
	// Incomplete, for a session merged from results files, is what the
	// inputs say; nil otherwise.
	Incomplete *report.Incomplete
	// Keys is how many keys have their rows in the result, the worst
	// first: 0 for Options.KeepKeys, less than 0 for every key. The
	// summary and the metrics are over every key whatever it is.
	Keys  int
	Notes []string
}

// Result returns what the recorder found so far, thresholds applied. It
// does not change the recorder, which can go on taking requests.
func (s *Recorder) Result(m Meta) *report.ServeResult {
	show := m.Keys
	if show == 0 {
		show = s.opt.KeepKeys
	}
	chk := s.comp.Result(show)
	if m.Start == 0 {
		m.Start = s.first
	}
	if m.End == 0 {
		m.End = s.last
	}
	d, sched := s.events.delivery(m.End)
	r := &report.ServeResult{
		Kind: report.KindServe, Profile: s.profile.Name, Listen: m.Listen, KeySource: m.KeySource, WorkspaceSource: m.WorkspaceSource,
		Interrupted: m.Interrupted, Start: report.Timestamp(m.Start), End: report.Timestamp(m.End),
		Incomplete: m.Incomplete, ExcludedLimits: chk.ExcludedLimits,
		Compliance: chk.Verdict, ComplianceSection: chk.ComplianceSection,
		Requests: s.requestCounts(m),
		Delivery: d, RetrySchedule: sched,
		Thresholds: []report.ThresholdResult{}, Notes: append([]string{}, m.Notes...),
	}
	if m.Interrupted && m.Incomplete == nil {
		r.Incomplete = report.NewIncomplete(report.CutInterrupted, m.End, d.Pending)
	}
	r.Input.Files = []string{}
	if n := r.Requests.Unanswered; n > 0 {
		r.Notes = append(r.Notes, numfmt.CountNoun(n, "request")+" went unanswered (the client went away, or the connection was closed at shutdown, before the answer was written): counted as unanswered, not by the status meant")
	}
	if r.Input.Records == 0 {
		r.Notes = append(r.Notes, "no webhook request was received, so there is no sender to judge: the verdict is fail")
	}
	r.Metrics = report.ServeMetricsOf(r, chk.Metrics)
	r.Settle()
	for _, t := range s.opt.Thresholds {
		tr, err := t.Evaluate(r.Metrics)
		if err != nil {
			continue // Validate(ServeMetrics) rules this out
		}
		r.Thresholds = append(r.Thresholds, tr)
	}
	r.Settle()
	return r
}

func (s *Recorder) requestCounts(m Meta) report.ServeRequests {
	q := report.ServeRequests{Total: s.requests, Unmatched: s.unmatched, Unanswered: s.unanswered, Dropped: m.Dropped, ByStatus: map[string]int64{}}
	for code, n := range s.statuses {
		if n > 0 {
			q.ByStatus[strconv.Itoa(code)] = n
		}
	}
	if span := m.End - m.Start; span > 0 {
		q.RatePerSecond = numfmt.Round3(float64(s.requests) / (float64(span) / 1e9))
	}
	return q
}
