package retry

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/hooklimit/hooklimit/internal/units"
)

// Response is what a sender learnt from one attempt, as far as a retry
// policy cares: the status code, the Retry-After the target sent, if any,
// and the transport error, if the attempt got no response at all.
type Response struct {
	Status        int           // HTTP status; 0 when Err is set
	RetryAfter    time.Duration // the parsed Retry-After (see ParseRetryAfter)
	HasRetryAfter bool          // whether the response carried a valid Retry-After
	Err           error         // transport error or timeout; nil when a response came
}

// Retryable reports whether a failed attempt is worth another one. It is the
// one rule every policy shares:
//
//   - a transport error (connection refused or reset, timeout) is retried;
//   - 429 Too Many Requests, 408 Request Timeout and every 5xx are retried;
//   - nothing else is: a 2xx is a delivery, a 3xx is not followed, and any
//     other 4xx is final. A 413 Payload Too Large stays too large however
//     often it is sent, and a 400 or 401 will not mend itself.
func Retryable(r Response) bool { return retryable(&r) }

// retryable is Retryable, which the policies call on their Failure's
// Response in place: a copy of it, read back at once by wider loads than
// the stores that wrote it, costs more than the rule.
func retryable(r *Response) bool {
	if r.Err != nil {
		return true
	}
	return r.Status == 429 || r.Status == 408 || (r.Status >= 500 && r.Status <= 599)
}

// Failure describes, to a policy, the attempt of an event that just failed.
// The engine keeps these numbers per event; policies keep no state of their
// own, so one Policy value serves every event and every goroutine.
type Failure struct {
	// N is the 1-based number of the attempt that failed: 1 for the first
	// emission, 2 for the first retry. A value below 1 counts as 1.
	N int
	// Elapsed is the time from the event's first emission to the moment
	// this failure was known (the response arrived or the attempt timed
	// out); the delay a policy returns starts at that moment.
	Elapsed time.Duration
	// Prev is the delay the policy returned after the previous failure of
	// the same event, 0 after the first attempt. Only decorrelated jitter
	// uses it.
	Prev time.Duration
	// Response is what the attempt got.
	Response Response
}

// Policy decides, after each failed attempt of an event, whether to try
// again and after how long. A Policy is a value: pure, deterministic given
// the *rand.Rand passed in, and safe for concurrent use (the rng is not;
// give each goroutine its own).
type Policy interface {
	// Name is the policy's name in a spec: "exponential", "svix".
	Name() string
	// String is the canonical spec, every parameter spelled out, which
	// ParsePolicy reads back into an equal Policy.
	String() string
	// Next returns the delay before the next attempt and true, or false
	// when the event should be given up. It returns false for any response
	// Retryable rejects. A nil rng draws nothing: every random value is the
	// low end of its range.
	Next(f Failure, rng *rand.Rand) (delay time.Duration, retry bool)
}

// None makes one attempt per event and never retries: a rejected event is
// lost.
type None struct{}

// Name returns "none".
func (None) Name() string { return "none" }

// String returns "none".
func (None) String() string { return "none" }

// Next never retries.
func (None) Next(Failure, *rand.Rand) (time.Duration, bool) { return 0, false }

// Immediate retries at once, up to Max times: the retry storm the vendors
// warn about. Against a rate limit every retry lands in the same window as
// the attempt that was rejected.
type Immediate struct {
	Max int // retries after the first attempt
}

// Name returns "immediate".
func (Immediate) Name() string { return "immediate" }

// String returns the spec, e.g. "immediate,max=5".
func (p Immediate) String() string { return "immediate,max=" + strconv.Itoa(p.Max) }

// Next retries with no delay while fewer than Max retries were made.
func (p Immediate) Next(f Failure, _ *rand.Rand) (time.Duration, bool) {
	if !retryable(&f.Response) || attemptOf(&f) > p.Max {
		return 0, false
	}
	return 0, true
}

// Fixed waits the same Delay before each of up to Max retries. Salesbuildr
// retries failed webhook deliveries "with a 2-second delay" (the count is
// not documented); Autotask resends a callout after 30 seconds, 5 attempts
// in all, that is Max 4. Policies lists both as presets.
type Fixed struct {
	Delay time.Duration // wait before every retry
	Max   int           // retries after the first attempt
}

// Name returns "fixed".
func (Fixed) Name() string { return "fixed" }

