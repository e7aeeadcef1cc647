package probe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/units"
)

// Sender is how a sender delivers, beside its retry policy: the delivery
// discipline and the quirks of how it reads a Retry-After. With the
// Engine's Policy it is the whole sender model. The zero Sender is the
// parallel discipline with no quirks: every delivery is retried on its own,
// as soon as the policy says, and every attempt leaves when it is due.
//
// A partition, here, is what the sender keeps apart: the deliveries of
// one partition key in one workspace.
type Sender struct {
	// Ordered queues each partition's deliveries in order: one delivery
	// is under way at a time, and the next waits until it is delivered or
	// given up (head-of-line blocking). Its first attempt is then due when
	// the one before it settled, and the retry policy counts Elapsed from
	// there.
	Ordered bool
	// PauseOn429 holds a partition after a 429: no attempt of it leaves
	// until the Retry-After ends (as the quirks read it), or until
	// PauseFallback has passed when the response carried none.
	PauseOn429    bool
	PauseFallback time.Duration
	// Pace, when its Rate is set, is a client-side token bucket that
	// attempts must take a token from before they leave.
	Pace Bucket
	// Concurrency, when positive, is the most attempts in flight at once:
	// sent and not yet answered.
	Concurrency int
	// DisableAfter, when positive, disables the sender after that many
	// consecutive deliveries were given up: every attempt that would leave
	// after it is not made, and its delivery ends Disabled.
	DisableAfter int
	// RetryAfter is how the sender reads a Retry-After; RetryAfterCap is
	// the cap of RetryAfterMax.
	RetryAfter    RetryAfterQuirk
	RetryAfterCap time.Duration
}

// Bucket is a token bucket: Rate tokens every Per, holding at most Burst
// (at least 1), full at the start. An attempt takes one token; without one
// it waits for the next. It is shared by every partition unless
// PerPartition is set.
type Bucket struct {
	Rate         int64
	Per          time.Duration
	Burst        int64
	PerPartition bool
}

// RetryAfterQuirk says how a sender reads the Retry-After of a response.
type RetryAfterQuirk string

// The ways a sender reads a Retry-After.
const (
	// RetryAfterHonour hands the Retry-After to the policy as sent.
	RetryAfterHonour RetryAfterQuirk = ""
	// RetryAfterMillis reads the number as milliseconds: "Retry-After: 10"
	// is a wait of 10 ms.
	RetryAfterMillis RetryAfterQuirk = "ms"
	// RetryAfterIgnore drops the Retry-After: the policy never sees it.
	RetryAfterIgnore RetryAfterQuirk = "ignore"
	// RetryAfterMax waits the longer of the policy's backoff and the
	// Retry-After, but at most the backoff plus RetryAfterCap.
	RetryAfterMax RetryAfterQuirk = "max"
)

// DefaultPauseFallback is the pause after a 429 that carries no
// Retry-After, when PauseFallback is not set.
const DefaultPauseFallback = time.Minute

// Parallel reports whether s is the zero Sender: the parallel discipline
// with no quirks.
func (s *Sender) Parallel() bool { return s == nil || *s == Sender{} }

// Validate checks that the fields are in range.
func (s *Sender) Validate() error {
	switch {
	case s.PauseFallback < 0:
		return errors.New("the pause after a 429 must not be negative")
	case s.Pace.Rate < 0 || (s.Pace.Rate > 0 && s.Pace.Per <= 0):
		return errors.New("a pace needs a positive rate and period, e.g. pace=1000/1m")
	case s.Pace.Rate > 0 && s.Pace.Per/time.Duration(s.Pace.Rate) <= 0:
		return errors.New("a pace faster than one attempt a nanosecond is not a pace")
	case s.Pace.Burst < 0:
		return errors.New("burst must not be negative")
	case s.Concurrency < 0:
		return errors.New("concurrency must not be negative")
	case s.DisableAfter < 0:
		return errors.New("disable-after must not be negative")
	case s.RetryAfterCap < 0:
		return errors.New("the Retry-After cap must not be negative")
	}
	switch s.RetryAfter {
	case RetryAfterHonour, RetryAfterMillis, RetryAfterIgnore, RetryAfterMax:
	default:
		return fmt.Errorf("unknown Retry-After quirk %q", s.RetryAfter)
	}
	return nil
}

// String returns the sender's discipline and quirks as a spec, every
// part in a fixed order: "parallel" for the zero Sender, else e.g.
// "ordered,pause-on-429=1m,pace=1000/1m,concurrency=8,disable-after=25,
// retry-after=max(cap=2h)".
func (s *Sender) String() string {
	if s.Parallel() {
		return "parallel"
	}
	var p []string
	if s.Ordered {
		p = append(p, "ordered")
	}
	if s.PauseOn429 {
		p = append(p, "pause-on-429="+units.FormatDuration(s.pauseFallback()))
	}
	if s.Pace.Rate > 0 {
		p = append(p, "pace="+units.FormatRate(s.Pace.Rate, s.Pace.Per))
		if s.Pace.Burst > 1 {
			p = append(p, "burst="+strconv.FormatInt(s.Pace.Burst, 10))
		}
		if s.Pace.PerPartition {
			p = append(p, "pace-per=partition")
		}
	}
	if s.Concurrency > 0 {
		p = append(p, "concurrency="+strconv.Itoa(s.Concurrency))
	}
	if s.DisableAfter > 0 {
		p = append(p, "disable-after="+strconv.Itoa(s.DisableAfter))
	}
	switch s.RetryAfter {
	case RetryAfterMax:
		p = append(p, "retry-after=max(cap="+units.FormatDuration(s.RetryAfterCap)+")")
	case RetryAfterHonour:
	default:
		p = append(p, "retry-after="+string(s.RetryAfter))
	}
	if len(p) == 0 || !s.Ordered {
		p = append([]string{"parallel"}, p...)
	}
	return strings.Join(p, ",")
}

func (s *Sender) pauseFallback() time.Duration {
	if s.PauseFallback > 0 {
		return s.PauseFallback
	}
	return DefaultPauseFallback
}
