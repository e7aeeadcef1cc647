package main

import (
	"fmt"
	"strings"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report"
)

// loadProfiles loads a --profile value: one or more built-in names or
// profile files, separated by commas.
func loadProfiles(spec string) ([]*limitsim.Profile, error) {
	var out []*limitsim.Profile
	for _, s := range strings.Split(spec, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := limitsim.LoadProfile(s)
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
