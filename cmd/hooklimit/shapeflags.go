package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/scenarios"
)

// shapeFlags are the scenario parameters of `hooklimit run`. Only the flags
// the user gives are passed on: a shape fills in its own defaults and
// rejects a parameter it does not use.
type shapeFlags struct {
	rate, to, size string
	duration, over time.Duration
	gap            time.Duration
	events         int64
	copies, keys   int
	speed          float64
}

func (s *shapeFlags) register(f *pflag.FlagSet) {
	f.StringVar(&s.rate, "rate", "", "event rate: 30 (per second) or 1000/1m")
	f.StringVar(&s.to, "to", "", "ramp: the rate to end at")
	durationVar(f, &s.duration, "duration", 0, "how long the traffic lasts")
	f.Int64Var(&s.events, "events", 0, "number of events (burst, bulk; or instead of --duration)")
	durationVar(f, &s.over, "over", 0, "time a burst or bulk operation is spread over; the outage before a retry storm")
	f.IntVar(&s.copies, "copies", 0, "duplicate-storm: deliveries of each event")
	durationVar(f, &s.gap, "gap", 0, "duplicate-storm: time between the copies of an event")
	f.IntVar(&s.keys, "keys", 0, "number of partition keys (t1..tN)")
	f.StringVar(&s.size, "size", "", "body size of every event, e.g. 512 or 64KiB")
	f.Float64Var(&s.speed, "speed", 0, "replay: how much faster than recorded (2 = twice as fast)")
}

// params returns the parameters of the flags that were given.
func (s *shapeFlags) params(f *pflag.FlagSet) (scenarios.Params, error) {
	var p scenarios.Params
	var err error
	if f.Changed("rate") {
		if p.Rate, err = scenarios.ParseRate(s.rate); err != nil {
			return p, &exitcode.InputError{File: "flag --rate", Msg: err.Error()}
		}
	}
	if f.Changed("to") {
		if p.To, err = scenarios.ParseRate(s.to); err != nil {
			return p, &exitcode.InputError{File: "flag --to", Msg: err.Error()}
		}
	}
	if f.Changed("size") {
		if p.Size, err = units.ParseSize(s.size); err != nil {
			return p, &exitcode.InputError{File: "flag --size", Msg: err.Error()}
		}
	}
	if f.Changed("duration") {
		p.Duration = s.duration
	}
	if f.Changed("over") {
		p.Over = s.over
	}
	if f.Changed("gap") {
		p.Gap = s.gap
	}
	if f.Changed("events") {
		p.Events = s.events
	}
	if f.Changed("copies") {
		p.Copies = s.copies
	}
	if f.Changed("keys") {
		p.Keys = s.keys
	}
	if f.Changed("speed") {
		p.Speed = s.speed
	}
	for _, z := range []struct {
		name string
		zero bool
	}{{"copies", p.Copies == 0}, {"keys", p.Keys == 0}, {"speed", p.Speed == 0}} {
		if z.zero && f.Changed(z.name) {
			return p, scenarios.CheckGivenZero(z.name)
		}
	}
	return p, nil
}

// describeScenario names a run's scenario in a few words, with the
// parameters that set its traffic, given or default, and the others that
// were given: "steady (rate 30/s, duration 1m)". given is what the flags
// said, used the parameters the run uses (see scenarios.Resolve).
func describeScenario(name string, given, used scenarios.Params, file string) string {
	p := given
	p.Rate, p.To, p.Events, p.Duration, p.Over, p.Copies = used.Rate, used.To, used.Events, used.Duration, used.Over, used.Copies
	var parts []string
	if file != "" {
		parts = append(parts, file)
	}
	add := func(ok bool, k, v string) {
		if ok {
			parts = append(parts, k+" "+v)
		}
	}
	add(!p.Rate.IsZero(), "rate", p.Rate.String())
	add(!p.To.IsZero(), "to", p.To.String())
	add(p.Events != 0, "events", fmt.Sprint(p.Events))
	add(p.Over != 0, "over", units.FormatDuration(p.Over))
	add(p.Duration != 0, "duration", units.FormatDuration(p.Duration))
	add(p.Copies != 0, "copies", fmt.Sprint(p.Copies))
	add(p.Keys != 0, "keys", fmt.Sprint(p.Keys))
	add(p.Size != 0, "size", units.FormatBytes(p.Size))
	add(p.Speed != 0, "speed", fmt.Sprint(p.Speed))
	add(name == "poisson", "seed", fmt.Sprint(used.Seed))
	if len(parts) == 0 {
		return name
	}
	return name + " (" + strings.Join(parts, ", ") + ")"
}
