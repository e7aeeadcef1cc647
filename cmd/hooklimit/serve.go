package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/receiver"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/render"
	"github.com/hooklimit/hooklimit/report/results"
)

// serveOptions holds the serve command's dependencies and flags.
type serveOptions struct {
	Quiet  bool
	IO     *IOStreams
	Now    func() time.Time
	Getenv func(string) string

	Profile         string
	Listen          string
	Duration        time.Duration
	Key             string
	Workspace       string
	Headers         string
	MaxBody         string
	Latency         string
	ErrorRate       string
	ErrorStatus     int
	Seed            uint64
	Verify          string
	VerifySecretEnv string
	VerifyTolerance time.Duration
	AdminTokenEnv   string
	IDHeaders       []string
	IDFields        []string
	IDHash          bool
	GiveUpAfter     time.Duration
	EventTTL        time.Duration
	MaxEvents       int
	Format          *FormatFlag
	Out             string
	Thresholds      []string
	Exclude         []string

	// create creates the --out file.
	create func(name string) (io.WriteCloser, error)
	// ready, when set, is called with the URL once the server listens;
	// stop, when closed, ends the session as --duration does; listen
	// opens the listener (Deps.Listen). Tests use them.
	ready  func(url string)
	stop   <-chan struct{}
	listen func(network, address string) (net.Listener, error)
}

