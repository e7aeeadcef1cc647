package main

import (
	"io"
	"strings"

	"github.com/hooklimit/hooklimit/internal/bounded"
	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// stdinName names standard input, read for a file given as "-", in
// messages: "stdin:3: limits.per_second.quota: ...".
const stdinName = "stdin"

// oneStdin returns a usage error when more than one of the inputs reads
// standard input, which can be read only once. inputs alternate a name
// for messages ("--plan", "FILE") and its value; a value is standard
// input when it is "-" or, for a comma-separated list such as --profile,
// holds "-".
func oneStdin(inputs ...string) error {
	first := ""
	for i := 0; i+1 < len(inputs); i += 2 {
		if !readsStdin(inputs[i+1]) {
			continue
		}
		if first == inputs[i] {
			return exitcode.Usagef("standard input (-) can be read only once: give %s - once", first)
		}
		if first != "" {
			return exitcode.Usagef("%s and %s both read standard input (-), which can be read only once: save one of them to a file", first, inputs[i])
		}
		first = inputs[i]
	}
	return nil
}

// readsStdin reports whether value, a file or a comma-separated list of
// them, names standard input ("-").
func readsStdin(value string) bool {
	for _, s := range strings.Split(value, ",") {
		if strings.TrimSpace(s) == "-" {
			return true
		}
	}
	return false
}

// loadProfile is limitsim.LoadProfile, with a file found from s.Dir and
// "-" a profile file read from s.In.
func loadProfile(s *IOStreams, spec string) (*limitsim.Profile, error) {
	if spec != "-" {
		return limitsim.LoadProfileFrom(s.Dir, spec)
	}
	data, err := bounded.ReadAll(orEmpty(s.In), stdinName, "profile", limitsim.MaxProfileFile)
	if err != nil {
		return nil, err
	}
	return limitsim.ParseProfile(stdinName, data)
}

// loadPlan is scenarios.LoadPlan from s.Dir, with "-" a plan file read
// from s.In (a replay phase's file is then found from s.Dir itself).
func loadPlan(s *IOStreams, path string) (*scenarios.Plan, error) {
	if path != "-" {
		return scenarios.LoadPlan(s.Dir, path)
	}
	data, err := bounded.ReadAll(orEmpty(s.In), stdinName, "plan", bounded.MaxConfigFile)
	if err != nil {
		return nil, err
	}
	p, err := scenarios.ParsePlan(stdinName, data)
	if p != nil {
		p.Dir = s.Dir
	}
	return p, err
}

// orEmpty returns in, or an empty reader when in is nil.
func orEmpty(in io.Reader) io.Reader {
	if in == nil {
		return strings.NewReader("")
	}
	return in
}