// String returns the spec, e.g. "fixed,delay=2s,max=5".
func (p Fixed) String() string {
	return "fixed,delay=" + units.FormatDuration(p.Delay) + ",max=" + strconv.Itoa(p.Max)
}

// Next returns Delay while fewer than Max retries were made.
func (p Fixed) Next(f Failure, _ *rand.Rand) (time.Duration, bool) {
	if !retryable(&f.Response) || attemptOf(&f) > p.Max {
		return 0, false
	}
	return max(p.Delay, 0), true
}

// svixSchedule is the wait before attempts 2 to 8.
var svixSchedule = [...]time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute,
	2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour,
}

// SvixWaits returns the waits of Svix's schedule, the one Svix follows:
// before retries 1 to 7, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h. The
// slice is a fresh copy that the caller may change.
func SvixWaits() []time.Duration { return slices.Clone(svixSchedule[:]) }

// Svix follows the schedule Svix documents (docs.svix.com/retries, also
// quoted by Resend): "Immediately, 5 seconds, 5 minutes, 30 minutes,
// 2 hours, 5 hours, 10 hours, 10 hours", where "each period is started
// following the failure of the preceding attempt".
//
// "Immediately" is the first attempt, not a retry: Svix's own example says
// an event that fails three times and then succeeds is delivered "roughly
// 35 minutes and 5 seconds" after the first attempt, which is 5 s + 5 min +
// 30 min. So an event gets 8 attempts, and the 7 retries wait 5 s, 5 min,
// 30 min, 2 h, 5 h, 10 h and 10 h after the failure before them; the last
// attempt is about 27 h 35 min 5 s after the first. Svix adds no jitter.
type Svix struct{}

// Name returns "svix".
func (Svix) Name() string { return "svix" }

// String returns "svix".
func (Svix) String() string { return "svix" }

// Next returns the schedule's wait after attempt N, for N from 1 to 7.
func (Svix) Next(f Failure, _ *rand.Rand) (time.Duration, bool) {
	n := attemptOf(&f)
	if !retryable(&f.Response) || n > len(svixSchedule) {
		return 0, false
	}
	return svixSchedule[n-1], true
}

// GiveUp bounds the time over which Policy retries an event: it stops
// retrying when the next attempt would be sent later than the event's first
// emission plus After. It is the spec parameter giveup=DURATION, which any
// policy accepts.
type GiveUp struct {
	Policy Policy        // the policy bounded; nil means None
	After  time.Duration // the horizon, from the first emission
}

// Name returns the wrapped policy's name.
func (g GiveUp) Name() string { return g.inner().Name() }

// String returns the wrapped policy's spec followed by ",giveup=DURATION".
func (g GiveUp) String() string {
	return g.inner().String() + ",giveup=" + units.FormatDuration(g.After)
}

// Next asks the wrapped policy, then gives up if its delay would take the
// next attempt past the horizon. An attempt exactly at the horizon is
// still made.
func (g GiveUp) Next(f Failure, rng *rand.Rand) (time.Duration, bool) {
	d, ok := g.inner().Next(f, rng)
	if !ok || d > g.After || f.Elapsed > g.After-d {
		return 0, false
	}
	return d, true
}

func (g GiveUp) inner() Policy {
	if g.Policy == nil {
		return None{}
	}
	return g.Policy
}

// attemptOf returns f.N, at least 1.
func attemptOf(f *Failure) int { return max(f.N, 1) }

// uniform draws a duration in [lo, hi], both ends included, or returns lo
// when the range is empty or rng is nil. lo must not be negative.
func uniform(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	if rng == nil || hi <= lo {
		return lo
	}
	return lo + time.Duration(rng.Uint64N(uint64(hi-lo)+1))
}

// doubled returns base·2^(n-1), at most limit, without overflowing. A
// limit of 0 or less means no limit.
func doubled(base time.Duration, n int, limit time.Duration) time.Duration {
	if limit <= 0 {
		limit = math.MaxInt64
	}
	if base <= 0 {
		return 0
	}
	d := min(base, limit)
	for i := 1; i < n; i++ {
		if d > limit/2 {
			return limit
		}
		d *= 2
	}
	return d
}

// addSat returns a+b for non-negative a and b, saturating at the largest
// Duration.
func addSat(a, b time.Duration) time.Duration {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// mulSat returns d·k, saturating at the largest Duration.
func mulSat(d time.Duration, k int64) time.Duration {
	if d > 0 && d > math.MaxInt64/time.Duration(k) {
		return math.MaxInt64
	}
	return d * time.Duration(k)
}
