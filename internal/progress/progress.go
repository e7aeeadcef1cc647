// Package progress works out what a progress display shows while a run
// goes on: how much of the run is done, an estimate of the time left, and
// the counts so far. Time is a parameter: a Tracker never reads a clock,
// so its figures can be tested at any instant; the display that draws
// them (cmd/hooklimit) reads the clock and decides how to draw.
//
// A run's progress is measured one of three ways:
//
//   - in virtual time (the simulator), the scenario's time covered by the
//     attempts so far, against the scenario's planned span: the time left
//     is estimated from the real time spent so far at the same pace;
//   - in real time (a --target run), the time elapsed against the time
//     planned plus the drain: the time left is what remains of it;
//   - by steps (probe), step k of n, against the caps on time and
//     requests.
package progress

import (
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
)

// Fraction returns how far at is through begin..end, from 0 to 1; 0 when
// the span is empty.
func Fraction(begin, end, at int64) float64 {
	if end <= begin || at <= begin {
		return 0
	}
	if at >= end {
		return 1
	}
	return float64(at-begin) / float64(end-begin)
}

// Left estimates the time left of a run that has done the fraction done
// of its work in elapsed, if it keeps the same average pace:
// elapsed·(1−done)/done. It returns false when nothing is done yet, as
// there is then no pace to go by.
func Left(elapsed time.Duration, done float64) (time.Duration, bool) {
	if done <= 0 || elapsed < 0 || math.IsNaN(done) {
		return 0, false
	}
	if done >= 1 {
		return 0, true
	}
	left := float64(elapsed) * (1 - done) / done
	if left >= math.MaxInt64 {
		return math.MaxInt64, true
	}
	return time.Duration(left), true
}

// FormatLeft writes a time left as numfmt.ShortDuration does, rounded up
// to the second: "0s", "1s" for 0.2 s, "45s", "1m04s", "2h06m", "76h04m".
func FormatLeft(d time.Duration) string {
	if d < math.MaxInt64-time.Second {
		d = (d + time.Second - 1) / time.Second * time.Second
	}
	return numfmt.ShortDuration(max(d, 0))
}

// Mode says how a Tracker measures progress.
type Mode int

const (
	// Unknown is a run whose length is not known in advance (a replay):
	// only the counts are shown.
	Unknown Mode = iota
	// Virtual measures the scenario time covered by the attempts.
	Virtual
	// Real measures real time elapsed against the time planned.
	Real
	// Steps measures the steps of a probe, and its caps.
	Steps
)

// Tracker follows one run. Its Observe and Step methods may be called from
// the run's goroutines while Status is called from the display's: it is
// safe for concurrent use. The zero Tracker is an Unknown run that started
// at the Unix epoch; use one of the New functions.
type Tracker struct {
	mode       Mode
	start      int64 // real time the run started, Unix ns
	begin, end int64 // Virtual: the scenario's span; Real: the run's
	maxReqs    int64 // Steps: the cap on requests
	steps      []string

	covered  atomic.Int64 // Virtual: the latest intended time seen
	step     atomic.Int64 // Steps: the index of the step under way, from 0
	attempts atomic.Int64
	accepted atomic.Int64
	rejected atomic.Int64
}

// NewVirtual returns the Tracker of a simulator run started at start (real
// time) whose scenario spans begin..end (virtual time, Unix ns).
func NewVirtual(start time.Time, begin, end int64) *Tracker {
	t := &Tracker{mode: Virtual, start: start.UnixNano(), begin: begin, end: end}
	t.covered.Store(begin)
	return t
}

// NewReal returns the Tracker of a real-time run started at start that
// is planned to take planned, plus at most drain for the last retries.
func NewReal(start time.Time, planned, drain time.Duration) *Tracker {
	s := start.UnixNano()
	return &Tracker{mode: Real, start: s, begin: s, end: s + int64(planned) + int64(max(drain, 0))}
}

// NewSteps returns the Tracker of a probe started at start that takes the
// named steps in order, within maxRequests requests and maxDuration.
func NewSteps(start time.Time, steps []string, maxRequests int, maxDuration time.Duration) *Tracker {
	s := start.UnixNano()
	return &Tracker{mode: Steps, start: s, begin: s, end: s + int64(maxDuration), maxReqs: int64(maxRequests), steps: steps}
}

// NewUnknown returns the Tracker of a run started at start whose length
// is not known in advance.
func NewUnknown(start time.Time) *Tracker { return &Tracker{start: start.UnixNano()} }

