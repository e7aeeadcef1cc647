package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/internal/redact"
	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/discover"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/render"
	"github.com/hooklimit/hooklimit/report/results"
)

// probeOptions holds the probe command's dependencies and flags.
type probeOptions struct {
	Quiet bool
	IO    *IOStreams
	Now   func() time.Time

	Target      string
	Profile     string
	MaxRequests int
	MaxDuration time.Duration
	InFlight    int
	Bytes       string
	Tolerance   float64
	Headers     []string
	Method      string
	Timeout     time.Duration
	DryRun      bool
	Yes         bool
	Format      *FormatFlag
	Out         string
	// WriteProfile names the file the inferred profile goes to; "-" is
	// standard output, and the report then goes to standard error.
	WriteProfile string
	// Also is another URL of the same endpoint (another key or path),
	// for the scope step.
	Also string

	// sender and clock replace the HTTP sender and the system clock in
	// tests; transport, when set, carries the HTTP sender's requests.
	sender    discover.Sender
	clock     probe.Clock
	transport http.RoundTripper
	// create creates the --out file.
	create func(name string) (io.WriteCloser, error)
}

func newProbeCmd(d *Deps) *cobra.Command {
	opts := &probeOptions{IO: d.IO, Now: d.Now, transport: d.Transport, clock: d.Clock, create: d.Create, Format: NewFormatFlag(FormatTable, "junit")}
	cmd := &cobra.Command{
		Use:   "probe URL [flags]",
		Short: "Discover the limits a live endpoint enforces and check its 429s and Retry-After",
		Long: `Discover what rate limits a live webhook endpoint really enforces, and whether
its rate-limit answers are right, by sending it requests step by step:

  1. one request, to read the advertised limits (RateLimit-Policy and
     RateLimit, X-RateLimit-*, X-Rate-Limit-*, Retry-After);
  2. a burst, back to back, until the first 429: the burst capacity;
  3. a wait of exactly the Retry-After given, then one request, which must be
     admitted (and, where that is safe, one clearly before, which must not);
  4. steady rates around the threshold (bisection): the sustainable rate;
  5. with --bytes SIZE, large bodies under that rate until a 429: the byte
     burst;
  6. just under that rate until a long Retry-After: a longer window.

The limits found are shown beside the advertised headers and beside the
documented --profile, with how each was found (measured, read from
Retry-After or from the headers, or not determined within the caps), then the
findings: a 429 without Retry-After, an unparseable or wrong Retry-After,
Remaining that does not fall, an inconsistent Reset, 503 used for rate
limiting.

Safety: --max-requests and --max-duration are hard caps; the plan is printed
(to stderr) before anything is sent, and --dry-run prints only the plan; a
target that is not loopback needs a confirmation, or --yes. Header values are
never printed or recorded. Probe only endpoints you are allowed to load.

The exit code is 0 when the inferred limits match the profile within
--tolerance and no finding is an error, 1 otherwise, 2 for usage errors, 3
when the target is unreachable, 130 when interrupted (what was measured is
still reported).`,
		Example: `  hooklimit probe http://127.0.0.1:8080/hooks/t1 --profile rewst --max-requests 3000 --max-duration 90s --format json
  hooklimit probe http://127.0.0.1:8080/hooks/t1 --dry-run
  hooklimit probe https://staging.example.test/hooks/t1 -H 'Authorization: Bearer ...' --profile workato --bytes 1MB --yes`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			return runProbe(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Profile, "profile", "p", "", "the documented limits to compare with: a built-in name or a profile file (default: none, findings only)")
	f.IntVar(&opts.MaxRequests, "max-requests", discover.DefaultProbeMaxRequests, "hard cap on the requests sent")
	durationVar(f, &opts.MaxDuration, "max-duration", discover.DefaultProbeMaxDuration, "hard cap on the time spent sending")
	f.IntVar(&opts.InFlight, "concurrency", discover.DefaultProbeInFlight, "requests the probe keeps in flight while it pushes a limit: how hard it pushes (run's --max-in-flight only caps a schedule)")
	deprecatedAlias(f, "concurrency", "max-in-flight", d.IO.ErrOut)
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, quietUsage)
	f.StringVar(&opts.Bytes, "bytes", "", "also probe byte limits with bodies of this size, e.g. 1MB (default: no byte step)")
	f.Float64Var(&opts.Tolerance, "tolerance", report.DefaultProbeTolerance, "how far an inferred limit may be from the documented one and still match, as a fraction")
	f.StringArrayVarP(&opts.Headers, "header", "H", nil, "a request header 'Name: value' (repeatable; values are never printed or recorded)")
	f.StringVar(&opts.Method, "method", probe.DefaultHTTPMethod, "HTTP method of the probe requests")
	durationVar(f, &opts.Timeout, "timeout", probe.DefaultHTTPTimeout, "per-request timeout, connecting included")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print the plan and send nothing")
	f.BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation before probing a target that is not loopback")
	f.StringVar(&opts.Out, "out", "", "write every request and the result to this JSON Lines file")
	f.StringVar(&opts.Also, "also", "", "another URL of the same endpoint (another key or path): the scope step tells whether it shares the probed URL's limit (default: no scope step)")
	f.StringVar(&opts.WriteProfile, "write-profile", "", "write the inferred limiter as a profile file (YAML) that check, run and serve read ('-': standard output, the report then going to standard error)")
	registerFormatFlag(cmd, opts.Format)
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfileFlag)
	return cmd
}

