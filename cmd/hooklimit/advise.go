package main

import (
	"context"

	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/advise"
	"github.com/hooklimit/hooklimit/scenarios"
)

// advise asks the advisor what would have passed, when res failed, and
// puts its advice in res (see report/advise). It returns an error only
// when ctx ends.
func (opts *runOptions) advise(ctx context.Context, spec *runSpec, v runVariant, res *report.RunResult) error {
	if res.Verdict != report.VerdictFail {
		return nil
	}
	if len(opts.lanes) > 0 {
		res.AdviceNote = "not tried: the advisor changes one sender, and this plan has several"
		return nil
	}
	if spec.scenario == "replay" && opts.File == "-" {
		res.AdviceNote = "not tried: the traffic came from standard input, which cannot be read again; save it to a file and run again"
		return nil
	}
	r := &advise.Run{Scenario: spec.scenario, File: opts.File, Plan: opts.Plan, Params: spec.params, LoadedLimit: spec.profile,
		Exclude: opts.Exclude, Policy: v.pol, Model: v.model.Sender, Sender: opts.Sender, Seed: opts.Seed,
		Thresholds: spec.thresholds, Target: spec.target != ""}
	r.NewSource = spec.sourceOf
	if spec.sourceOf == nil {
		r.NewSource = func(scenarios.Params) (scenarios.Source, error) { return spec.newSource() }
	}
	if opts.Plan == "" || opts.flags.Changed("profile") {
		r.Profile = opts.Profile
	}
	if opts.retryGiven() {
		r.Retry = opts.Retry
	} else {
		r.PresetRetry = v.model.Retry != nil
	}
	for _, t := range opts.Thresholds {
		r.Extra = append(r.Extra, "--threshold", t)
	}
	if opts.WsField != "" {
		r.Extra = append(r.Extra, "--workspace-field", opts.WsField)
	}
	o := advise.Defaults()
	o.AskWith = "the same command and --advise (up to 100,000 events)"
	if opts.Advise {
		o = advise.Full()
	}
	return advise.Advise(ctx, r, res, o)
}
