package main

import (
	"context"

	"github.com/spf13/pflag"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/scenarios"
)

// httpFlags are run's options for a real webhook URL.
type httpFlags struct{}

func (h *httpFlags) register(f *pflag.FlagSet) {}

// run sends the scenario to url in real time.
func (h *httpFlags) run(ctx context.Context, opts *runOptions, src scenarios.Source, url string, pol probe.Policy, obs probe.Observer, prog *progress) (bool, error) {
	return false, exitcode.Usagef("--target is not supported yet")
}