func runProbe(ctx context.Context, opts *probeOptions) error {
	o, meta, err := opts.discoverOptions()
	if err != nil {
		return err
	}
	target := redact.URL(opts.Target)
	if opts.Also != "" {
		also, err := opts.alsoSender(o.headers, o.InFlight)
		if err != nil {
			return err
		}
		defer also.Close()
		o.Also = also
	}
	steps := discover.Plan(o.DiscoverOptions)
	planOut := opts.IO.ErrOut
	if opts.DryRun {
		planOut = opts.IO.Out
	}
	if opts.Quiet && !opts.DryRun {
		planOut = io.Discard
	}
	if err := render.WriteProbePlan(planOut, target, meta.profileName(), steps, o.MaxRequests, o.MaxDuration); err != nil {
		return exitcode.New(exitcode.Runtime, err)
	}
	if opts.DryRun {
		return nil
	}
	if err := opts.confirm(); err != nil {
		return err
	}
	if opts.sender == nil {
		s, err := probe.NewHTTPSender(opts.Target, opts.Method, o.headers, opts.Timeout, o.InFlight)
		if err != nil {
			return err
		}
		defer s.Close()
		if opts.transport != nil {
			s.SetTransport(opts.transport)
		}
		opts.sender = s
	}
	o.Sender, o.Clock = opts.sender, opts.clock
	var rw *results.Writer
	if opts.Out != "" {
		f, err := opts.create(opts.Out)
		if err != nil {
			return exitcode.Runtimef("cannot write results: %v", err)
		}
		defer f.Close()
		lw, done := opts.IO.resultsFile(f)
		defer done()
		defer lw.Close()
		rw = results.NewWriter(lw)
		o.OnRequest = rw.ProbeRequest
	}
	prog := newProgress(opts.IO, false, "probe "+target, probeTracker(steps, o.MaxRequests, o.MaxDuration, opts.Now()), opts.Now)
	o.OnRequest = prog.onRequest(o.OnRequest)
	d, err := discover.Discover(ctx, o.DiscoverOptions)
	prog.wait()
	if err != nil && ctx.Err() == nil {
		if rw != nil {
			_ = rw.Close()
		}
		return err
	}
	res := report.NewProbeResult(d, meta.ProbeMeta)
	if rw != nil {
		if err := rw.Result(res); err != nil {
			return exitcode.Runtimef("cannot write results: %v", err)
		}
	}
	reportOut := opts.IO.Out
	if opts.WriteProfile == "-" {
		reportOut = opts.IO.ErrOut
	}
	if err := render.Write(reportOut, res, render.Format(opts.Format.String()), render.Width(opts.IO.Width)); err != nil {
		return exitcode.New(exitcode.Runtime, err)
	}
	if err := opts.writeProfile(res); err != nil {
		return err
	}
	switch {
	case ctx.Err() != nil:
		return exitcode.New(exitcode.Interrupted, errors.New("interrupted: the results above are what was measured"))
	case res.Verdict != report.VerdictPass:
		return exitcode.New(exitcode.Fail, nil)
	}
	return nil
}

// probeRun is the discovery's options with the parsed headers.
type probeRun struct {
	discover.DiscoverOptions
	headers http.Header
}

// probeMeta is the result's description with the profile's name.
type probeMeta struct{ report.ProbeMeta }

func (m probeMeta) profileName() string {
	if m.Profile == nil {
		return ""
	}
	return m.Profile.Name
}

