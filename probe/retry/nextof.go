package retry

import (
	"math/rand/v2"
	"time"
)

// NextOf returns p.Next(*f, rng), for a caller that keeps its Failure in
// place and asks for every failed attempt (the engine). A Failure passed
// by value through the Policy interface is copied twice on its way (the
// method of a value called through an interface goes through a wrapper
// that stores the Failure a field at a time and copies it at once, which
// waits for the stores); RetryAfter and Exponential, the policies of
// long retry storms, take it by reference here instead. Every other
// policy is asked through Next.
func NextOf(p Policy, f *Failure, rng *rand.Rand) (time.Duration, bool) {
	switch q := p.(type) {
	case RetryAfter:
		return q.next(f, rng)
	case Exponential:
		return q.next(f, rng)
	}
	return p.Next(*f, rng)
}
