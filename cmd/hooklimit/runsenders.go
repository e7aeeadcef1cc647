package main

import (
	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/probe/senders"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
)

// planLanes reads the senders of a plan with senders: into opts.lanes.
// --sender, --retry and --compare-retry name one sender's model, so they
// are refused: each sender gives its own in the plan.
//
// A sender's retry policy is its own retry:, else its own sender preset's,
// else the plan's retry:, else the plan's sender preset's, else the
// default; its sender model is its own sender:, else the plan's.
func (opts *runOptions) planLanes(plan *scenarios.Plan, given scenarios.Given) error {
	switch {
	case given.Sender:
		return exitcode.Usagef("--sender does not go with a plan of several senders (%s has senders:): give each sender its sender: in the plan", plan.File)
	case given.Retry:
		return exitcode.Usagef("--retry does not go with a plan of several senders (%s has senders:): give each sender its retry: in the plan", plan.File)
	case given.RetryList:
		return exitcode.Usagef("--compare-retry compares the retry policies of one sender; %s has several senders: give each its retry: in the plan, and compare runs of the plan instead", plan.File)
	}
	for _, ps := range plan.Senders {
		field, spec := ps.Field+".sender", ps.Sender
		if spec == "" {
			field, spec = "sender", plan.Sender
		}
		model, err := senders.Parse(spec)
		if err != nil {
			return plan.ValueError(field, err)
		}
		pol, err := lanePolicy(plan, ps, model)
		if err != nil {
			return err
		}
		opts.lanes = append(opts.lanes, probe.Lane{Name: ps.Name, Policy: pol, Sender: model.Sender})
		opts.laneMeta = append(opts.laneMeta, report.SenderMeta{Name: ps.Name, Sender: model.String(), Retry: pol.String()})
	}
	return nil
}

// lanePolicy returns the retry policy of sender ps of plan, whose model
// is model (see planLanes).
func lanePolicy(plan *scenarios.Plan, ps scenarios.PlanSender, model senders.Model) (retry.Policy, error) {
	field, spec := ps.Field+".retry", ps.Retry
	switch {
	case spec != "":
	case ps.Sender != "" && model.Retry != nil:
		return model.Retry, nil
	case plan.Retry != "":
		field, spec = "retry", plan.Retry
	case model.Retry != nil:
		return model.Retry, nil
	default:
		spec = defaultRetry
	}
	pol, err := senders.ParsePolicy(spec)
	if err != nil {
		return nil, plan.ValueError(field, err)
	}
	return pol, nil
}
