package senders

import (
	"strings"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
)

// Model is a sender model as --sender gives it.
type Model struct {
	Preset string       // the preset it starts from; "" for a bare spec
	Retry  retry.Policy // the preset's retry policy; nil for a bare spec
	Sender probe.Sender // the discipline and quirks
}

// String names the model: "parallel" for the zero Model, the sender spec
// for a bare one, and "NAME (SPEC)" for one from a preset.
func (m Model) String() string {
	if m.Preset == "" {
		return m.Sender.String()
	}
	return m.Preset + " (" + m.Sender.String() + ")"
}

// Parse reads a --sender value: a preset's name ("autotask"), a sender
// spec ("ordered,pace=1000/1m"), or a preset's name followed by items
// that are added to its spec ("autotask,concurrency=4"). The empty string
// is the parallel sender. Errors are *exitcode.InputError values on
// "flag --sender" (exit 2).
func Parse(spec string) (Model, error) {
	if strings.TrimSpace(spec) == "" {
		return Model{}, nil
	}
	first, rest, _ := strings.Cut(spec, ",")
	p, ok := Lookup(strings.ToLower(strings.TrimSpace(first)))
	if !ok {
		s, err := probe.ParseSender(spec)
		return Model{Sender: s}, err
	}
	full := p.Sender
	if strings.TrimSpace(rest) != "" {
		full += "," + rest
	}
	s, err := probe.ParseSender(full)
	if err != nil {
		return Model{}, err
	}
	pol, err := retry.ParsePolicy(p.Retry)
	if err != nil {
		return Model{}, exitcode.New(exitcode.Usage, err)
	}
	return Model{Preset: p.Name, Retry: pol, Sender: s}, nil
}
