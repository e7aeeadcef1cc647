package probe

import (
	"time"

	"github.com/hooklimit/hooklimit/probe/retry"
)

// Attempt is one request the sender made: which delivery of which event it
// carried, when it was due and when it left, and what came back. The run
// engines hand every attempt to an Observer in the order they were sent.
// Times are Unix nanoseconds.
type Attempt struct {
	Event uint64 // event number; the copies of one event share it
	Copy  int    // which delivery of the event (0 for the first)
	Key   string // partition key
	// Workspace is the workspace the event was sent to ("" for all
	// traffic one); a workspace-scoped profile adds up its keys.
	Workspace string
	// Sender is the name of the Lane that sent it; "" when the Engine
	// has no Lanes.
	Sender   string
	Size     int64 // body bytes
	N        int   // attempt number of this delivery, from 1
	Intended int64 // when the attempt was due
	Sent     int64 // when it left (equal to Intended in virtual time)
	Done     int64 // when its response came back or it failed
	Status   int   // HTTP status; 0 for a transport error
	// RetryAfter is the Retry-After the response carried, when
	// HasRetryAfter is set.
	RetryAfter    time.Duration
	HasRetryAfter bool
	Err           string // the transport error, if any
	// Late says the attempt left more than the pacer's tolerance after it
	// was due (HTTP targets only).
	Late bool
	// RateLimit holds the target's rate-limit headers, as sent (HTTP
	// targets only; nil in virtual time).
	RateLimit map[string]string
}

// Accepted reports whether the attempt delivered its event (a 2xx status).
func (a *Attempt) Accepted() bool { return a.Status >= 200 && a.Status <= 299 }

// Response returns what a retry policy needs to know of the attempt.
func (a *Attempt) Response() retry.Response {
	r := retry.Response{Status: a.Status, RetryAfter: a.RetryAfter, HasRetryAfter: a.HasRetryAfter}
	if a.Err != "" {
		r.Err = errString(a.Err)
	}
	return r
}

type errString string

func (e errString) Error() string { return string(e) }

// Fate says how a delivery ended.
type Fate string

// The fates of a delivery.
const (
	Delivered   Fate = "delivered"   // an attempt got a 2xx
	GaveUp      Fate = "gave-up"     // the policy stopped retrying, or the status was final
	RunEnded    Fate = "run-ended"   // the run ended before the next attempt was due
	Interrupted Fate = "interrupted" // the run was interrupted before it resolved
	Disabled    Fate = "disabled"    // the sender was disabled (Sender.DisableAfter) before its next attempt
)

// Outcome is how one delivery of an event ended.
type Outcome struct {
	Event    uint64
	Copy     int
	Copies   int // deliveries of this event in the stream
	Key      string
	Sender   string // the name of the Lane that sent it, as in Attempt
	Emitted  int64  // when its first attempt was due
	At       int64  // when it was delivered, given up, or cut off
	Attempts int
	Fate     Fate
}

// Observer receives what a run does. Attempt is called for every attempt
// in the order they were sent, Outcome once for every delivery when its
// fate is known. Calls are never concurrent. The values are reused after
// the call returns: copy what you keep.
type Observer interface {
	Attempt(a *Attempt)
	Outcome(o *Outcome)
}
