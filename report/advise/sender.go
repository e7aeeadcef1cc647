package advise

import (
	"fmt"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/probe/senders"
	"github.com/hooklimit/hooklimit/report"
)

// disciplines are the sender specs tried with the run's own retry policy.
var disciplines = []string{"pause-on-429", "ordered,pause-on-429"}

// sender tries every preset, with its own retry policy, and the
// disciplines, with the run's; it suggests the passing one that delivers
// soonest (the 99th percentile of the delivery delay) and names the
// others that pass. When none passes, it returns the one that came
// closest (fewest lost, then fewest 429s), which fails.
func (a *advisor) sender() ([]report.Suggestion, error) {
	type tried struct {
		name string
		v    variant
		res  *report.RunResult
	}
	var all []tried
	current := strings.ToLower(strings.TrimSpace(a.run.Sender))
	for _, p := range senders.Presets() {
		if p.Name == current {
			continue
		}
		m, err := senders.Parse(p.Name)
		if err != nil {
			continue
		}
		v := a.base()
		v.policy, v.sender = m.Retry, m.Sender
		v.cmd.Sender, v.cmd.Retry = p.Name, ""
		all = append(all, tried{name: p.Name, v: v})
	}
	for _, d := range disciplines {
		m, err := senders.Parse(d)
		if err != nil || d == current {
			continue
		}
		v := a.base()
		v.sender = m.Sender
		v.cmd.Sender = d
		if a.run.PresetRetry {
			v.cmd.Retry = v.policy.String()
		}
		all = append(all, tried{name: d, v: v})
	}
	var done []tried
	var stop error
	for _, t := range all {
		res, err := a.simulate(t.v)
		if err == errBudget || a.ctx.Err() != nil {
			stop = err
			break
		}
		if err != nil {
			continue
		}
		t.res = res
		done = append(done, t)
	}
	var best *tried
	var others []string
	for i := range done {
		t := &done[i]
		if !passes(t.res) {
			continue
		}
		if best == nil || sooner(t.res, best.res) {
			if best != nil {
				others = append(others, best.name)
			}
			best = t
		} else {
			others = append(others, t.name)
		}
	}
	if best != nil {
		change := fmt.Sprintf("send with the %s sender (--sender %s)", best.name, best.v.cmd.Sender)
		s := suggestion("sender", change, best.v, best.res)
		if len(others) > 0 {
			s.Boundary = "also passing: " + strings.Join(others, ", ")
		}
		return []report.Suggestion{s}, stop
	}
	for i := range done {
		t := &done[i]
		if best == nil || closer(t.res, best.res) {
			best = t
		}
	}
	if best == nil {
		return nil, stop
	}
	s := suggestion("sender", fmt.Sprintf("no sender preset or discipline passes; the closest is %s (--sender %s)", best.name, best.v.cmd.Sender), best.v, best.res)
	return []report.Suggestion{s}, stop
}

// sooner reports whether a delivered sooner than b: a lower 99th
// percentile of the delivery delay, then fewer attempts.
func sooner(a, b *report.RunResult) bool {
	if pa, pb := a.Delivery.DeliveryDelay.P99, b.Delivery.DeliveryDelay.P99; pa != pb {
		return pa < pb
	}
	return a.Delivery.Attempts < b.Delivery.Attempts
}

// closer reports whether a came closer to passing than b: fewer lost
// events, then fewer 429s.
func closer(a, b *report.RunResult) bool {
	if a.Delivery.Lost != b.Delivery.Lost {
		return a.Delivery.Lost < b.Delivery.Lost
	}
	return a.Delivery.Rejected429 < b.Delivery.Rejected429
}

// maxJitter is the largest jitter the advisor tries.
const maxJitter = 10 * time.Minute

// jitter finds the smallest jitter, in whole seconds, that a retry-after
// policy adds to each Retry-After for the run to pass. It tries nothing
// when the policy is not retry-after or the sender ignores Retry-After.
func (a *advisor) jitter() ([]report.Suggestion, error) {
	ra, wrap, ok := retryAfterOf(a.run.Policy)
	if !ok || a.run.Model.RetryAfter == "ignore" {
		return nil, nil
	}
	x0 := int64(ra.Jitter / time.Second)
	at := func(x int64) variant {
		v := a.base()
		p := ra
		p.Jitter = time.Duration(x) * time.Second
		v.policy = wrap(p)
		v.cmd.Retry = v.policy.String()
		return v
	}
	return a.boundary("jitter", x0, x0*int64(time.Second) == int64(ra.Jitter) && !a.run.Target, int64(maxJitter/time.Second), at,
		func(x int64) string {
			return fmt.Sprintf("add up to %s of random wait to each Retry-After (--retry %s)", FlagDuration(time.Duration(x)*time.Second), at(x).cmd.Retry)
		},
		func(x int64) string { return "one second less, " + FlagDuration(time.Duration(x)*time.Second) })
}

// retryAfterOf returns the retry-after policy in pol, alone or bounded
// by a giveup, and how to put a changed one back.
func retryAfterOf(pol retry.Policy) (retry.RetryAfter, func(retry.RetryAfter) retry.Policy, bool) {
	switch p := pol.(type) {
	case retry.RetryAfter:
		return p, func(q retry.RetryAfter) retry.Policy { return q }, true
	case retry.GiveUp:
		if q, ok := p.Policy.(retry.RetryAfter); ok {
			return q, func(r retry.RetryAfter) retry.Policy { return retry.GiveUp{Policy: r, After: p.After} }, true
		}
	}
	return retry.RetryAfter{}, nil, false
}