// newServeCmd returns the serve command. hook, when not nil, is called
// with the options before each run: tests set the ready and stop hooks.
func newServeCmd(d *Deps, hook func(*serveOptions)) *cobra.Command {
	opts := &serveOptions{IO: d.IO, Now: d.Now, Getenv: d.Getenv, create: d.Create, listen: d.Listen, Format: NewFormatFlag(FormatTable, "junit")}
	cmd := &cobra.Command{
		Use:   "serve [flags]",
		Short: "Stand in for a webhook receiver: enforce a profile and judge the sender",
		Long: `Stand in for a webhook receiver that enforces a profile's limits, and judge
the sender that talks to it: does it stay under the limits, and does it
honor Retry-After? Point a real PSA, integration or script at the URL serve
prints first.

Any path is a webhook. The partition key comes from the path (by default its
last segment; --key /hooks/{key}, path:N, header:NAME or query:NAME). A
workspace-scoped profile (workato) adds up every key of a workspace; say
where the workspace comes from with --workspace, in the same forms, else all
traffic is one workspace. Admitted
requests get 2xx; rejected ones 429 with the profile's headers and body.
Events are followed across retries by an id header (webhook-id, svix-id,
X-Event-Id, X-GitHub-Delivery... see --id-header), else a top-level JSON body
field (eventId, id, event_id), else the hash of the body. One event is one
id on one partition key from one sender: the X-Hooklimit-Run header (the run
id hooklimit run sends) keeps separate senders' events apart.

Behind the limits, serve can act like a real application: --latency,
--error-rate (a share of admitted requests answered 5xx), --max-body (413
beyond it) and --verify (Standard Webhooks or an HMAC header; the secret
comes from the environment variable --verify-secret-env names, and is never
printed). No body is kept beyond what the analysis needs, and no header
value is recorded but the event id.

On Ctrl-C, at --duration, or on GET /_hooklimit/report it reports: the
compliance table (peaks per window against the limits, as check), 429s and
Retry-After sent, Retry-After honored, early retries and partition
violations with the smallest slack, the retry schedule observed and the
known policy it resembles, duplicates and events given up. GET
/_hooklimit/stats gives live JSON for a CI job to poll.

The first line of output is the URL served: "hooklimit serve: listening on
URL". With --format json or junit standard output holds the result alone, one
document: the URL goes to standard error (a line {"type":"listening",
"url":...} with --format json). The exit code is 0 when what was
sent stayed under every limit and every --threshold held, 1 when not (or when
no webhook request came, or the sender gave up on an event and no threshold
on given_up accepts it), 2 for bad flags, 3 when serve cannot listen, 130
when interrupted (the report is still printed and written).`,
		Example: `  hooklimit serve --profile rewst --listen 127.0.0.1:8080
  hooklimit serve --profile workato --listen 127.0.0.1:0 --duration 60s --format json --out serve.jsonl
  hooklimit serve --key /hooks/{key} --latency 20ms-80ms --error-rate 1% --threshold 'retry_after_early==0'
  WEBHOOK_SECRET=whsec_... hooklimit serve --verify standard-webhooks --verify-secret-env WEBHOOK_SECRET
  curl -s http://127.0.0.1:8080/_hooklimit/stats`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if hook != nil {
				hook(opts)
			}
			return runServe(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Profile, "profile", "p", "rewst", "the limits to enforce: a built-in name or a profile file")
	f.StringVar(&opts.Listen, "listen", "127.0.0.1:8080", "the address to listen on; port 0 picks a free port")
	durationVar(f, &opts.Duration, "duration", 0, "stop and report after this long (default: at Ctrl-C)")
	f.StringVar(&opts.Key, "key-from", "path", "where the partition key comes from: path, path:N, /prefix/{key}, header:NAME or query:NAME")
	f.StringVar(&opts.Workspace, "workspace", "", "where the workspace comes from, for workspace-scoped profiles such as workato (the environment for environment-scoped ones such as workato@r3), in the forms of --key-from, e.g. header:X-Workspace or /w/{key}/hooks (default: all traffic is one workspace)")
	f.StringVar(&opts.Headers, "header-dialect", "", "header dialects to speak, comma-separated (default: the profile's), e.g. workato,ietf")
	f.StringVar(&opts.MaxBody, "max-body", "", "answer 413 to a body longer than this, e.g. 256KiB (default: 1 MiB plus the largest byte limit)")
	f.StringVar(&opts.Latency, "latency", "", "latency added before answering an admitted request: a duration or a range, e.g. 20ms or 10ms-50ms")
	f.StringVar(&opts.ErrorRate, "error-rate", "", "share of admitted requests answered with --error-status, e.g. 5% or 0.05")
	f.IntVar(&opts.ErrorStatus, "error-status", receiver.DefaultErrorStatus, "the 5xx status of --error-rate")
	f.Uint64Var(&opts.Seed, "seed", 1, "seed for which requests fail and their latency")
	f.StringVar(&opts.Verify, "verify", "", "check signatures of admitted requests, 401 when wrong: standard-webhooks or hmac:HEADER")
	f.StringVar(&opts.VerifySecretEnv, "verify-secret-env", "", "the environment variable that holds the signing secret (never printed)")
	f.StringVar(&opts.AdminTokenEnv, "admin-token-env", "", "the environment variable that holds a token the admin endpoints (/_hooklimit/stats, /_hooklimit/report) require as Authorization: Bearer (never printed)")
	durationVar(f, &opts.VerifyTolerance, "verify-tolerance", 0, "standard-webhooks: how far webhook-timestamp may be from now (default 5m)")
	f.StringArrayVar(&opts.IDHeaders, "id-header", nil, "a header carrying the event id, tried in order (repeatable; default "+strings.Join(receiver.DefaultIDHeaders, ", ")+"; none for none)")
	f.StringArrayVar(&opts.IDFields, "id-field", nil, "a top-level JSON body field carrying the event id (repeatable; default "+strings.Join(receiver.DefaultIDFields, ", ")+"; none for none)")
	f.BoolVar(&opts.IDHash, "id-hash", true, "without an id, follow events by the hash of the body (--id-hash=false: every such request is an event)")
	durationVar(f, &opts.GiveUpAfter, "giveup-after", session.DefaultGiveUpAfter, "an event rejected and not sent again this long after its Retry-After is given up")
	durationVar(f, &opts.EventTTL, "event-ttl", session.DefaultEventTTL, "how long an event id is remembered after its latest attempt")
	f.IntVar(&opts.MaxEvents, "max-events", session.DefaultMaxEvents, "the most event ids remembered at once")
	registerFormatFlag(cmd, opts.Format)
	f.StringVar(&opts.Out, "out", "", "write every request (no body, no header) and the result to this JSON Lines file")
	f.StringArrayVar(&opts.Thresholds, "threshold", nil, "a condition that must hold, e.g. 'retry_after_early==0' or '429_rate<1%' (repeatable)")
	f.StringSliceVar(&opts.Exclude, "exclude-limit", nil, excludeLimitUsage)
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, quietUsage+"; without the line saying where it listens")
	deprecatedAlias(f, "key-from", "key", d.IO.ErrOut)
	deprecatedAlias(f, "header-dialect", "headers", d.IO.ErrOut)
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfileFlag)
	registerServeCompletions(cmd)
	return cmd
}

