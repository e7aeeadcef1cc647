package probe

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// Lane is one of several senders that an Engine runs together into one
// target: a PSA, an RMM and a billing tool feeding one workspace. Each has
// its own name, retry policy and Sender (discipline and quirks). An
// emission is sent by the lane its Sender field indexes.
//
// The lanes share the target, and so its limits, and the scheduler, which
// takes the attempts of every lane in one due order. Nothing else is
// shared: a lane's discipline (ordered queue, pause on 429, pacing,
// concurrency, disable-after) holds only its own deliveries, partitions
// are told apart per lane (two lanes sending the same key queue and pause
// apart), and a lane that disables itself loses only its own events.
type Lane struct {
	Name   string // as Attempt.Sender and Outcome.Sender carry it
	Policy retry.Policy
	Sender Sender
}

// SenderStats is what Stats says of one lane.
type SenderStats struct {
	Name string
	// DisabledAt is when the lane disabled itself (Sender.DisableAfter),
	// Unix ns, if Disabled.
	DisabledAt int64
	Disabled   bool
}

// lane is a Lane's state during a run.
type lane struct {
	name   string
	policy retry.Policy
	next   func(*retry.Failure, *rand.Rand) (time.Duration, bool) // retry.NextFunc(policy)
	gate   *gate                                                  // its discipline; nil for the parallel one
}

// laneList returns the Engine's lanes: Lanes, or else one made of Policy and
// Sender.
func (e *Engine) laneList() []Lane {
	if len(e.Lanes) > 0 {
		return e.Lanes
	}
	return []Lane{{Policy: e.Policy, Sender: e.Sender}}
}

// validLanes checks that every lane has a policy and a valid Sender.
func validLanes(ls []Lane) error {
	for i := range ls {
		if ls[i].Policy == nil {
			return fmt.Errorf("probe: sender %d (%s) has no retry policy", i, ls[i].Name)
		}
		if err := ls[i].Sender.Validate(); err != nil {
			if len(ls) > 1 {
				return fmt.Errorf("sender %s: %w", ls[i].Name, err)
			}
			return err
		}
	}
	return nil
}

// laneOf returns the lane of the delivery whose key id is key.
func (r *run) laneOf(key uint32) *lane { return &r.lanes[r.laneIndex(key)] }

// laneIndex returns the index of the lane of the delivery whose key id is
// key: 0 when there is one lane (every key's sender is then 0, see
// checkSender), without looking the key up.
func (r *run) laneIndex(key uint32) int {
	if len(r.lanes) == 1 {
		return 0
	}
	return r.keys.sender(key)
}

// checkSender reports an emission whose Sender names no lane.
func (r *run) checkSender(m *scenarios.Emission) error {
	if m.Sender < 0 || m.Sender >= len(r.lanes) {
		return fmt.Errorf("probe: event %d is sent by sender %d, but the run has %d", m.Event, m.Sender, len(r.lanes))
	}
	return nil
}

// parked returns the deliveries waiting in every lane's ordered queues.
func (r *run) parked() int {
	n := 0
	for i := range r.lanes {
		if g := r.lanes[i].gate; g != nil {
			n += g.parked
		}
	}
	return n
}
