package scenarios

import (
	"strconv"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/units"
)

// MaxRunEvents is the most deliveries one scenario or plan may hold,
// copies of an event included. The simulator makes about a million
// attempts a second, so a run of this many takes a quarter of an hour or
// more; one of a thousand times as many could never finish.
const MaxRunEvents = 1_000_000_000

// Limits on parameters, which also keep every schedule within int64
// arithmetic.
const (
	maxEvents = MaxRunEvents
	maxKeys   = 1_000_000
	maxCopies = 10_000
	minSpeed  = 1e-6
	maxSpeed  = 1e6
)

// DefaultSize is the body size of an event, in bytes, when none is given.
const DefaultSize = 512

// The defaults of the shapes that model a steady sender, chosen to pass
// the default profile (Rewst: 25 a second, 1,000 a minute) the way a
// well-behaved sender does, so that a run with no options shows a pass
// and a run that fails does so for a reason the user gave:
//
//   - DefaultBulkEvents is the bulk operation `hooklimit run` replays with
//     no arguments, and bulk's default: 2,000 record updates in a minute,
//     twice Rewst's 1,000 a minute, fails.
//   - DefaultSteadyRate, 15 a second, is 900 a minute: under both limits.
//   - DefaultPoissonRate, a mean of 5 a second, is 300 a minute on
//     average, 40 standard deviations below 1,000; a second holds 25 or
//     more of its events with a probability of about 1e-10, so even a
//     day of it (432,000 events) passes for nearly every seed.
const (
	DefaultBulkEvents  = 2000
	DefaultSteadyRate  = 15 // per second
	DefaultPoissonRate = 5  // per second, on average
)

// Rate is N events per Per, both whole numbers, so that schedules are
// exact: 30 per second is {30, time.Second}, 1000 per minute is
// {1000, time.Minute}. The zero Rate means "not given".
type Rate struct {
	N   int64
	Per time.Duration
}

// ParseRate parses a rate as people type it: "30" (per second),
// "1000/1m", "1000/m", "1/2s". See units.ParseRate.
func ParseRate(s string) (Rate, error) {
	n, per, err := units.ParseRate(s)
	return Rate{n, per}, err
}

// String writes the rate as "30/s" or "1000/1m", a form ParseRate reads.
func (r Rate) String() string { return units.FormatRate(r.N, r.Per) }

// IsZero reports whether r was not given.
func (r Rate) IsZero() bool { return r == Rate{} }

// Params are the parameters of a built-in shape. A zero field means "not
// given": New fills it with the shape's default (see Builtins), and
// rejects a field the shape does not use. Each field is also a flag of
// `hooklimit run` and a field of a plan phase, under the name in brackets.
type Params struct {
	// Start [start] is when the shape begins, in Unix ns; 0 means
	// DefaultStart, except for replay, which then keeps the recorded
	// times. (In a plan, start is instead an offset from the plan's start.)
	Start int64
	// Rate [rate] is the event rate: of steady, poisson, duplicate-storm
	// and retry-storm traffic, and the starting rate of a ramp.
	Rate Rate
	// To [to] is the rate a ramp ends at.
	To Rate
	// Duration [duration] is how long the traffic lasts (for bulk, the
	// operation and the quiet after it).
	Duration time.Duration
	// Events [events] is a number of events: of a burst or bulk
	// operation, or instead of a duration for steady, poisson and
	// duplicate-storm traffic.
	Events int64
	// Over [over] is the time a burst or bulk operation is spread over,
	// or how long the outage before a retry storm lasted.
	Over time.Duration
	// Copies [copies] is how many times duplicate-storm delivers each event.
	Copies int
	// Gap [gap] is the time between the copies of an event in a
	// duplicate storm; 0 delivers them all at once.
	Gap time.Duration
	// Keys [keys] is the number of partition keys, named "t1" to "tN";
	// events take them in turn (round-robin). Replay keeps the recorded keys.
	Keys int
	// Size [size] is the body size of every event, in bytes (for replay,
	// of the records that do not give one).
	Size int64
	// Seed [seed] seeds the random shapes (poisson); the same seed gives
	// the same traffic. Other shapes ignore it; 0 is a seed like any other.
	Seed uint64
	// Speed [speed] is how much faster than recorded a replay plays: 2 is
	// twice as fast, 0.5 half as fast. It is used to a millionth.
	Speed float64
	// Records [file] is the recorded traffic a replay plays, such as the
	// Reader from Open.
	Records RecordSource
}

