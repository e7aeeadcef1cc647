package advise

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
)

// Run is a run as `hooklimit run` was given it: enough to simulate it
// again with a change, and to write the command line of that change.
type Run struct {
	Scenario string           // a built-in shape; "" with Plan
	File     string           // replay's traffic file
	Plan     string           // a plan file, instead of Scenario
	Params   scenarios.Params // the parameters that were given; zero fields take the shape's defaults
	// NewSource builds the traffic of params (a plan ignores them).
	NewSource func(params scenarios.Params) (scenarios.Source, error)

	Profile     string            // the profile as given (a name or a file); "" leaves it to the plan
	Exclude     []string          // --exclude-limit values
	LoadedLimit *limitsim.Profile // the profile itself, limits left out
	// Retry and Sender are the --retry and --sender values as given ("":
	// not given); Policy and Model are what they made, the policy the
	// run used.
	Retry  string
	Sender string
	Policy retry.Policy
	Model  probe.Sender
	// PresetRetry is true when Policy is the retry policy the sender
	// preset brought (no --retry was given).
	PresetRetry bool
	Seed        uint64
	Thresholds  []report.Threshold
	// Extra are other arguments of the command line that matter to the
	// result, as given: --threshold, --workspace-field.
	Extra []string
	// Target is set when the run went to a URL: the advice is still
	// checked on the simulator.
	Target bool
}

// Options bound the advisor's cost.
type Options struct {
	// MaxSimulations is the most simulated runs in all (default: as
	// Defaults).
	MaxSimulations int
	// MaxAttempts is the most simulated attempts in all (default: as
	// Defaults); a simulation stops at the attempt that passes it.
	MaxAttempts int64
	// TooLarge is the most attempts the failing run may have made for
	// the advisor to start (default MaxAttempts / 4): a run larger than
	// that gets a note saying how to ask for advice instead.
	TooLarge int64
	// MaxEvents is the most events the failing run may have had for the
	// advisor to start (default: as Defaults): a sender that holds many
	// events at once, each waiting on its own partition's pause, still
	// costs the simulator more than its attempts say.
	MaxEvents int64
	// AskWith is the command that asks for advice in full, for that note.
	AskWith string
}

// Defaults returns the options of advice at the end of a failing run:
// a second or two.
func Defaults() Options {
	return Options{MaxSimulations: 40, MaxAttempts: 400_000, TooLarge: 40_000, MaxEvents: 20_000}
}

// Full returns the options of advice asked for (--advise, hooklimit
// advise): more simulations, larger runs.
func Full() Options {
	return Options{MaxSimulations: 200, MaxAttempts: 5_000_000, TooLarge: 1_000_000, MaxEvents: 100_000}
}

// errBudget ends a search when the advisor has spent its budget.
var errBudget = errors.New("advisor budget spent")

// Advise sets res.Advice and res.AdviceNote when res failed, and leaves
// a passing, unknown or incomplete run alone. It returns an error only
// when ctx ends; a change that cannot be simulated is left out.
func Advise(ctx context.Context, r *Run, res *report.RunResult, o Options) error {
	if res == nil || res.Verdict != report.VerdictFail || res.NoResponse || res.Incomplete != nil {
		return nil
	}
	if o.MaxSimulations <= 0 {
		o.MaxSimulations = Defaults().MaxSimulations
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = Defaults().MaxAttempts
	}
	if o.TooLarge <= 0 {
		o.TooLarge = o.MaxAttempts / 4
	}
	if o.MaxEvents <= 0 {
		o.MaxEvents = Defaults().MaxEvents
	}
	if res.Delivery.Attempts > o.TooLarge || res.Delivery.Events > o.MaxEvents {
		res.AdviceNote = fmt.Sprintf("not tried: the run had %s and made %s, too many to try changes on here", numfmt.CountNoun(res.Delivery.Events, "event"), numfmt.CountNoun(res.Delivery.Attempts, "attempt"))
		if o.AskWith != "" {
			res.AdviceNote += "; ask for it with " + o.AskWith
		}
		return nil
	}
	a := &advisor{ctx: ctx, run: r, opts: o}
	var out []report.Suggestion
	for _, try := range []func() ([]report.Suggestion, error){a.spread, a.pace, a.sender, a.jitter} {
		s, err := try()
		out = append(out, s...)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, errBudget) {
			a.spent = true
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Passes && !out[j].Passes })
	res.Advice = out
	res.AdviceNote = a.note(out)
	return nil
}

// note says how the suggestions were checked.
func (a *advisor) note(out []report.Suggestion) string {
	where := "checked on the " + a.run.LoadedLimit.Name + " simulator, in virtual time"
	if a.run.Target {
		where = "checked on the " + a.run.LoadedLimit.Name + " simulator, in virtual time, not on the target: add --target to send a change there"
	}
	n := fmt.Sprintf("%s (%s)", where, numfmt.CountNoun(int64(a.sims), "simulated run"))
	if a.spent {
		n += "; stopped at the advisor's budget"
	}
	passing := 0
	for _, s := range out {
		if s.Passes {
			passing++
		}
	}
	if passing == 0 {
		n += "; no change tried passes"
	}
	return n
}

// advisor tries changes of one run, within a budget.
type advisor struct {
	ctx      context.Context
	run      *Run
	opts     Options
	sims     int
	attempts int64
	spent    bool
	sendsRA  *bool // the profile's SendsRetryAfter, once worked out
}

// sendsRetryAfter returns whether the run's profile answers a 429 with
// Retry-After, worked out on the first simulation only.
func (a *advisor) sendsRetryAfter() *bool {
	if a.sendsRA == nil {
		v := a.run.LoadedLimit.SendsRetryAfter()
		a.sendsRA = &v
	}
	return a.sendsRA
}

// variant is the run with one change: what to simulate, and its command.
type variant struct {
	params scenarios.Params
	policy retry.Policy
	sender probe.Sender
	cmd    Run // the command line's view of the change
}

// base returns the run unchanged, as a variant to change.
func (a *advisor) base() variant {
	return variant{params: a.run.Params, policy: a.run.Policy, sender: a.run.Model, cmd: *a.run}
}

// simulate runs v on the simulator, within the budget.
func (a *advisor) simulate(v variant) (*report.RunResult, error) {
	if a.sims >= a.opts.MaxSimulations || a.attempts >= a.opts.MaxAttempts {
		return nil, errBudget
	}
	if err := a.ctx.Err(); err != nil {
		return nil, err
	}
	src, err := a.run.NewSource(v.params)
	if err != nil {
		return nil, err
	}
	a.sims++
	// The simulation stops at the attempt that would pass the budget:
	// one run cannot spend more than what is left.
	ctx, cancel := context.WithCancel(a.ctx)
	defer cancel()
	capped := &capObserver{left: a.opts.MaxAttempts - a.attempts, cancel: cancel}
	sim := &report.Simulation{Source: src, Profile: a.run.LoadedLimit, Policy: v.policy, Sender: v.sender, Seed: a.run.Seed,
		Meta: report.RunMeta{Retry: v.policy.String(), Seed: a.run.Seed}, Thresholds: a.run.Thresholds, CountsOnly: true, SendsRetryAfter: a.sendsRetryAfter(),
		Observe: func(o probe.Observer) probe.Observer { capped.Observer = o; return capped }}
	res, err := sim.Run(ctx)
	if res != nil {
		a.attempts += res.Delivery.Attempts
	}
	switch {
	case a.ctx.Err() != nil:
		return nil, a.ctx.Err()
	case capped.left < 0:
		return nil, errBudget
	case err != nil:
		return nil, err
	}
	return res, nil
}

// capObserver cancels a simulation when it makes more attempts than left.
type capObserver struct {
	probe.Observer
	left   int64
	cancel func()
}

func (c *capObserver) Attempt(at *probe.Attempt) {
	if c.left--; c.left < 0 {
		c.cancel()
	}
	c.Observer.Attempt(at)
}

// passes reports whether res is a run that would pass: its verdict is
// pass, it lost no event and got no 429.
func passes(res *report.RunResult) bool {
	return res.Verdict == report.VerdictPass && res.Delivery.Lost == 0 && res.Delivery.Rejected429 == 0
}

// suggestion is the suggestion of kind with change, verified by res.
func suggestion(kind, change string, v variant, res *report.RunResult) report.Suggestion {
	return report.Suggestion{Kind: kind, Change: change, Command: v.cmd.Command(), Passes: passes(res), Verdict: res.Verdict,
		Lost: res.Delivery.Lost, Rejected429: res.Delivery.Rejected429, Amplification: res.Delivery.Amplification}
}

// outcome says in a few words how res went: "FAIL, 12 429s, 0 lost".
func outcome(res *report.RunResult) string {
	return fmt.Sprintf("%s, %s, %s lost", strings.ToUpper(string(res.Verdict)), numfmt.CountNoun(res.Delivery.Rejected429, "429"), numfmt.WithCommas(res.Delivery.Lost))
}
