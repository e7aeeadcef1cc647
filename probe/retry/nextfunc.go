package retry

import (
	"math/rand/v2"
	"time"
)

// NextFunc returns a function that answers as p.Next does, taking the
// Failure by reference, for a caller that keeps its Failure in place and
// asks for every failed attempt (the engine). A Failure passed by value
// through the Policy interface is copied twice on its way (the method of
// a value called through an interface goes through a wrapper that stores
// the Failure a field at a time and copies it at once, which waits for
// the stores); RetryAfter and Exponential, the policies of long retry
// storms, are asked with it by reference instead, on a copy of p made
// here once. Every other policy is asked through Next.
func NextFunc(p Policy) func(f *Failure, rng *rand.Rand) (time.Duration, bool) {
	switch q := p.(type) {
	case RetryAfter:
		return q.next
	case Exponential:
		return q.next
	}
	return func(f *Failure, rng *rand.Rand) (time.Duration, bool) { return p.Next(*f, rng) }
}
