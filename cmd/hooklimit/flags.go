package main

import (
	"fmt"
	"strings"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report"
)

// loadProfiles loads a --profile value: one or more built-in names or
// profile files, separated by commas, files found from streams.Dir and
// "-" read from streams.In.
func loadProfiles(streams *IOStreams, spec string) ([]*limitsim.Profile, error) {
	var out []*limitsim.Profile
	for _, s := range strings.Split(spec, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := loadProfile(streams, s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, &exitcode.InputError{File: "flag --profile", Msg: fmt.Sprintf("no profile given (built-in profiles: %s)", strings.Join(limitsim.BuiltinNames(), ", "))}
	}
	return out, nil
}

// quietUsage is the help of --quiet, the same on every command that has
// it: progress bars and notices go, warnings and errors stay.
const quietUsage = "no progress bars or notices on standard error (warnings and errors still show)"

// excludeLimitUsage is the help of --exclude-limit.
const excludeLimitUsage = "leave a limit out: not simulated, enforced or judged, e.g. workato.bytes (PROFILE.LIMIT or LIMIT; repeatable or comma-separated)"

// excludeLimits applies --exclude-limit to profiles.
func excludeLimits(profiles []*limitsim.Profile, specs []string) ([]*limitsim.Profile, error) {
	ps, err := limitsim.ExcludeLimits(profiles, specs)
	if err != nil {
		return nil, &exitcode.InputError{File: "flag --exclude-limit", Msg: err.Error()}
	}
	return ps, nil
}

// excludeLimit applies --exclude-limit to one profile.
func excludeLimit(p *limitsim.Profile, specs []string) (*limitsim.Profile, error) {
	ps, err := excludeLimits([]*limitsim.Profile{p}, specs)
	if err != nil {
		return nil, err
	}
	return ps[0], nil
}

// parseThresholds parses every --threshold value.
func parseThresholds(specs []string) ([]report.Threshold, error) {
	var out []report.Threshold
	for _, s := range specs {
		t, err := report.ParseThreshold(s)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}
