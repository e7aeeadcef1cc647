package report

import (
	"fmt"
	"time"

	"github.com/hooklimit/hooklimit/internal/intmath"
)

// MaxTimelinePoints bounds a Timeline: a day of seconds. A longer span is
// counted per minute, and one longer than MaxTimelinePoints minutes per
// hour (then per day), so a timeline never holds more points than this.
const MaxTimelinePoints = 86_400

// Timeline is a compact per-second series of what was sent and how it was
// answered, for charts and the sparkline, carried in results so that they
// work without the attempt lines. Step i covers [Start + i·Step, Start +
// (i+1)·Step); steps are aligned to the Unix epoch, so timelines of
// different runs line up and merge exactly by adding counts.
//
// For a run or serve, Sent counts attempts (requests), Admitted those
// answered 2xx and Rejected429 those answered 429 (the rest were other
// errors). For check, Sent counts records and Admitted and Rejected429
// what Profile as documented would have admitted and rejected.
type Timeline struct {
	// Profile is the profile whose limits the charts draw, and the one
	// that decided Admitted and Rejected429 for check.
	Profile *ProfileSpec `json:"profile,omitempty"`
	Start   Timestamp    `json:"start"`
	// StepSeconds is 1; 60 for a span longer than MaxTimelinePoints
	// seconds; 3,600 beyond that many minutes; then 86,400 and doubling.
	StepSeconds int64   `json:"step_seconds"`
	Sent        []int64 `json:"sent"`
	Admitted    []int64 `json:"admitted"`
	Rejected429 []int64 `json:"rejected_429"`
	// Bytes counts the body bytes sent, when the profile has a byte limit.
	Bytes []int64 `json:"bytes,omitempty"`
}

// Len returns the number of steps.
func (t *Timeline) Len() int { return len(t.Sent) }

// Step returns the step in nanoseconds.
func (t *Timeline) Step() int64 { return t.StepSeconds * int64(time.Second) }

// Total returns the sum of a series.
func Total(s []int64) int64 {
	var n int64
	for _, v := range s {
		n += v
	}
	return n
}

// validate checks that the series line up, for a timeline read from a
// file. The error names the field.
func (t *Timeline) Validate() error {
	if !isTimelineStep(t.StepSeconds) {
		return FieldErrorf("step_seconds", "must be 1, 60, 3600, or 86400 times a power of 2, not %d", t.StepSeconds)
	}
	if int64(t.Start)%t.Step() != 0 {
		return FieldErrorf("start", "must be a multiple of the step since the Unix epoch")
	}
	n := len(t.Sent)
	if n > MaxTimelinePoints {
		return FieldErrorf("sent", "has %d points, more than %d", n, MaxTimelinePoints)
	}
	for _, s := range []struct {
		name string
		v    []int64
	}{{"admitted", t.Admitted}, {"rejected_429", t.Rejected429}, {"bytes", t.Bytes}} {
		if s.v == nil && s.name == "bytes" {
			continue
		}
		if len(s.v) != n {
			return FieldErrorf(s.name, "has %d points, sent has %d", len(s.v), n)
		}
	}
	for i := range n {
		if t.Sent[i] < 0 || t.Admitted[i] < 0 || t.Rejected429[i] < 0 || t.Admitted[i]+t.Rejected429[i] > t.Sent[i] {
			return FieldErrorf(fmt.Sprintf("sent[%d]", i), "counts must not be negative, and admitted plus rejected must not exceed sent")
		}
		if t.Bytes != nil && t.Bytes[i] < 0 {
			return FieldErrorf(fmt.Sprintf("bytes[%d]", i), "must not be negative")
		}
	}
	return nil
}

// isTimelineStep reports whether s seconds is a step nextStep reaches.
func isTimelineStep(s int64) bool {
	switch s {
	case 1, 60, 3600:
		return true
	}
	for d := int64(86400); d > 0 && d <= 1<<50; d *= 2 {
		if s == d {
			return true
		}
	}
	return false
}

// FieldError is an error about one field of what was read (Field, a
// dotted path such as "delivery.histograms"), for the reader to place in
// a file and line.
type FieldError struct{ Field, Msg string }