// serveSetup is everything a session needs, checked before it listens.
type serveSetup struct {
	profile *limitsim.Profile
	ropt    receiver.Options
	sopt    session.Options
}

func (opts *serveOptions) setup() (*serveSetup, error) {
	p, err := loadProfile(opts.IO, opts.Profile)
	if err != nil {
		return nil, err
	}
	if p, err = excludeLimit(p, opts.Exclude); err != nil {
		return nil, err
	}
	var ths []report.Threshold
	for _, s := range opts.Thresholds {
		t, err := report.ParseThreshold(s)
		if err == nil {
			err = t.Validate(report.ServeMetrics)
		}
		if err != nil {
			return nil, err
		}
		ths = append(ths, t)
	}
	key, err := limitsim.ParseKeySource(opts.Key)
	if err != nil {
		return nil, flagErr("key-from", err.Error())
	}
	var ws *limitsim.KeySource
	if opts.Workspace != "" {
		w, err := limitsim.ParseKeySource(opts.Workspace)
		if err != nil {
			return nil, flagErr("workspace", err.Error())
		}
		ws = &w
	}
	ro := receiver.Options{Profile: p, Key: key, Workspace: ws, Now: opts.Now, ErrorStatus: opts.ErrorStatus, Seed: opts.Seed, NoIDHash: !opts.IDHash}
	if opts.Headers != "" {
		if _, err := limitsim.Dialects(opts.Headers); err != nil {
			return nil, flagErr("header-dialect", err.Error())
		}
		ro.Dialects = []string{opts.Headers}
	}
	if opts.MaxBody != "" {
		if ro.MaxBody, err = units.ParseSize(opts.MaxBody); err != nil || ro.MaxBody <= 0 {
			return nil, flagErr("max-body", fmt.Sprintf("want a positive size such as 256KiB, not %q", opts.MaxBody))
		}
	}
	if ro.Latency, ro.LatencyMax, err = parseLatency(opts.Latency); err != nil {
		return nil, flagErr("latency", err.Error())
	}
	if ro.ErrorRate, err = parseShare(opts.ErrorRate); err != nil {
		return nil, flagErr("error-rate", err.Error())
	}
	if opts.ErrorStatus < 500 || opts.ErrorStatus > 599 {
		return nil, flagErr("error-status", fmt.Sprintf("want a 5xx status, not %d", opts.ErrorStatus))
	}
	if ro.Verifier, err = opts.verifier(); err != nil {
		return nil, err
	}
	if opts.AdminTokenEnv != "" {
		if ro.AdminToken = opts.Getenv(opts.AdminTokenEnv); ro.AdminToken == "" {
			return nil, flagErr("admin-token-env", fmt.Sprintf("environment variable %s is not set or empty", opts.AdminTokenEnv))
		}
	}
	ro.IDHeaders = noneOr(opts.IDHeaders)
	ro.IDFields = noneOr(opts.IDFields)
	if opts.GiveUpAfter <= 0 || opts.EventTTL <= 0 || opts.MaxEvents <= 0 {
		return nil, exitcode.Usagef("--giveup-after, --event-ttl and --max-events must be positive")
	}
	so := session.Options{GiveUpAfter: opts.GiveUpAfter, EventTTL: opts.EventTTL, MaxEvents: opts.MaxEvents, Thresholds: ths}
	return &serveSetup{profile: p, ropt: ro, sopt: so}, nil
}

// verifier builds --verify from the secret in the environment. No error
// message holds the secret.
func (opts *serveOptions) verifier() (receiver.Verifier, error) {
	switch {
	case opts.Verify == "" && opts.VerifySecretEnv != "":
		return nil, flagErr("verify-secret-env", "needs --verify (standard-webhooks or hmac:HEADER)")
	case opts.Verify == "":
		return nil, nil
	case opts.VerifySecretEnv == "":
		return nil, flagErr("verify", "needs --verify-secret-env NAME, the environment variable that holds the secret")
	}
	secret := opts.Getenv(opts.VerifySecretEnv)
	if secret == "" {
		return nil, flagErr("verify-secret-env", fmt.Sprintf("environment variable %s is not set or empty", opts.VerifySecretEnv))
	}
	v, err := receiver.ParseVerifier(opts.Verify, secret, opts.VerifyTolerance)
	if err != nil {
		return nil, flagErr("verify", err.Error())
	}
	return v, nil
}

func flagErr(name, msg string) error {
	return &exitcode.InputError{File: "flag --" + name, Msg: msg}
}

// noneOr returns nil (the default) for no values, an empty list for
// "none", and the values otherwise.
func noneOr(vals []string) []string {
	switch {
	case len(vals) == 0:
		return nil
	case len(vals) == 1 && strings.EqualFold(vals[0], "none"):
		return []string{}
	}
	return vals
}

// parseLatency reads "20ms" or "10ms-50ms".
func parseLatency(s string) (lo, hi time.Duration, err error) {
	if s == "" {
		return 0, 0, nil
	}
	a, b, isRange := strings.Cut(s, "-")
	if lo, err = units.ParseDuration(a); err != nil {
		return 0, 0, err
	}
	hi = lo
	if isRange {
		if hi, err = units.ParseDuration(b); err != nil {
			return 0, 0, err
		}
	}
	if lo < 0 || hi < lo || hi > time.Minute {
		return 0, 0, fmt.Errorf("%q: want a duration or a range low-high, at most 1m", s)
	}
	return lo, hi, nil
}

