package probe

import (
	"fmt"
	"time"
)

// DefaultMaxPending is the most deliveries a run lets wait for a retry at
// once. Each takes 64 bytes in the retry queue and about as much
// again in the run's delivery metrics, so a million stay near 150 MB. A
// run that needs more (a burst of millions of events all rejected at once
// and all retried) could not finish anyway: each wave of retries would
// send millions of attempts for a few dozen acceptances.
const DefaultMaxPending = 1_000_000

// PendingLimitError ends a run whose retries waiting at once would exceed
// Engine.MaxPending. Run returns it wrapped in an
// *exitcode.Error of exit code 2: the scenario, not the machine, is at
// fault.
type PendingLimitError struct {
	Max      int           // the limit
	At       time.Duration // time from the run's first attempt (virtual in the simulator)
	Attempts int64         // attempts made by then
}

// Error says what happened and what to do.
func (e *PendingLimitError) Error() string {
	return fmt.Sprintf("run: more than %d deliveries would wait for a retry at once (%v into the run, after %d attempts): "+
		"the sender keeps every pending retry in memory and stops at %d; "+
		"spread the events over more time (--over, --rate), send fewer (--events, --duration), "+
		"or retry less (--retry none, or max=N)", e.Max, e.At, e.Attempts, e.Max)
}
