package limitsim

import (
	"fmt"
	"math"
	"time"

	"github.com/hooklimit/hooklimit/internal/intmath"
	"github.com/hooklimit/hooklimit/internal/units"
)

// Kind names the model a limit follows. See the README's table of limit kinds.
type Kind string

// The limit kinds.
const (
	// Window is a sliding (rolling) log: at most Quota in every interval
	// (t-Per, t].
	Window Kind = "window"
	// Fixed is an epoch-aligned fixed window: at most Quota in each interval
	// [k·Per, (k+1)·Per). Windows of a minute, an hour or a day are calendar
	// windows in UTC. It admits up to 2·Quota across a boundary.
	Fixed Kind = "fixed"
	// Bucket is a continuous token bucket refilled at Quota per Per, holding
	// at most Burst, starting full: at most Burst + rate·t in any interval t.
	Bucket Kind = "bucket"
	// Credits is Workato's discrete model: each tick of length Per brings
	// Quota fresh credits; requests spend fresh credits first, then a store;
	// at the end of a tick unused fresh credits go into the store, capped at
	// Burst; the store starts full.
	Credits Kind = "credits"
)

// Kinds lists every kind, in the order they are documented.
var Kinds = []Kind{Window, Fixed, Bucket, Credits}

// Unit says what a request costs against a limit.
type Unit string

// The cost units.
const (
	// Requests: every request costs 1.
	Requests Unit = "requests"
	// Bytes: a request costs the size of its body in bytes.
	Bytes Unit = "bytes"
)

// Never is the RetryAt of a request that no amount of waiting admits: its
// cost is larger than the limit can ever hold.
const Never int64 = math.MaxInt64

// maxScaled bounds the exact integer state of a limit, leaving headroom so
// that sums of two such values never overflow an int64.
const maxScaled = math.MaxInt64 / 4

// Limit is the specification of one limit: a quota per period, a kind that
// says how the quota is counted, and what a request costs.
//
// For Window and Fixed, at most Quota units are admitted per Per. For Bucket,
// tokens come at Quota per Per into a bucket of Burst. For Credits, Quota
// fresh credits come each tick of length Per and unused ones are stored up
// to Burst. The zero value is not a valid limit; see Validate.
type Limit struct {
	Name  string        // short name, unique within a profile, e.g. "per_second"
	Kind  Kind          // how the quota is counted
	Quota int64         // units per Per (a window's size, a bucket's or tick's refill)
	Per   time.Duration // the window, the refill period, or the tick
	Burst int64         // bucket capacity or credit store cap; 0 for windows
	Unit  Unit          // what a request costs; "" means Requests
}

// CostOf returns what a request whose body has size bytes costs against l.
func (l Limit) CostOf(size int64) int64 {
	if l.Unit == Bytes {
		return size
	}
	return 1
}

// Validate reports the first problem with l, as an error naming the field.
func (l Limit) Validate() error {
	switch l.Kind {
	case Window, Fixed, Bucket, Credits:
	default:
		return fieldErr("kind", "must be one of window, fixed, bucket, credits, not %q", l.Kind)
	}
	switch l.Unit {
	case "", Requests, Bytes:
	default:
		return fieldErr("unit", "must be requests or bytes, not %q", l.Unit)
	}
	if l.Quota <= 0 {
		return fieldErr("quota", "must be a positive integer, not %d", l.Quota)
	}
	if l.Per <= 0 {
		return fieldErr("per", "must be a positive duration, not %s", l.Per)
	}
	if l.Per > MaxPer {
		return fieldErr("per", "%s is longer than the longest period, %s", units.FormatDuration(l.Per), units.FormatDuration(MaxPer))
	}
	switch l.Kind {
	case Window, Fixed:
		if l.Burst != 0 {
			return fieldErr("burst", "applies only to bucket and credits limits")
		}
		if l.Quota > maxScaled {
			return fieldErr("quota", "%d is too large", l.Quota)
		}
	case Bucket:
		if l.Burst <= 0 {
			return fieldErr("burst", "a bucket needs a positive capacity, not %d", l.Burst)
		}
		n, d := l.rate()
		if l.Burst > maxScaled/d || n > maxScaled {
			return fieldErr("burst", "%d at %d per %s is too large to simulate exactly", l.Burst, l.Quota, l.Per)
		}
	case Credits:
		if l.Burst < 0 {
			return fieldErr("burst", "must not be negative, not %d", l.Burst)
		}
		if l.Burst > maxScaled || l.Quota > maxScaled-l.Burst {
			return fieldErr("burst", "%d is too large", l.Burst)
		}
	}
	return nil
}