// Observe counts one attempt due at intended (on the run's clock) and
// whether it was accepted or rejected with 429. An attempt's intended
// time moves a virtual run on.
func (t *Tracker) Observe(intended int64, accepted, rejected bool) {
	t.attempts.Add(1)
	switch {
	case accepted:
		t.accepted.Add(1)
	case rejected:
		t.rejected.Add(1)
	}
	if t.mode != Virtual {
		return
	}
	for {
		c := t.covered.Load()
		if intended <= c || t.covered.CompareAndSwap(c, intended) {
			return
		}
	}
}

// Step records that the probe's step name is under way. A name that is
// not one of the Tracker's steps changes nothing; steps never go back.
func (t *Tracker) Step(name string) {
	for i, s := range t.steps {
		if s == name {
			for {
				c := t.step.Load()
				if int64(i) <= c || t.step.CompareAndSwap(c, int64(i)) {
					return
				}
			}
		}
	}
}

// Status is what a display shows at one instant.
type Status struct {
	Mode Mode
	// Done is the fraction of the run done, from 0 to 1 (0 when Unknown).
	// For a probe, it is the share of the caps used: of --max-duration or
	// of --max-requests, whichever is further on.
	Done float64
	// Left is the estimated time left, when LeftKnown; for a probe, the
	// most it can still take.
	Left      time.Duration
	LeftKnown bool
	// Step and Steps are the step under way, from 1, and how many there
	// are (probe only); StepName is its name.
	Step, Steps int
	StepName    string

	Attempts, Accepted, Rejected int64
}

// Status returns the run's progress at now (real time).
func (t *Tracker) Status(now time.Time) Status {
	st := Status{Mode: t.mode, Attempts: t.attempts.Load(), Accepted: t.accepted.Load(), Rejected: t.rejected.Load()}
	n := now.UnixNano()
	elapsed := time.Duration(max(n-t.start, 0))
	switch t.mode {
	case Virtual:
		st.Done = Fraction(t.begin, t.end, t.covered.Load())
		st.Left, st.LeftKnown = Left(elapsed, st.Done)
	case Real:
		st.Done = Fraction(t.begin, t.end, n)
		st.Left, st.LeftKnown = time.Duration(max(t.end-n, 0)), true
	case Steps:
		st.Done = Fraction(t.begin, t.end, n)
		if t.maxReqs > 0 {
			st.Done = max(st.Done, min(float64(st.Attempts)/float64(t.maxReqs), 1))
		}
		st.Left, st.LeftKnown = time.Duration(max(t.end-n, 0)), true
		if len(t.steps) > 0 {
			k := int(t.step.Load())
			st.Step, st.Steps, st.StepName = k+1, len(t.steps), t.steps[k]
		}
	}
	return st
}

// Counts writes the counts the way the bar and the plain lines show them:
// "12,345 attempts · 12,000 accepted · 345 × 429", or for a probe
// "step 2 of 4: burst · 120 requests · 1 × 429".
func (s Status) Counts() string {
	if s.Mode == Steps {
		step := ""
		if s.Steps > 0 {
			step = fmt.Sprintf("step %d of %d: %s · ", s.Step, s.Steps, s.StepName)
		}
		return fmt.Sprintf("%s%s · %s × 429", step, numfmt.CountNoun(s.Attempts, "request"), numfmt.WithCommas(s.Rejected))
	}
	return fmt.Sprintf("%s · %s accepted · %s × 429", numfmt.CountNoun(s.Attempts, "attempt"), numfmt.WithCommas(s.Accepted), numfmt.WithCommas(s.Rejected))
}

// LeftText writes the time left: "1m04s left", "at most 1m04s left" for a
// probe, or "" when it is not known yet.
func (s Status) LeftText() string {
	switch {
	case !s.LeftKnown:
		return ""
	case s.Mode == Steps:
		return "at most " + FormatLeft(s.Left) + " left"
	}
	return FormatLeft(s.Left) + " left"
}

// Line writes the whole status on one line, for a display that draws no
// bar: "37% · 12,345 attempts · 12,000 accepted · 345 × 429 · 1m04s
// left".
func (s Status) Line() string {
	line := s.Counts()
	if s.Mode != Unknown {
		line = fmt.Sprintf("%d%% · %s", int(s.Done*100), line)
	}
	if l := s.LeftText(); l != "" {
		line += " · " + l
	}
	return line
}
