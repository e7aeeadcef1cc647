package advise

import (
	"fmt"
	"time"

	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
)

// maxSpread is the longest spread the advisor tries.
const maxSpread = 24 * time.Hour

// spread finds the smallest --over, in whole seconds, of a bulk operation
// or burst that passes; or the highest --rate, in whole events a minute,
// of steady or Poisson traffic.
func (a *advisor) spread() ([]report.Suggestion, error) {
	switch a.run.Scenario {
	case "bulk", "burst":
		return a.spreadOver()
	case "steady", "poisson":
		return a.lowerRate()
	}
	return nil, nil
}

func (a *advisor) spreadOver() ([]report.Suggestion, error) {
	base := a.base()
	over := base.params.Over
	if over == 0 {
		over = shapeDuration(a.run.Scenario, "over")
	}
	x0 := int64(over / time.Second)
	variantAt := func(x int64) variant {
		v := a.base()
		v.params.Over = time.Duration(x) * time.Second
		if v.params.Duration != 0 {
			v.params.Duration += v.params.Over - over
		}
		v.cmd.Params = v.params
		return v
	}
	known := x0*int64(time.Second) == int64(over) && !a.run.Target
	what := "the bulk operation"
	if a.run.Scenario == "burst" {
		what = "the burst"
	}
	name := func(x int64) string { return FlagDuration(time.Duration(x) * time.Second) }
	return a.boundary("spread", x0, known, int64(maxSpread/time.Second), variantAt,
		func(x int64) string {
			return fmt.Sprintf("spread %s over %s (--over %s)", what, name(x), FlagDuration(time.Duration(x)*time.Second))
		},
		func(x int64) string { return "one second less, " + name(x) })
}

func (a *advisor) lowerRate() ([]report.Suggestion, error) {
	rate := a.run.Params.Rate
	if rate.IsZero() {
		r, err := scenarios.ParseRate(shapeDefault(a.run.Scenario, "rate"))
		if err != nil {
			return nil, nil
		}
		rate = r
	}
	// perMin is the rate in events a minute, rounded up.
	perMin := (rate.N*int64(time.Minute) + int64(rate.Per) - 1) / int64(rate.Per)
	if perMin <= 1 || rate.Per <= 0 {
		return nil, nil
	}
	exact := rate.N*int64(time.Minute)%int64(rate.Per) == 0
	variantAt := func(x int64) variant {
		v := a.base()
		v.params.Rate = scenarios.Rate{N: perMin - x, Per: time.Minute}
		v.cmd.Params = v.params
		return v
	}
	perMinute := func(x int64) string { return scenarios.Rate{N: perMin - x, Per: time.Minute}.String() }
	return a.boundary("rate", 0, exact && !a.run.Target, perMin-1, variantAt,
		func(x int64) string {
			return fmt.Sprintf("lower the rate to %s (--rate %s)", perMinute(x), perMinute(x))
		},
		func(x int64) string { return "one event a minute more, " + perMinute(x) })
}

// boundary searches the smallest x in (x0, xmax] whose variant passes, x
// growing more lenient: doubling, then bisection. x0 is the run as given,
// known to fail when known is set. The suggestion it returns passes, and
// its Boundary says that x-1 fails, simulated (or the run as given); when
// nothing up to xmax passes, or the budget ends first, it returns the
// most lenient x tried, which fails.
func (a *advisor) boundary(kind string, x0 int64, known bool, xmax int64, at func(int64) variant, change, less func(int64) string) ([]report.Suggestion, error) {
	tried := map[int64]*report.RunResult{}
	try := func(x int64) (*report.RunResult, error) {
		if r, ok := tried[x]; ok {
			return r, nil
		}
		r, err := a.simulate(at(x))
		if err == nil {
			tried[x] = r
		}
		return r, err
	}
	lo, hi := x0, int64(-1)
	if !known {
		r, err := try(x0)
		if err != nil {
			return nil, err
		}
		if passes(r) {
			return nil, nil // the simulator passes the run as given: nothing to spread
		}
	}
	var hiRes *report.RunResult
	for next := max(2*x0, x0+1); ; next = min(2*next, xmax) {
		r, err := try(next)
		if err != nil {
			return a.lastTried(kind, at, change, tried, lo), err
		}
		if passes(r) {
			hi, hiRes = next, r
			break
		}
		lo = next
		if next >= xmax {
			return a.lastTried(kind, at, change, tried, lo), nil
		}
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		r, err := try(mid)
		if err != nil {
			break
		}
		if passes(r) {
			hi, hiRes = mid, r
		} else {
			lo = mid
		}
	}
	s := suggestion(kind, change(hi), at(hi), hiRes)
	if r, ok := tried[hi-1]; ok || (hi-1 == x0 && known) {
		if ok {
			s.Boundary = less(hi-1) + ", fails: " + outcome(r)
		} else {
			s.Boundary = less(hi-1) + " (the run as given) fails"
		}
	} else if r, err := try(hi - 1); err == nil {
		s.Boundary = less(hi-1) + ", fails: " + outcome(r)
		if passes(r) {
			s.Boundary = less(hi-1) + ", passes too: the outcome is not monotonic here"
		}
	}
	return []report.Suggestion{s}, nil
}

// lastTried returns the suggestion of the most lenient x tried, which
// failed, or none.
func (a *advisor) lastTried(kind string, at func(int64) variant, change func(int64) string, tried map[int64]*report.RunResult, lo int64) []report.Suggestion {
	r, ok := tried[lo]
	if !ok {
		return nil
	}
	return []report.Suggestion{suggestion(kind, change(lo), at(lo), r)}
}

// shapeDefault returns the default of a shape's parameter, as typed.
func shapeDefault(shape, param string) string {
	for _, s := range scenarios.Builtins() {
		if s.Name != shape {
			continue
		}
		for _, p := range s.Params {
			if p.Name == param {
				return p.Default
			}
		}
	}
	return ""
}

// shapeDuration returns the default of a shape's duration parameter, 0
// when it has none.
func shapeDuration(shape, param string) time.Duration {
	d, err := units.ParseDuration(shapeDefault(shape, param))
	if err != nil {
		return 0
	}
	return d
}