// discoverOptions validates the flags and turns them into the options of
// the discovery and of its result.
func (opts *probeOptions) discoverOptions() (probeRun, probeMeta, error) {
	var o probeRun
	var meta probeMeta
	u, err := url.Parse(opts.Target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return o, meta, &exitcode.InputError{File: "argument URL", Msg: "want an http:// or https:// URL, such as http://127.0.0.1:8080/hooks/t1"}
	}
	switch {
	case opts.MaxRequests <= 0:
		return o, meta, &exitcode.InputError{File: "flag --max-requests", Msg: "must be positive"}
	case opts.MaxDuration <= 0:
		return o, meta, &exitcode.InputError{File: "flag --max-duration", Msg: "must be positive"}
	case opts.InFlight <= 0:
		return o, meta, &exitcode.InputError{File: "flag --concurrency", Msg: "must be positive"}
	case opts.Tolerance < 0 || opts.Tolerance >= 1:
		return o, meta, &exitcode.InputError{File: "flag --tolerance", Msg: "want a fraction from 0 to 1, such as 0.1"}
	}
	if o.headers, err = parseHeaders(opts.Headers); err != nil {
		return o, meta, err
	}
	o.MaxRequests, o.MaxDuration, o.InFlight = opts.MaxRequests, opts.MaxDuration, opts.InFlight
	if opts.Bytes != "" {
		if o.ByteSize, err = units.ParseSize(opts.Bytes); err != nil || o.ByteSize <= 0 {
			return o, meta, &exitcode.InputError{File: "flag --bytes", Msg: "want a positive size such as 64KB or 1MB"}
		}
	}
	meta.Target, meta.MaxRequests, meta.MaxDuration, meta.Tolerance = redact.URL(opts.Target), o.MaxRequests, o.MaxDuration, opts.Tolerance
	if opts.Profile != "" {
		p, err := loadProfile(opts.IO, opts.Profile)
		if err != nil {
			return o, meta, err
		}
		meta.Profile = p
		o.CountRejected = p.CountRejected
		o.ExpectRetryAfter = p.SendsRetryAfter()
	}
	return o, meta, nil
}

// confirm asks before probing a target that is not loopback, unless --yes.
func (opts *probeOptions) confirm() error {
	return confirmSend(opts.IO, opts.Target, opts.Yes, "probe", fmt.Sprintf("send up to %s requests to it within %s", numfmt.WithCommas(int64(opts.MaxRequests)), units.FormatDuration(opts.MaxDuration)))
}

// writeProfile writes the inferred profile to --write-profile, when
// given. A probe that inferred no limit has no profile to give: that
// fails (exit 1), since the file asked for is not written.
func (opts *probeOptions) writeProfile(res *report.ProbeResult) error {
	if opts.WriteProfile == "" {
		return nil
	}
	if len(res.Inferred) == 0 {
		return exitcode.New(exitcode.Fail, errors.New("no profile written: the probe inferred no limit within its caps (raise --max-requests or --max-duration)"))
	}
	if opts.WriteProfile == "-" {
		if err := report.WriteProbeProfile(opts.IO.Out, res, opts.Now()); err != nil {
			return exitcode.New(exitcode.Runtime, err)
		}
		return nil
	}
	f, err := opts.create(opts.WriteProfile)
	if err != nil {
		return exitcode.Runtimef("cannot write the profile: %v", err)
	}
	if err := report.WriteProbeProfile(f, res, opts.Now()); err != nil {
		f.Close()
		return exitcode.Runtimef("cannot write the profile: %v", err)
	}
	if err := f.Close(); err != nil {
		return exitcode.Runtimef("cannot write the profile: %v", err)
	}
	return nil
}

// alsoSender returns the sender of the scope step's requests to --also,
// which must be on the probed URL's host: the scope of a limit is within
// one endpoint, and the confirmation asked for covers that host only.
func (opts *probeOptions) alsoSender(headers http.Header, inFlight int) (*probe.HTTPSender, error) {
	a, errA := url.Parse(opts.Also)
	t, errT := url.Parse(opts.Target)
	if errA != nil || errT != nil || a.Host == "" || a.Scheme != t.Scheme || a.Host != t.Host {
		return nil, exitcode.Usagef("--also %s: give another URL of the probed endpoint, with its scheme and host (%s), for example %s://%s/hooks/t2", redact.URL(opts.Also), redact.URL(opts.Target), t.Scheme, t.Host)
	}
	s, err := probe.NewHTTPSender(opts.Also, opts.Method, headers, opts.Timeout, inFlight)
	if err != nil {
		return nil, err
	}
	if opts.transport != nil {
		s.SetTransport(opts.transport)
	}
	return s, nil
}
