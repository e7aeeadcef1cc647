package scenarios

import (
	"errors"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

func TestPlanSettings(t *testing.T) {
	// The command line's values: its defaults, or what it gave.
	cmd := Settings{Profile: "rewst", Retry: "retry-after", Target: "", Seed: 1}
	given := Settings{Profile: "workato", Retry: "none", Target: "http://127.0.0.1:8080/hooks", Seed: 9}
	full := "profile: autotask\ntarget: http://127.0.0.1:9000/x\nretry: immediate,max=3\nseed: 7\nphases:\n  - {scenario: burst, events: 1}\n"
	tests := []struct {
		name  string
		plan  string
		cmd   Settings
		given Given
		want  Settings
	}{
		{"the plan's settings beat the defaults", full, cmd, Given{},
			Settings{Profile: "autotask", Retry: "immediate,max=3", Target: "http://127.0.0.1:9000/x", Seed: 7}},
		{"the command line's beat the plan's", full, given, Given{Profile: true, Retry: true, Target: true, Seed: true}, given},
		{"a list to compare replaces the plan's retry", full, cmd, Given{RetryList: true},
			Settings{Profile: "autotask", Retry: "retry-after", Target: "http://127.0.0.1:9000/x", Seed: 7}},
		{"each setting on its own: profile", full, given, Given{Profile: true},
			Settings{Profile: "workato", Retry: "immediate,max=3", Target: "http://127.0.0.1:9000/x", Seed: 7}},
		{"each setting on its own: seed 0 given", full, Settings{Seed: 0}, Given{Seed: true},
			Settings{Profile: "autotask", Retry: "immediate,max=3", Target: "http://127.0.0.1:9000/x", Seed: 0}},
		{"a plan without settings keeps the defaults, and seed 0", "phases:\n  - {scenario: burst, events: 1}\n", cmd, Given{},
			Settings{Profile: "rewst", Retry: "retry-after", Target: "", Seed: 0}},
		{"target sim is the simulator: the command line's default", "target: sim\nphases:\n  - {scenario: burst, events: 1}\n", cmd, Given{},
			Settings{Profile: "rewst", Retry: "retry-after", Target: "", Seed: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePlan("plan.yaml", []byte(tt.plan))
			if err != nil {
				t.Fatal(err)
			}
			checked := ""
			got, err := p.Settings(tt.cmd, tt.given, func(r string) error { checked = r; return nil })
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if usesPlanRetry := got.Retry == p.Retry && p.Retry != ""; (checked != "") != usesPlanRetry {
				t.Errorf("checked retry %q; the plan's (%q) is used: %v", checked, p.Retry, usesPlanRetry)
			}
		})
	}
}

// TestPlanSettingsBadRetry: a retry policy the caller rejects is an error
// at the plan's retry line, and only when the plan's policy is used.
func TestPlanSettingsBadRetry(t *testing.T) {
	p, err := ParsePlan("plan.yaml", []byte("profile: rewst\nretry: sometimes\nphases:\n  - {scenario: burst, events: 1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	reject := func(r string) error { return errors.New("unknown retry policy " + r) }
	_, err = p.Settings(Settings{Retry: "none"}, Given{}, reject)
	if err == nil || err.Error() != "plan.yaml:2: retry: unknown retry policy sometimes" {
		t.Errorf("got %v", err)
	}
	for _, g := range []Given{{Retry: true}, {RetryList: true}} {
		if s, err := p.Settings(Settings{Retry: "none"}, g, reject); err != nil || s.Retry != "none" {
			t.Errorf("%+v: got %+v, %v; want the command line's policy", g, s, err)
		}
	}
}

// TestPlanValueError puts a flag parser's error at the plan's field and
// line, without the flag's name, and any other error as it is.
func TestPlanValueError(t *testing.T) {
	p, err := ParsePlan("plan.yaml", []byte("profile: rewst\nretry: fixed,delay=zz\nphases:\n  - scenario: steady\n    rate: 5\n    duration: 10s\n"))
	if err != nil {
		t.Fatal(err)
	}
	flagErr := &exitcode.InputError{File: "flag --retry", Field: "delay", Msg: "cannot use \"zz\""}
	if got, want := p.ValueError("retry", flagErr).Error(), `plan.yaml:2: retry: delay: cannot use "zz"`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	noField := &exitcode.InputError{File: "flag --threshold", Msg: "empty threshold"}
	if got, want := p.ValueError("retry", noField).Error(), "plan.yaml:2: retry: empty threshold"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := p.ValueError("retry", errors.New("boom")).Error(), "plan.yaml:2: retry: boom"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
