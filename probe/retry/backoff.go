package retry

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/hooklimit/hooklimit/internal/units"
)

// Jitter says how Exponential randomises its delays. The definitions are
// those of "Exponential Backoff And Jitter" (Marc Brooker, AWS
// Architecture Blog, 2015), with t = min(Cap, Base·2^(n-1)) the un-jittered
// delay after attempt n:
//
//	none          t
//	full          random in [0, t]
//	equal         t/2 + random in [0, t/2], that is random in [⌊t/2⌋, t]
//	decorrelated  min(Cap, random in [Base, 3·prev]), prev being the delay
//	              before the attempt that failed (Base after the first)
//
// Full jitter spreads retries the most and is the usual recommendation;
// decorrelated grows like the exponential without using n at all. Every
// random value is drawn in whole nanoseconds, both ends included.
type Jitter string

// The jitter modes. The zero value, "", is treated as JitterNone.
const (
	JitterNone         Jitter = "none"
	JitterFull         Jitter = "full"
	JitterEqual        Jitter = "equal"
	JitterDecorrelated Jitter = "decorrelated"
)

// jitters lists the modes in the order they are documented.
var jitters = []Jitter{JitterNone, JitterFull, JitterEqual, JitterDecorrelated}

// Exponential backs off exponentially: after attempt n it waits
// Base·2^(n-1), at most Cap, randomised by Jitter, for up to Max retries.
// With Base 1s, Cap 5m and no jitter the waits are 1s, 2s, 4s, ... 4m16s,
// then 5m.
type Exponential struct {
	Base   time.Duration // the first wait
	Cap    time.Duration // the longest wait; 0 or less means no cap
	Max    int           // retries after the first attempt
	Jitter Jitter        // how the waits are randomised
}

// Name returns "exponential".
func (Exponential) Name() string { return "exponential" }

// String returns the spec, e.g.
// "exponential,base=1s,cap=5m,max=7,jitter=full".
func (p Exponential) String() string {
	j := p.Jitter
	if j == "" {
		j = JitterNone
	}
	return "exponential,base=" + units.FormatDuration(p.Base) +
		",cap=" + units.FormatDuration(p.Cap) +
		",max=" + strconv.Itoa(p.Max) + ",jitter=" + string(j)
}

// Next returns the jittered wait while fewer than Max retries were made.
// An unknown Jitter counts as none.
func (p Exponential) Next(f Failure, rng *rand.Rand) (time.Duration, bool) { return p.next(&f, rng) }

// next is Next, f passed by reference (see NextFunc).
func (p *Exponential) next(f *Failure, rng *rand.Rand) (time.Duration, bool) {
	n := attemptOf(f)
	if !retryable(&f.Response) || n > p.Max {
		return 0, false
	}
	t := doubled(p.Base, n, p.Cap)
	switch p.Jitter {
	case JitterFull:
		return uniform(rng, 0, t), true
	case JitterEqual:
		return uniform(rng, t/2, t), true
	case JitterDecorrelated:
		base := max(p.Base, 0)
		d := uniform(rng, base, mulSat(max(f.Prev, base), 3))
		if p.Cap > 0 {
			d = min(d, p.Cap)
		}
		return d, true
	}
	return t, true
}

// OutboundSync follows OutboundSync's documented handling of a 429 (seed
// 004, "Webhook forwarding with Additional Endpoints"): up to 7 retries,
// retry n waiting
//
//	random(0–300 s) + 2^(n-1)·60 s
//
// that is 1, 2, 4, 8, 16, 32 and 64 minutes plus a fresh random 0 to 300 s
// each time. The wait is counted from the failure before the retry. The
// document's table shows 30 and 60 minutes for retries 6 and 7, against
// 32 and 64 by its own formula; this follows the formula. OutboundSync's
// other remedy, resending a 413 with HTML turned into text, is not
// modelled: a 413 is final here as for every policy (see Retryable).
type OutboundSync struct{}

// outboundSyncRetries, outboundSyncSpread and outboundSyncStep are the
// numbers of OutboundSync's schedule.
const (
	outboundSyncRetries = 7
	outboundSyncSpread  = 300 * time.Second
	outboundSyncStep    = 60 * time.Second
)

// Name returns "outboundsync".
func (OutboundSync) Name() string { return "outboundsync" }