// rate returns the refill rate as the reduced fraction n tokens per d
// nanoseconds.
func (l Limit) rate() (n, d int64) {
	n, d = l.Quota, int64(l.Per)
	g := intmath.GCD(n, d)
	return n / g, d / g
}

// Alternative returns the limit under its other documented interpretation,
// and false when it has none: a sliding window's alternative is the fixed
// window of the same size and the reverse; a credit model's is the
// continuous token bucket of rate Quota per Per and capacity Burst + Quota.
func (l Limit) Alternative() (Limit, bool) {
	switch l.Kind {
	case Window:
		l.Kind = Fixed
	case Fixed:
		l.Kind = Window
	case Credits:
		l.Kind = Bucket
		l.Burst += l.Quota
	default:
		return l, false
	}
	return l, true
}

// String describes l in a few words, for example "25 per 1s (sliding
// window)" or "20 per 1s, burst 18000 (credits)".
func (l Limit) String() string {
	q := fmt.Sprint(l.Quota)
	if l.Unit == Bytes {
		q = units.FormatBytes(l.Quota)
	}
	s := fmt.Sprintf("%s per %s", q, units.FormatDuration(l.Per))
	switch l.Kind {
	case Bucket, Credits:
		b := fmt.Sprint(l.Burst)
		if l.Unit == Bytes {
			b = units.FormatBytes(l.Burst)
		}
		s += ", burst " + b
	}
	return s + " (" + l.Kind.Describe() + ")"
}

// Describe names the kind as a person would.
func (k Kind) Describe() string {
	switch k {
	case Window:
		return "sliding window"
	case Fixed:
		return "fixed window"
	case Bucket:
		return "token bucket"
	case Credits:
		return "credits"
	}
	return string(k)
}

// NewLimiter returns the state of l for one partition, empty (or full, for
// buckets and credit stores). It panics if l is not valid: validate limits
// that come from users first.
func NewLimiter(l Limit, countRejected bool) Limiter {
	if err := l.Validate(); err != nil {
		panic("limitsim: NewLimiter: " + err.Error())
	}
	switch l.Kind {
	case Window:
		return newSliding(l, countRejected)
	case Fixed:
		return newFixed(l, countRejected)
	case Bucket:
		return newBucket(l, countRejected)
	default:
		return newCredits(l, countRejected)
	}
}

// Limiter is the state of one limit for one partition. Times are Unix
// nanoseconds; a time earlier than the latest one seen is treated as the
// latest. A Limiter is not safe for concurrent use: a Partition guards it.
type Limiter interface {
	// Check reports whether a request of the given cost fits at now, without
	// taking it. When it does not, retryAt is the earliest time at which it
	// would fit if nothing else arrived, or Never.
	Check(now, cost int64) (ok bool, retryAt int64)
	// Take counts a request of the given cost at now. admitted says whether
	// the whole policy admitted it; a rejected request is only counted when
	// the profile counts rejected requests, and never takes a bucket or
	// credit store below zero.
	Take(now, cost int64, admitted bool)
	// Remaining returns how many units could be spent at now.
	Remaining(now int64) int64
	// ResetAt returns when the limit will be fully restored if nothing more
	// arrives: the window empty, the bucket or store full. It is now when it
	// already is.
	ResetAt(now int64) int64
	// Allow is Check followed by Take with the outcome: it decides a
	// request as a profile of this one limit would (see allow), counts it,
	// and reports whether it was admitted.
	Allow(now, cost int64) bool
}

// allow is the one replay rule of a single limit, the rule
// Partition.DecideInto follows for a profile of one limit: check the
// request, then take it with the outcome, so that a rejected request is
// counted when the profile counts rejected requests (count_rejected) and
// not otherwise. Every per-limit replay (check's rows, the simulator, the
// charts) goes through it.
func allow(l Limiter, now, cost int64) bool {
	ok, _ := l.Check(now, cost)
	l.Take(now, cost, ok)
	return ok
}

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// FieldError is a problem with one field of a limit or profile. The profile
// reader turns it into an input error that also names the file and line.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }
