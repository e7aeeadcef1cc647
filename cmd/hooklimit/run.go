package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/internal/redact"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/probe/senders"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/render"
	"github.com/hooklimit/hooklimit/report/results"
	"github.com/hooklimit/hooklimit/scenarios"
)

// The scenario `hooklimit run` replays when given none: a bulk operation
// with its defaults (scenarios.DefaultBulkEvents record updates in one
// minute, about 33 a second against Rewst's 25 a second and 1,000 a
// minute), sent with a sender that honours Retry-After.
//
// The default sender never herds: each retry after a Retry-After waits a
// random extra 0 to 10 s (Rewst's Retry-After is 10 s), drawn from --seed,
// so the events a 429 turned away do not all come back in the same
// instant. Without it, the README's 5,000 events in 30 s made 337,493
// attempts; with it, 81,544.
const (
	defaultScenario = "bulk"
	defaultRetry    = "retry-after,jitter=10s"
)

// runOptions holds the run command's dependencies and flags.
type runOptions struct {
	IO    *IOStreams
	Now   func() time.Time
	flags *pflag.FlagSet
	// transport and clock, when not nil, carry the requests of --target
	// and time them (see Deps).
	transport http.RoundTripper
	clock     probe.Clock
	// lookupEnv reads the environment; create creates the --out file.
	lookupEnv func(string) (string, bool)
	create    func(string) (io.WriteCloser, error)

	Scenario  string
	File      string // replay's traffic file
	WsField   string // replay's workspace field
	Plan      string
	Profile   string
	Retry     string
	Sender    string
	sender    senders.Model // Sender, read
	planRetry bool          // the plan names a retry policy
	// lanes and laneMeta, for a plan with senders:, are its senders.
	lanes        []probe.Lane
	laneMeta     []report.SenderMeta
	CompareRetry []string
	// CompareSender runs once per sender; Advise shows every suggestion
	// of the advisor (see report/advise), not only the best.
	CompareSender []string
	Advise        bool
	Target        string
	Seed          uint64
	Format        *FormatFlag
	Out           string
	Thresholds    []string
	Quiet         bool
	MaxRequests   int64
	Yes           bool
	confirmed     bool // the --target was announced, and confirmed
	Params        shapeFlags
	HTTP          httpFlags
	Exclude       []string
}

func newRunCmd(d *Deps) *cobra.Command {
	opts := &runOptions{IO: d.IO, Now: d.Now, transport: d.Transport, clock: d.Clock, lookupEnv: d.LookupEnv, create: d.Create, Format: NewFormatFlag(FormatTable, "junit")}
	cmd := &cobra.Command{
		Use:   "run [SCENARIO [FILE]] [flags]",
		Short: "Replay a traffic scenario with a retry policy and report delivery and compliance",
		Long: `Replay a traffic scenario (a burst, a duplicate storm, a bulk operation, a
retry storm, recorded traffic...) with a sender's retry policy against a
target, and report what happened to the events (429s, lost events,
duplicates, whether Retry-After was honored, delivery delay) and whether what
was sent stayed under the profile's limits.

The default target is the in-process simulator of --profile, in virtual time:
instant, and the same --seed gives the same result byte for byte. With
--target URL the scenario is sent to a real webhook URL in real time ("{key}"
in the URL is replaced by each event's partition key). Such a run gets a
fresh run id (run_id in the result): its event ids are RUNID-evt-N, and
every request carries it in an X-Hooklimit-Run header, so separate runs
never share an event id.

--plan FILE runs a plan of phases, or with senders: several senders at
once (a PSA, an RMM and a billing tool), each with its own phases, sender
model and retry policy, into the one profile; the report then gives each
sender's share, 429s, lost events and early retries. --sender, --retry and
--compare-retry do not go with such a plan.

With no arguments, run replays a bulk operation of 2,000 events in one
minute against the Rewst simulator with a Retry-After-honoring sender
(run bulk with its defaults); steady and poisson default to rates that pass
Rewst. The default retry policy, retry-after,jitter=10s, adds a random 0 to
10s to each Retry-After, drawn from --seed, so retries do not herd. See
'hooklimit scenarios' for the scenarios and retry policies.

Guards: --max-requests N is a hard cap on attempts; without it a run stops
at 50 attempts per event once past 10,000, and warns at 10 per event. A run
stopped at a cap is incomplete. A --target run prints its cap before it
sends, and a target that is not loopback needs a confirmation on the
terminal, or --yes (with no terminal and no --yes, nothing is sent: exit 2).

--out FILE writes every attempt and the result as JSON Lines, for hooklimit
report. --out - writes them to standard output, and the report (table or
markdown) to standard error, so that standard output carries the results
alone: "hooklimit run ... --out - | hooklimit report -" prints the report run
prints. --format json and junit do not go with --out - (they would share
standard output with the results); render them from the stream with
"hooklimit report - --format json".

The exit code is 0 when what was sent stayed under every limit, every
--threshold held and no event was lost, 1 when not, 130 when interrupted
(the partial results are still reported and written). A run that loses
events fails unless a threshold on lost or lost_rate accepts the losses
(--threshold 'lost<=10').`,
		Example: `  hooklimit run
  hooklimit run burst --events 18100 --profile workato --retry none --format json
  hooklimit run steady --rate 30 --duration 60s --profile rewst --retry retry-after --format json
  hooklimit run steady --rate 30 --duration 60s --profile rewst --compare-retry none,immediate,exponential,retry-after
  hooklimit run --sender autotask
  hooklimit run bulk --events 2000 --over 1m --profile rewst --sender ordered,pause-on-429,pace=1000/1m
  hooklimit run bulk --events 5000 --over 30s --profile rewst --target http://127.0.0.1:8080/hooks/t1
  hooklimit run steady --target https://staging.example.test/hooks/t1 --max-requests 2000 --yes
  hooklimit run replay traffic.jsonl --speed 2 --profile rewst
  hooklimit run --plan plan.yaml
  hooklimit run steady --rate 30 --duration 60s --out - | hooklimit report - --format markdown`,
		Args: cobra.MaximumNArgs(2),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return scenarios.Names(), cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveDefault
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.flags = cmd.Flags()
			if len(args) > 0 {
				opts.Scenario = args[0]
			}
			if len(args) > 1 {
				if opts.Scenario != "replay" {
					return exitcode.Usagef("only replay takes a FILE argument, not %s", opts.Scenario)
				}
				opts.File = args[1]
			}
			return runRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Profile, "profile", "p", "rewst", "the limits to simulate and check against: a built-in name or a profile file")
	f.StringVar(&opts.Retry, "retry", defaultRetry, "the sender's retry policy, e.g. none, immediate,max=5, exponential,base=1s,max=7,jitter=full, retry-after (the default waits each Retry-After plus a random 0 to 10s, so retries do not herd)")
	f.StringVar(&opts.Sender, "sender", "", "the sender model: a preset (see 'hooklimit senders') or a spec such as ordered,pause-on-429,pace=1000/1m; a preset brings its retry policy unless --retry is given (default: parallel, each event retried on its own)")
	f.StringArrayVar(&opts.CompareRetry, "compare-retry", nil, "run once per retry policy and compare them: policies separated by commas, each with its parameters (none,exponential,base=2s,retry-after); repeatable")
	f.StringArrayVar(&opts.CompareSender, "compare-sender", nil, "run once per sender and compare them: presets or specs separated by commas, a spec's NAME=VALUE items going with the sender before them and parentheses grouping a spec (autotask,svix,pause-on-429,pace=1000/1m,(ordered,pause-on-429)); repeatable")
	f.BoolVar(&opts.Advise, "advise", false, "when the run fails, show every change the advisor tried, each verified on the simulator with its command line (default: the best one)")
	f.StringVar(&opts.Target, "target", "", "a webhook URL to send to in real time (default: the simulator of --profile, in virtual time)")
	f.Uint64Var(&opts.Seed, "seed", 1, "seed for random shapes and jitter: the same seed gives the same run")
	f.StringVar(&opts.Plan, "plan", "", "a plan file (YAML) of phases, profile, retry policy, target and thresholds; or of several senders (senders:), each with its phases and sender model")
	f.StringVar(&opts.WsField, "workspace-field", "", "replay: the JSON field or CSV column holding each record's workspace, for workspace-scoped profiles such as workato, or the environment for environment-scoped ones such as workato@r3 (absent: all traffic is one workspace)")
	f.StringVar(&opts.Out, "out", "", "write every attempt and the result to this JSON Lines file (-: to standard output, the report then going to standard error)")
	f.StringArrayVar(&opts.Thresholds, "threshold", nil, "a condition that must hold, e.g. 'lost==0' or '429_rate<1%' (repeatable)")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, quietUsage)
	f.Int64Var(&opts.MaxRequests, "max-requests", 0, fmt.Sprintf("hard cap on the attempts sent: a run that would send more stops there, incomplete (default: stop at %d attempts per event, once past %s attempts)", probe.DefaultMaxAmplification, numfmt.WithCommas(probe.DefaultMinCapped)))
	f.BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation before sending to a --target that is not loopback")
	f.StringSliceVar(&opts.Exclude, "exclude-limit", nil, excludeLimitUsage)
	registerFormatFlag(cmd, opts.Format)
	opts.Params.register(f)
	opts.HTTP.register(f, d.IO.ErrOut)
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfileFlag)
	registerRunCompletions(cmd)
	return cmd
}

// runSpec is everything one run needs, from flags or a plan.
type runSpec struct {
	name       string // the scenario as shown: "steady 30/s for 1m"
	newSource  func() (scenarios.Source, error)
	profile    *limitsim.Profile
	target     string
	thresholds []report.Threshold
	// scenario, params and sourceOf are the built-in shape and the
	// parameters given, for the advisor to change; sourceOf is nil for a
	// plan.
	scenario string
	params   scenarios.Params
	sourceOf func(scenarios.Params) (scenarios.Source, error)
}

func runRun(ctx context.Context, opts *runOptions) error {
	if err := oneStdin("FILE", opts.File, "--plan", opts.Plan, "--profile", opts.Profile); err != nil {
		return err
	}
	spec, err := opts.spec()
	if err != nil {
		return err
	}
	if err := opts.HTTP.check(opts.flags, spec.target != ""); err != nil {
		return err
	}
	if opts.sender, err = senders.Parse(opts.Sender); err != nil {
		return err
	}
	if len(opts.CompareRetry) > 0 && len(opts.CompareSender) > 0 {
		return exitcode.Usagef("give --compare-retry or --compare-sender, not both")
	}
	if len(opts.lanes) > 0 && len(opts.CompareSender) > 0 {
		return exitcode.Usagef("--compare-sender compares one sender's models; %s has several senders: give each its sender: in the plan, and compare runs of the plan instead", opts.Plan)
	}
	if opts.Advise && len(opts.CompareRetry)+len(opts.CompareSender) > 0 {
		return exitcode.Usagef("--advise is for one run, not a comparison")
	}
	models := []senders.Model{opts.sender}
	if len(opts.CompareSender) > 0 {
		models = nil
		for _, l := range opts.CompareSender {
			for _, spec := range senders.SplitList(l) {
				m, err := senders.Parse(spec)
				if err != nil {
					return err
				}
				models = append(models, m)
			}
		}
	}
	var runs []runVariant
	for _, m := range models {
		retries := []string{opts.Retry}
		if m.Retry != nil && !opts.retryGiven() {
			retries = []string{m.Retry.String()}
		}
		if len(opts.CompareRetry) > 0 {
			retries = nil
			for _, r := range opts.CompareRetry {
				retries = append(retries, retry.SplitPolicies(r)...)
			}
		}
		for _, r := range retries {
			pol, err := senders.ParsePolicy(r)
			if err != nil {
				return err
			}
			runs = append(runs, runVariant{pol: pol, model: m, named: opts.Sender != "" || len(opts.CompareSender) > 0})
		}
	}
	if opts.flags.Changed("max-requests") && opts.MaxRequests <= 0 {
		return &exitcode.InputError{File: "flag --max-requests", Msg: "must be positive"}
	}
	format := render.Format(opts.Format.String())
	// summary is where the report goes: standard output, unless --out -
	// puts the results stream there; then the report goes to standard
	// error, so that standard output holds nothing but the stream.
	summary := opts.IO.Out
	var out io.Writer
	if opts.Out != "" {
		dst := opts.IO.Out
		if opts.Out == "-" {
			if f := opts.Format.String(); f == FormatJSON || f == "junit" {
				return exitcode.Usagef("--out - writes the results to standard output, so --format %s has nowhere to go: use --out FILE, or render the stream with 'hooklimit report - --format %s'", f, f)
			}
			summary = opts.IO.ErrOut
		} else {
			f, err := opts.create(opts.Out)
			if err != nil {
				return exitcode.Runtimef("cannot write results: %v", err)
			}
			defer f.Close()
			dst = f
		}
		lw, done := opts.IO.resultsFile(dst)
		defer done()
		defer lw.Close()
		out = lw
	}
	var done []*report.RunResult
	var runErr error
	for _, v := range runs {
		var attempts io.Writer
		if len(runs) == 1 {
			attempts = out
		}
		res, err := opts.runOne(ctx, spec, v, attempts)
		if res != nil {
			done = append(done, res)
		}
		if err != nil {
			runErr = err
			break
		}
	}
	if len(done) == 0 {
		return runErr
	}
	var verdict report.Verdict
	if len(runs) == 1 {
		res := done[0]
		if runErr == nil {
			if err := opts.advise(ctx, spec, runs[0], res); err != nil {
				return exitcode.New(exitcode.Interrupted, errors.New("interrupted while advising"))
			}
		}
		if out != nil {
			rw := results.NewWriter(out)
			if err := rw.Result(res); err != nil {
				return exitcode.Runtimef("cannot write results: %v", err)
			}
		}
		verdict = res.Verdict
		ropts := []render.Option{render.Width(opts.IO.Width)}
		if opts.Advise {
			ropts = append(ropts, render.AllAdvice())
		}
		if err := render.Write(summary, res, format, ropts...); err != nil {
			return exitcode.New(exitcode.Runtime, err)
		}
	} else {
		cmp := report.NewCompareResult(done)
		if len(opts.CompareSender) > 0 {
			cmp.By = "sender"
		}
		if out != nil {
			rw := results.NewWriter(out)
			if err := rw.Result(cmp); err != nil {
				return exitcode.Runtimef("cannot write results: %v", err)
			}
		}
		verdict = cmp.Verdict
		if err := render.Write(summary, cmp, format, render.Width(opts.IO.Width)); err != nil {
			return exitcode.New(exitcode.Usage, err)
		}
	}
	switch {
	case runErr != nil && ctx.Err() != nil:
		return exitcode.New(exitcode.Interrupted, errors.New("interrupted: the results above are partial"))
	case runErr != nil:
		return runErr
	case noResponse(done) != nil:
		// As for a target that refuses every connection: exit 3.
		r := noResponse(done)
		return exitcode.Runtimef("target %s answered none of %d attempts: every one failed before a response came", r.Target, r.Delivery.Attempts)
	case verdict != report.VerdictPass:
		return exitcode.New(exitcode.Fail, nil)
	}
	return nil
}

// noResponse returns the first run in which no attempt got a response, or
// nil.
func noResponse(results []*report.RunResult) *report.RunResult {
	for _, r := range results {
		if r.NoResponse {
			return r
		}
	}
	return nil
}

// runVariant is one run of a comparison, or the run: a retry policy and a
// sender model; named says the sender is shown in the result.
type runVariant struct {
	pol   retry.Policy
	model senders.Model
	named bool
}

// runOne runs the scenario once with the policy and sender of v, and returns its result
// with thresholds applied. On interruption it returns the partial result
// and the context's error.
func (opts *runOptions) runOne(ctx context.Context, spec *runSpec, v runVariant, attempts io.Writer) (*report.RunResult, error) {
	pol := v.pol
	src, err := spec.newSource()
	if err != nil {
		return nil, err
	}
	var rw *results.Writer
	var log report.AttemptLog
	if attempts != nil {
		rw = results.NewWriter(attempts)
		log = rw
	}
	var tgt *probe.HTTPTarget
	if spec.target != "" {
		if tgt, err = opts.HTTP.target(opts, spec.target); err != nil {
			return nil, err
		}
		if err := opts.announce(spec.name, spec.target); err != nil {
			return nil, err
		}
	}
	tr := runTracker(src, spec.target != "", opts.HTTP.drain, opts.Now())
	prog := newProgress(opts.IO, opts.Quiet, spec.name+" · "+pol.Name(), tr, opts.Now)
	defer prog.wait()
	sender := v.model.Sender
	// observe shows progress and warns, once, of a retry storm.
	observe := func(coll probe.Observer) probe.Observer {
		return probe.WarnAmplification(prog.observer(coll), probe.WarnAmplificationAt, probe.WarnAttemptsMin, func(attempts, events int64) {
			prog.warn(opts.IO.ErrOut, fmt.Sprintf("hooklimit: warning: %s attempts for %s events so far: the retry policy %s keeps retrying into the limit; "+
				"the run stops at %s. A sender that waits as told sends far less: try --sender pause-on-429, or --retry retry-after,jitter=30s\n",
				numfmt.WithCommas(attempts), numfmt.WithCommas(events), pol.String(), opts.capText()))
		})
	}
	meta := report.RunMeta{Scenario: spec.name, Retry: pol.String(), Seed: opts.Seed, Target: "simulator"}
	if v.named {
		meta.Sender = v.model.String()
	}
	if len(opts.lanes) > 0 {
		meta.Retry = "per sender"
		meta.Senders = append([]report.SenderMeta(nil), opts.laneMeta...)
	}
	if spec.target != "" {
		meta.Target, meta.RunID = redact.URL(spec.target), probe.NewRunID()
	}
	if rw != nil {
		if err := rw.StartRun(spec.profile, meta, spec.thresholds); err != nil {
			return nil, exitcode.Runtimef("cannot write results: %v", err)
		}
	}
	var res *report.RunResult
	var runErr error
	if spec.target == "" {
		sim := &report.Simulation{Source: src, Profile: spec.profile, Policy: pol, Sender: sender, Lanes: opts.lanes, Seed: opts.Seed, Meta: meta,
			Thresholds: spec.thresholds, Log: log, Observe: observe, Caps: opts.caps(), CapText: opts.capText()}
		res, runErr = sim.Run(ctx)
	} else {
		res, runErr = opts.runTarget(ctx, spec, tgt, src, pol, sender, meta, log, observe)
	}
	prog.wait()
	if runErr != nil && ctx.Err() == nil {
		return nil, runErr
	}
	if rw != nil {
		if err := rw.Close(); err != nil {
			return nil, exitcode.Runtimef("cannot write results: %v", err)
		}
	}
	return res, runErr
}

// runTarget sends the scenario to spec.target, and returns its result with
// thresholds applied (see runOne).
func (opts *runOptions) runTarget(ctx context.Context, spec *runSpec, tgt *probe.HTTPTarget, src scenarios.Source, pol retry.Policy, sender probe.Sender, meta report.RunMeta, log report.AttemptLog, observe func(probe.Observer) probe.Observer) (*report.RunResult, error) {
	coll := report.NewRunCollector(spec.profile, log)
	st, runErr := opts.HTTP.run(ctx, opts, tgt, src, meta.RunID, pol, sender, observe(coll))
	if runErr != nil && ctx.Err() == nil {
		return nil, runErr
	}
	meta.AddStats(st)
	if st.Interrupted {
		meta.InterruptedAt = opts.Now().UnixNano()
	}
	if st.Capped {
		meta.Capped, meta.CappedAt = opts.capText(), st.End
	}
	res := coll.Result(meta)
	if err := res.ApplyThresholds(spec.thresholds); err != nil {
		return nil, err
	}
	return res, runErr
}

// spec builds the run from the flags, or from the plan file.
func (opts *runOptions) spec() (*runSpec, error) {
	if opts.Plan != "" {
		if opts.WsField != "" {
			return nil, exitcode.Usagef("--workspace-field does not go with --plan: set workspace_field in the plan's replay phase")
		}
		return opts.planSpec()
	}
	if opts.WsField != "" && opts.Scenario != "replay" {
		return nil, exitcode.Usagef("--workspace-field is for run replay FILE: generated scenarios are all one workspace")
	}
	ths, err := parseThresholds(opts.Thresholds)
	if err != nil {
		return nil, err
	}
	p, err := loadProfile(opts.IO, opts.Profile)
	if err != nil {
		return nil, err
	}
	if p, err = excludeLimit(p, opts.Exclude); err != nil {
		return nil, err
	}
	name := opts.Scenario
	params, err := opts.Params.params(opts.flags)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = defaultScenario
	}
	params.Seed = opts.Seed
	used, err := scenarios.Resolve(name, withRecords(params, name))
	if err != nil {
		return nil, err
	}
	spec := &runSpec{name: describeScenario(name, params, used, opts.File), profile: p, target: opts.Target, thresholds: ths, scenario: name, params: params}
	spec.newSource = func() (scenarios.Source, error) { return spec.sourceOf(params) }
	spec.sourceOf = func(q scenarios.Params) (scenarios.Source, error) {
		if name == "replay" {
			r, _, err := scenarios.Open(opts.File, opts.IO.In, scenarios.ReadOptions{WorkspaceField: opts.WsField, Dir: opts.IO.Dir})
			if err != nil {
				return nil, err
			}
			q.Records = r
		}
		return scenarios.New(name, q)
	}
	return spec, nil
}

// withRecords gives replay an empty record source, so that its other
// parameters can be checked before the file is opened.
func withRecords(p scenarios.Params, name string) scenarios.Params {
	if name == "replay" {
		p.Records = emptyRecords{}
	}
	return p
}

type emptyRecords struct{}

func (emptyRecords) Next() (scenarios.Record, error) { return scenarios.Record{}, io.EOF }

// planSpec builds the run from opts.Plan; flags given on the command line
// override the plan's profile, retry policy, target and seed (see
// scenarios.Plan.Settings).
func (opts *runOptions) planSpec() (*runSpec, error) {
	plan, err := loadPlan(opts.IO, opts.Plan)
	if err != nil {
		return nil, err
	}
	if opts.Scenario != "" {
		return nil, exitcode.Usagef("give a SCENARIO or --plan, not both")
	}
	given := scenarios.Given{Profile: opts.flags.Changed("profile"), Retry: opts.flags.Changed("retry"), Sender: opts.flags.Changed("sender"),
		RetryList: opts.flags.Changed("compare-retry"), Target: opts.flags.Changed("target"), Seed: opts.flags.Changed("seed")}
	if len(plan.Senders) > 0 {
		if err := opts.planLanes(plan, given); err != nil {
			return nil, err
		}
		plan.Retry, plan.Sender = "", "" // each lane has its own
	}
	set, err := plan.Settings(scenarios.Settings{Profile: opts.Profile, Retry: opts.Retry, Sender: opts.Sender, Target: opts.Target, Seed: opts.Seed}, given,
		func(r string) error { _, err := senders.ParsePolicy(r); return err })
	if err != nil {
		return nil, err
	}
	if set.Sender != opts.Sender {
		if _, err := senders.Parse(set.Sender); err != nil {
			return nil, plan.ValueError("sender", err)
		}
	}
	opts.planRetry = plan.Retry != ""
	opts.Retry, opts.Sender, opts.Seed = set.Retry, set.Sender, set.Seed
	target := set.Target
	if target != "" && !given.Target {
		if err := checkTarget(target); err != nil {
			return nil, plan.ValueError("target", err)
		}
	}
	p, err := loadProfile(opts.IO, set.Profile)
	if err != nil {
		return nil, err
	}
	if p, err = excludeLimit(p, opts.Exclude); err != nil {
		return nil, err
	}
	var ths []report.Threshold
	for i, s := range plan.Thresholds {
		t, err := report.ParseThreshold(s)
		if err == nil {
			err = t.Validate(report.RunMetrics)
		}
		if err != nil {
			return nil, plan.ValueError(fmt.Sprintf("thresholds[%d]", i), err)
		}
		ths = append(ths, t)
	}
	more, err := parseThresholds(opts.Thresholds)
	if err != nil {
		return nil, err
	}
	if _, err := plan.Source(); err != nil {
		return nil, err
	}
	name := plan.Name
	if name == "" {
		name = "plan " + opts.Plan
		if opts.Plan == "-" {
			name = "plan from standard input"
		}
	}
	return &runSpec{name: name, newSource: plan.Source, profile: p, target: target, thresholds: append(ths, more...)}, nil
}

// retryGiven reports whether --retry or the plan names the retry policy,
// which then wins over a sender preset's.
func (opts *runOptions) retryGiven() bool {
	return opts.flags.Changed("retry") || opts.planRetry
}

// caps is the run's cap of attempts: --max-requests when given, else the
// default cap of attempts per event (see probe.Engine).
func (opts *runOptions) caps() probe.Caps {
	if opts.MaxRequests > 0 {
		return probe.Caps{MaxAttempts: opts.MaxRequests}
	}
	return probe.Caps{MaxAmplification: probe.DefaultMaxAmplification, MinCapped: probe.DefaultMinCapped}
}

// capText says where the run stops: "10,000 attempts, the --max-requests
// cap", or the default's "50 attempts per event once past 10,000
// attempts; --max-requests N sets a hard cap".
func (opts *runOptions) capText() string {
	if opts.MaxRequests > 0 {
		return numfmt.CountNoun(opts.MaxRequests, "attempt") + ", the --max-requests cap"
	}
	return fmt.Sprintf("%d attempts per event once past %s attempts; --max-requests N sets a hard cap",
		probe.DefaultMaxAmplification, numfmt.WithCommas(probe.DefaultMinCapped))
}

// announce prints, once and before anything is sent to target, what run
// sends there and where it stops, as probe prints its plan; a target that
// is not loopback then needs a confirmation (or --yes).
func (opts *runOptions) announce(name, target string) error {
	if opts.confirmed {
		return nil
	}
	fmt.Fprintf(opts.IO.ErrOut, "run: sending %s to %s; it stops at %s\n", name, redact.URL(target), opts.capText())
	if err := confirmSend(opts.IO, target, opts.Yes, "send to", "send "+name+" to it, stopping at "+opts.capText()); err != nil {
		return err
	}
	opts.confirmed = true
	return nil
}
