package senders

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/probe/retry"
)

// ParsePolicy reads a --retry spec as retry.ParsePolicy does. When the
// spec names one of the presets instead of a policy ("--retry autotask"),
// the error says to use --sender for the whole sender, and gives the
// preset's retry policy for --retry alone.
func ParsePolicy(spec string) (retry.Policy, error) {
	pol, err := retry.ParsePolicy(spec)
	if err == nil {
		return pol, nil
	}
	first, _, _ := strings.Cut(spec, ",")
	name := strings.ToLower(strings.TrimSpace(first))
	p, ok := Lookup(name)
	var ie *exitcode.InputError
	if !ok || !errors.As(err, &ie) {
		return nil, err
	}
	hint := *ie
	hint.Msg = fmt.Sprintf("%s is a sender, not a retry policy: use --sender %s for the whole sender (its retry policy alone is %s)", name, name, p.Retry)
	return nil, &hint
}