// String returns "outboundsync".
func (OutboundSync) String() string { return "outboundsync" }

// Next returns random(0–300 s) + 2^(n-1)·60 s for n from 1 to 7.
func (OutboundSync) Next(f Failure, rng *rand.Rand) (time.Duration, bool) {
	lo, hi, ok := OutboundSyncWait(attemptOf(&f))
	if !retryable(&f.Response) || !ok {
		return 0, false
	}
	return lo + uniform(rng, 0, hi-lo), true
}

// OutboundSyncWait returns the range OutboundSync's wait before retry n
// falls in, both ends included: from 2^(n-1)·60 s to 300 s more. It
// returns false when OutboundSync makes no retry n (n outside 1 to 7).
func OutboundSyncWait(n int) (lo, hi time.Duration, ok bool) {
	if n < 1 || n > outboundSyncRetries {
		return 0, 0, false
	}
	lo = doubled(outboundSyncStep, n, 0)
	return lo, lo + outboundSyncSpread, true
}

// RetryAfter honours the Retry-After the target sent: it waits exactly that
// long, plus a random 0 to Jitter, even when that is longer than the
// fallback's cap. When the response carries no Retry-After it asks
// Fallback instead, with the same Failure, so the fallback's own limits
// apply to those retries.
//
// Max bounds all retries, whoever chose the delay. MaxWait, when positive,
// bounds the wait the policy accepts: a Retry-After longer than MaxWait
// makes it give up on the event rather than retry earlier than the target
// asked, because an early retry is what a rate limiter punishes.
type RetryAfter struct {
	Max      int           // retries after the first attempt
	Jitter   time.Duration // random extra wait added to a Retry-After; 0 for none
	MaxWait  time.Duration // longest Retry-After honoured; 0 or less means any
	Fallback Policy        // used without a Retry-After; nil means exponential,base=1s,cap=5m,max=7,jitter=full
}

// defaultFallback is the policy RetryAfter falls back on when none is
// given: exponential with its defaults, as ParsePolicy("exponential")
// returns it.
var defaultFallback Policy = Exponential{Base: time.Second, Cap: 5 * time.Minute, Max: 7, Jitter: JitterFull}

// Name returns "retry-after".
func (RetryAfter) Name() string { return "retry-after" }

// String returns the spec, e.g.
// "retry-after,max=100,fallback=(exponential,base=1s,cap=5m,max=7,jitter=full)".
// Jitter and MaxWait appear only when set. A fallback whose spec has no
// parameters is written without parentheses: "fallback=none".
func (p RetryAfter) String() string {
	s := "retry-after,max=" + strconv.Itoa(p.Max)
	if p.Jitter > 0 {
		s += ",jitter=" + units.FormatDuration(p.Jitter)
	}
	if p.MaxWait > 0 {
		s += ",max-wait=" + units.FormatDuration(p.MaxWait)
	}
	fb := p.fallback().String()
	if !isBareName(fb) {
		fb = "(" + fb + ")"
	}
	return s + ",fallback=" + fb
}

// Next waits the Retry-After plus jitter when there is one, and asks the
// fallback when there is none.
func (p RetryAfter) Next(f Failure, rng *rand.Rand) (time.Duration, bool) { return p.next(&f, rng) }

// next is Next, f passed by reference (see NextFunc).
func (p *RetryAfter) next(f *Failure, rng *rand.Rand) (time.Duration, bool) {
	if !retryable(&f.Response) || attemptOf(f) > p.Max {
		return 0, false
	}
	if !f.Response.HasRetryAfter {
		return p.fallback().Next(*f, rng)
	}
	d := max(f.Response.RetryAfter, 0)
	if p.MaxWait > 0 && d > p.MaxWait {
		return 0, false
	}
	return addSat(d, uniform(rng, 0, max(p.Jitter, 0))), true
}

func (p RetryAfter) fallback() Policy {
	if p.Fallback == nil {
		return defaultFallback
	}
	return p.Fallback
}

// isBareName reports whether a spec is a policy name alone.
func isBareName(spec string) bool {
	for i := 0; i < len(spec); i++ {
		if spec[i] == ',' || spec[i] == '(' || spec[i] == ')' {
			return false
		}
	}
	return true
}
