package report

import (
	"context"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// Simulation is one run on a profile's simulator, in virtual time: what
// `hooklimit run` does without --target, and what the advisor (package
// report/advise) does with each change it tries, so that the two cannot
// simulate differently.
type Simulation struct {
	Source     scenarios.Source // the traffic; required
	Profile    *limitsim.Profile
	Policy     retry.Policy
	Sender     probe.Sender
	Lanes      []probe.Lane // a plan's several senders (see probe.Engine)
	Seed       uint64
	Meta       RunMeta // Scenario, Retry, Sender, Seed as the result shows them
	Thresholds []Threshold
	// Log, when not nil, receives every attempt (a results file).
	Log AttemptLog
	// Observe, when not nil, wraps the collector's observer (to show
	// progress, for example).
	Observe func(probe.Observer) probe.Observer
	// Caps caps the attempts (see probe.Engine); CapText says, in the
	// result of a run that reached a cap, where it stopped.
	Caps    probe.Caps
	CapText string
	// CountsOnly leaves the encoded histograms out of the result's
	// Delivery (the percentiles stay) and the timeline out of the result:
	// a caller that reads only verdicts and counts, as the advisor does,
	// spares their work on every attempt and run.
	CountsOnly bool
	// SendsRetryAfter, when not nil, is what Profile.SendsRetryAfter
	// says, worked out once by a caller that runs many simulations of one
	// profile (see probe.SimTarget).
	SendsRetryAfter *bool

	// independent, set by tests, has the compliance analysis decide every
	// attempt on its own partitions rather than take the simulator's
	// decisions; shared says, after Run, whether it took them.
	independent, shared bool
	// eachAlone, set by tests, has the collector count every attempt
	// alone, not a run of equal ones at once (see RunCollector.runLen).
	eachAlone bool
}

// Run runs the simulation and returns its result, thresholds applied. An
// error of the engine that is not the context's ends it with no result;
// on interruption the partial result comes with the context's error.
func (s *Simulation) Run(ctx context.Context) (*RunResult, error) {
	coll := NewRunCollector(s.Profile, s.Log)
	coll.eachAlone = s.eachAlone
	if !s.independent {
		s.shared = coll.shareDecisions() // the target below is the simulator of s.Profile
	}
	if s.CountsOnly {
		coll.delivery.noHistograms, coll.timeline = true, nil
	}
	var obs probe.Observer = coll
	if s.Observe != nil {
		obs = s.Observe(coll)
	}
	eng := &probe.Engine{Source: s.Source, Policy: s.Policy, Sender: s.Sender, Lanes: s.Lanes, Seed: s.Seed, Observer: obs, Target: &probe.SimTarget{Profile: s.Profile, SendsRetryAfter: s.SendsRetryAfter}}
	s.Caps.Apply(eng)
	st, runErr := eng.Run(ctx)
	if runErr != nil && ctx.Err() == nil {
		return nil, runErr
	}
	meta := s.Meta
	if meta.Target == "" {
		meta.Target = "simulator"
	}
	meta.AddStats(st)
	if st.Capped {
		meta.Capped, meta.CappedAt = s.CapText, st.End
	}
	res := coll.Result(meta)
	if err := res.ApplyThresholds(s.Thresholds); err != nil {
		return nil, err
	}
	return res, runErr
}

// AddStats copies from st whether the run was interrupted and when the
// sender, and each of several senders, disabled itself.
func (m *RunMeta) AddStats(st probe.Stats) {
	m.Interrupted = st.Interrupted
	m.Disabled, m.DisabledAt = st.Disabled, st.DisabledAt
	for i := range m.Senders {
		if i < len(st.Senders) {
			m.Senders[i].Disabled, m.Senders[i].DisabledAt = st.Senders[i].Disabled, st.Senders[i].DisabledAt
		}
	}
}