// RecordSource is recorded traffic: Records in time order, then io.EOF.
// Every Reader is one.
type RecordSource interface {
	Next() (Record, error)
}

// paramNames are the parameters, in the order they are checked.
var paramNames = []string{"rate", "to", "duration", "events", "over", "copies", "gap", "keys", "size", "speed", "file", "seed", "start"}

// isSet reports whether parameter name was given in p.
func isSet(p *Params, name string) bool {
	switch name {
	case "rate":
		return !p.Rate.IsZero()
	case "to":
		return !p.To.IsZero()
	case "duration":
		return p.Duration != 0
	case "events":
		return p.Events != 0
	case "over":
		return p.Over != 0
	case "copies":
		return p.Copies != 0
	case "gap":
		return p.Gap != 0
	case "keys":
		return p.Keys != 0
	case "size":
		return p.Size != 0
	case "speed":
		return p.Speed != 0
	case "file":
		return p.Records != nil
	}
	return false // seed and start: every shape takes them
}

// checkValues rejects values that no shape accepts.
func checkValues(p *Params) *paramError {
	for _, r := range []struct {
		name string
		r    Rate
	}{{"rate", p.Rate}, {"to", p.To}} {
		if !r.r.IsZero() && (r.r.N <= 0 || r.r.Per <= 0) {
			return perrf(r.name, "must be a positive whole number of events per period (e.g. 30 or 1000/1m)")
		}
	}
	for _, d := range []struct {
		name string
		d    time.Duration
	}{{"duration", p.Duration}, {"over", p.Over}, {"gap", p.Gap}} {
		if d.d < 0 {
			return perrf(d.name, "must not be negative")
		}
	}
	switch {
	case p.Events < 0 || p.Events > maxEvents:
		return perrf("events", "must be between 1 and %d, the most deliveries a run holds", int64(maxEvents))
	case p.Copies < 0 || p.Copies > maxCopies:
		return perrf("copies", "%s, not %d", countRange["copies"], p.Copies)
	case p.Keys < 0 || p.Keys > maxKeys:
		return perrf("keys", "%s, not %d", countRange["keys"], p.Keys)
	case p.Size < 0:
		return perrf("size", "must not be negative")
	case p.Speed != 0 && !(p.Speed >= minSpeed && p.Speed <= maxSpeed):
		return perrf("speed", "%s, not %s", countRange["speed"], plainNumber(p.Speed))
	}
	return nil
}

// countRange says what the count-like parameters must be, where a zero
// field of Params reads as "not given".
var countRange = map[string]string{
	"copies": "must be between 1 and " + strconv.Itoa(maxCopies),
	"keys":   "must be between 1 and " + strconv.Itoa(maxKeys),
	"speed":  "must be between " + plainNumber(minSpeed) + " and " + plainNumber(maxSpeed) + " (2 plays twice as fast, 0.5 half as fast)",
}

// CheckGivenZero returns the error for a parameter given as 0 where 0 is
// no valid value: copies, keys or speed. In Params, 0 means "not given",
// so New cannot tell `--copies 0` from no --copies; a command line that
// can tells it here. Other parameters give nil.
func CheckGivenZero(name string) error {
	if msg, ok := countRange[name]; ok {
		return &exitcode.InputError{File: "flag --" + name, Msg: msg + ", not 0"}
	}
	return nil
}

// plainNumber writes f as people write a number: 0.000001, not 1e-06.
func plainNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