// Error returns "FIELD: MSG".
func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// FieldErrorf returns a *FieldError about field, its message formatted.
func FieldErrorf(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// TimelineBuilder counts a Timeline, one request at a time, in any order.
// Memory is bounded by MaxTimelinePoints steps. The zero value is not
// usable: see NewTimelineBuilder.
type TimelineBuilder struct {
	profile               *ProfileSpec
	withBytes             bool
	step                  int64 // ns
	base                  int64 // the index, in steps since the epoch, of the first step
	started               bool
	sent, adm, rej, bytes []int64
	// last is the step Add counted into last: its index, the times it
	// spans, [lastFrom, lastTo), and the step and base it was found at.
	// While they are still the builder's, an Add within those times needs
	// no division.
	last                                 int
	lastFrom, lastTo, lastStep, lastBase int64
}

// NewTimelineBuilder returns an empty builder for a timeline against
// profile (which may be nil); it counts bytes when the profile has a byte
// limit.
func NewTimelineBuilder(profile *ProfileSpec) *TimelineBuilder {
	b := &TimelineBuilder{profile: profile, step: int64(time.Second)}
	if profile != nil {
		for _, l := range profile.Limits {
			b.withBytes = b.withBytes || l.Unit == "bytes"
		}
	}
	return b
}

// CountBytes makes the builder count bytes whatever its profile, for a
// timeline whose profile is not known yet.
func (b *TimelineBuilder) CountBytes() { b.withBytes = true }

// Add counts one request sent at t (Unix ns) with a body of size bytes,
// and whether it was admitted or rejected with 429.
func (b *TimelineBuilder) Add(t, size int64, admitted, rejected bool) {
	i := b.last
	if t < b.lastFrom || t >= b.lastTo || b.step != b.lastStep || b.base != b.lastBase {
		i = b.slot(t)
		b.last, b.lastStep, b.lastBase = i, b.step, b.base
		b.lastFrom, b.lastTo = intmath.Span(b.base+int64(i), b.step)
	}
	b.sent[i]++
	if admitted {
		b.adm[i]++
	}
	if rejected {
		b.rej[i]++
	}
	if b.withBytes {
		b.bytes[i] += max(size, 0)
	}
}

// addRun counts n requests sent at t with a body of size bytes, admitted
// of them admitted and rejected of them rejected with 429: Add of each.
func (b *TimelineBuilder) addRun(t, size, n, admitted, rejected int64) {
	b.Add(t, size, false, false)
	i := b.last
	b.sent[i] += n - 1
	b.adm[i] += admitted
	b.rej[i] += rejected
	if b.withBytes {
		b.bytes[i] += (n - 1) * max(size, 0)
	}
}

// addStep adds the counts of a step that starts at t and is no longer
// than the builder's.
func (b *TimelineBuilder) addStep(t, sent, adm, rej, bytes int64) {
	i := b.slot(t)
	b.sent[i] += sent
	b.adm[i] += adm
	b.rej[i] += rej
	if b.withBytes {
		b.bytes[i] += bytes
	}
}

// slot returns the index of the step holding t, growing or coarsening the
// series as needed.
func (b *TimelineBuilder) slot(t int64) int {
	k := intmath.FloorDiv(t, b.step)
	if !b.started {
		b.started, b.base = true, k
	}
	for {
		lo, hi := min(b.base, k), max(b.base+int64(len(b.sent))-1, k)
		if hi-lo < MaxTimelinePoints {
			break
		}
		b.coarsen()
		k = intmath.FloorDiv(t, b.step)
	}
	if k < b.base {
		n := int(b.base - k)
		b.sent = prepend(b.sent, n)
		b.adm = prepend(b.adm, n)
		b.rej = prepend(b.rej, n)
		if b.withBytes {
			b.bytes = prepend(b.bytes, n)
		}
		b.base = k
	}
	for k-b.base >= int64(len(b.sent)) {
		b.sent = append(b.sent, 0)
		b.adm = append(b.adm, 0)
		b.rej = append(b.rej, 0)
		if b.withBytes {
			b.bytes = append(b.bytes, 0)
		}
	}
	return int(k - b.base)
}

func prepend(s []int64, n int) []int64 {
	return append(make([]int64, n, n+len(s)), s...)
}

// nextStep is the step after step (ns): a minute, an hour, a day, then
// doubling.
func nextStep(step int64) int64 {
	switch {
	case step < int64(time.Minute):
		return int64(time.Minute)
	case step < int64(time.Hour):
		return int64(time.Hour)
	case step < int64(24*time.Hour):
		return int64(24 * time.Hour)
	}
	return 2 * step
}

// coarsen moves the series to the next step.
func (b *TimelineBuilder) coarsen() {
	b.rebucket(nextStep(b.step))
}

// rebucket moves the series to step, a multiple of the current step.
func (b *TimelineBuilder) rebucket(step int64) {
	if !b.started {
		b.step = step
		return
	}
	f := step / b.step
	base := intmath.FloorDiv(b.base, f)
	n := int(intmath.FloorDiv(b.base+int64(len(b.sent))-1, f)-base) + 1
	merge := func(s []int64) []int64 {
		if s == nil {
			return nil
		}
		out := make([]int64, n)
		for i, v := range s {
			out[intmath.FloorDiv(b.base+int64(i), f)-base] += v
		}
		return out
	}
	b.sent, b.adm, b.rej, b.bytes = merge(b.sent), merge(b.adm), merge(b.rej), merge(b.bytes)
	b.step, b.base = step, base
}

// Timeline returns the timeline so far. It does not change the builder.
func (b *TimelineBuilder) Timeline() *Timeline {
	t := &Timeline{
		Profile: b.profile, StepSeconds: b.step / int64(time.Second),
		Sent: clone64(b.sent), Admitted: clone64(b.adm), Rejected429: clone64(b.rej),
	}
	if b.started {
		t.Start = Timestamp(b.base * b.step)
	}
	if b.withBytes {
		t.Bytes = clone64(b.bytes)
	}
	return t
}

func clone64(s []int64) []int64 { return append([]int64{}, s...) }

// MergeTimelines adds up timelines, exactly: at the coarsest step of
// them all (or a coarser one when the span needs it). The profile is the
// first one's; bytes are kept only when every timeline has them. It
// returns nil when ts is empty or any of them is nil.
func MergeTimelines(ts ...*Timeline) *Timeline {
	if len(ts) == 0 {
		return nil
	}
	step := int64(time.Second)
	withBytes := true
	for _, t := range ts {
		if t == nil {
			return nil
		}
		step = max(step, t.Step())
		withBytes = withBytes && t.Bytes != nil
	}
	b := NewTimelineBuilder(ts[0].Profile)
	b.withBytes = withBytes
	for b.step < step {
		b.step = nextStep(b.step)
	}
	for _, t := range ts {
		for i := range t.Sent {
			var bytes int64
			if withBytes {
				bytes = t.Bytes[i]
			}
			if t.Sent[i] == 0 && bytes == 0 {
				continue
			}
			b.addStep(int64(t.Start)+int64(i)*t.Step(), t.Sent[i], t.Admitted[i], t.Rejected429[i], bytes)
		}
	}
	out := b.Timeline()
	if !b.started {
		out.Start = ts[0].Start
	}
	return out
}