// parseShare reads "5%" or "0.05" as a fraction between 0 and 1.
func parseShare(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	t, scale := strings.TrimSpace(s), 1.0
	if v, ok := strings.CutSuffix(t, "%"); ok {
		t, scale = strings.TrimSpace(v), 100
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 || v/scale > 1 || v != v {
		return 0, fmt.Errorf("want a share such as 5%% or 0.05, not %q", s)
	}
	return v / scale, nil
}

// runServe listens, serves until Ctrl-C, --duration or opts.stop, and
// reports on the sender.
func runServe(ctx context.Context, opts *serveOptions) error {
	su, err := opts.setup()
	if err != nil {
		return err
	}
	var rw *results.Writer
	if opts.Out != "" {
		outFile, err := opts.create(opts.Out)
		if err != nil {
			return exitcode.Runtimef("cannot write results: %v", err)
		}
		defer outFile.Close()
		lw, done := opts.IO.resultsFile(outFile)
		defer done()
		defer lw.Close()
		rw = results.NewWriter(lw)
		su.sopt.Log = rw
	}
	rec := session.NewRecorder(su.profile, su.sopt)
	su.ropt.Recorder = rec
	rv, err := receiver.New(su.ropt)
	if err != nil {
		return exitcode.New(exitcode.Usage, err)
	}
	if _, port, err := net.SplitHostPort(opts.Listen); err != nil || !validPort(port) {
		return &exitcode.InputError{File: "flag --listen", Msg: fmt.Sprintf("want HOST:PORT such as 127.0.0.1:8080, the port a number from 0 to 65535 (0 picks a free one), not %q", opts.Listen)}
	}
	ln, err := opts.listen("tcp", opts.Listen)
	if err != nil {
		return exitcode.Runtimef("cannot listen on %s: %v", opts.Listen, unwrapOp(err))
	}
	url := "http://" + ln.Addr().String()
	rv.SetListen(url)
	if rw != nil {
		if err := rw.StartServe(rec, rv.Meta(false)); err != nil {
			return exitcode.Runtimef("cannot write results: %v", err)
		}
	}
	opts.announce(url, su)
	opts.warnExposed(ln.Addr(), su.ropt.AdminToken != "")
	if opts.ready != nil {
		opts.ready(url)
	}

	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if opts.Duration > 0 {
		t := time.AfterFunc(opts.Duration, cancel)
		defer t.Stop()
	}
	if opts.stop != nil {
		go func() {
			select {
			case <-opts.stop:
				cancel()
			case <-sctx.Done():
			}
		}()
	}
	serveErr := rv.Serve(sctx, ln, receiver.ServerOptions{ErrorLog: opts.IO.ErrOut})
	interrupted := ctx.Err() != nil
	res := rv.Result(interrupted)
	if rw != nil {
		if err := rw.Result(res); err != nil {
			return exitcode.Runtimef("cannot write results: %v", err)
		}
	}
	if err := render.Write(opts.IO.Out, res, render.Format(opts.Format.String()), render.Width(opts.IO.Width)); err != nil {
		return exitcode.New(exitcode.Runtime, err)
	}
	switch {
	case serveErr != nil:
		return exitcode.Runtimef("serving %s: %v", url, serveErr)
	case interrupted:
		return exitcode.New(exitcode.Interrupted, errors.New("interrupted: the report covers what was received until then"))
	case res.Verdict != report.VerdictPass:
		return exitcode.New(exitcode.Fail, nil)
	}
	return nil
}

// announce prints the URL first: a line of text on standard output; with
// --format json (a line of JSON) or junit, whose standard output must hold
// one document, on standard error.
func (opts *serveOptions) announce(url string, su *serveSetup) {
	if opts.Quiet {
		return
	}
	desc := fmt.Sprintf("%s, key from %s", su.profile.Name, su.ropt.Key.String())
	switch {
	case su.ropt.Workspace != nil:
		desc += ", workspace from " + su.ropt.Workspace.String()
	case su.profile.Aggregates():
		desc += ", all traffic one workspace"
	}
	switch opts.Format.String() {
	case FormatJSON:
		b, _ := json.Marshal(struct {
			Type    string `json:"type"`
			URL     string `json:"url"`
			Profile string `json:"profile"`
			Key     string `json:"key_source"`
		}{"listening", url, su.profile.Name, su.ropt.Key.String()})
		fmt.Fprintf(opts.IO.ErrOut, "%s\n", b)
	case "junit":
		fmt.Fprintf(opts.IO.ErrOut, "hooklimit serve: listening on %s (%s)\n", url, desc)
	default:
		fmt.Fprintf(opts.IO.Out, "hooklimit serve: listening on %s (%s)\n", url, desc)
		until := "Ctrl-C"
		if opts.Duration > 0 {
			until = units.FormatDuration(opts.Duration) + " or Ctrl-C"
		}
		fmt.Fprintf(opts.IO.Out, "Reporting at %s; live stats at %s/_hooklimit/stats, the report so far at %s/_hooklimit/report?format=table\n\n", until, url, url)
	}
}

// warnExposed warns, on standard error, when serve listens on an address
// other than loopback: anyone who reaches it can send to every key, and
// read the admin endpoints unless --admin-token-env protects them.
func (opts *serveOptions) warnExposed(addr net.Addr, token bool) {
	if a, ok := addr.(*net.TCPAddr); !ok || a.IP.IsLoopback() {
		return
	}
	admin := "and read every key's numbers at /_hooklimit/stats and /_hooklimit/report; bind to 127.0.0.1, or set --admin-token-env to require a token of them"
	if token {
		admin = "and the admin endpoints /_hooklimit/stats and /_hooklimit/report need the token of --admin-token-env"
	}
	fmt.Fprintf(opts.IO.ErrOut, "hooklimit serve: warning: listening on %s, not a loopback address: anyone who can reach it can send requests to every key, %s\n", addr, admin)
}

// unwrapOp drops the "listen tcp ADDR:" prefix of a net error.
func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// validPort reports whether port is a port number, 0 to 65535.
func validPort(port string) bool {
	n, err := strconv.ParseUint(port, 10, 16)
	return err == nil && n <= 65535
}
