package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/hooklimit/hooklimit/internal/bounded"
	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/signing"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// httpFlags are run's options for a real webhook URL (--target).
type httpFlags struct {
	headers       []string
	method        string
	timeout       time.Duration
	maxInFlight   int
	body          string
	eventIDHeader string
	signSecretEnv string
	drain         time.Duration
	tolerance     time.Duration
}

// register defines the flags of a run against --target on f; errOut gets
// the notice of a deprecated name.
func (h *httpFlags) register(f *pflag.FlagSet, errOut io.Writer) {
	f.StringArrayVarP(&h.headers, "header", "H", nil, "a request header 'Name: value' for --target (repeatable; values are never printed or recorded)")
	f.StringVar(&h.method, "method", probe.DefaultHTTPMethod, "HTTP method for --target")
	durationVar(f, &h.timeout, "timeout", probe.DefaultHTTPTimeout, "per-attempt timeout for --target, connecting included")
	f.IntVar(&h.maxInFlight, "max-in-flight", probe.DefaultMaxInFlight, "requests in flight at most for --target; more wait, and count as late")
	f.StringVar(&h.body, "body", "", "body template for --target: text, or @FILE; fields {{.ID}} {{.Seq}} {{.Key}} {{.Time}} {{.Unix}} {{.Attempt}} (default: a small JSON event)")
	f.StringVar(&h.eventIDHeader, "id-header", probe.DefaultEventIDHeader, "header carrying each event's id for --target")
	deprecatedAlias(f, "id-header", "event-id-header", errOut)
	f.StringVar(&h.signSecretEnv, "sign-secret-env", "", "sign requests per Standard Webhooks with the secret (whsec_...) in this environment variable")
	durationVar(f, &h.drain, "drain", time.Minute, "for --target: how long after the last event retries are still made")
	durationVar(f, &h.tolerance, "late-after", probe.DefaultLateTolerance, "for --target: an attempt sent this much after it was due counts as late")
}

// targetOnly are the flags that only a run against --target uses.
var targetOnly = []string{"header", "method", "timeout", "max-in-flight", "body", "id-header", "event-id-header", "sign-secret-env", "drain", "late-after"}

// check rejects values no run can use, and flags for --target given to a
// run against the simulator, which would ignore them without a word.
func (h *httpFlags) check(f *pflag.FlagSet, hasTarget bool) error {
	if !hasTarget {
		for _, name := range targetOnly {
			if f != nil && f.Changed(name) {
				return &exitcode.InputError{File: "flag --" + name, Msg: "only applies to a run against --target URL (or a plan's target); the simulator does not send HTTP requests"}
			}
		}
		return nil
	}
	switch {
	case h.maxInFlight < 1:
		return &exitcode.InputError{File: "flag --max-in-flight", Msg: fmt.Sprintf("must be 1 or more, not %d", h.maxInFlight)}
	case h.tolerance < 0:
		return &exitcode.InputError{File: "flag --late-after", Msg: fmt.Sprintf("must be 0 or more, not %s", h.tolerance)}
	case h.timeout <= 0:
		return &exitcode.InputError{File: "flag --timeout", Msg: fmt.Sprintf("must be more than 0, not %s", h.timeout)}
	case h.drain < 0:
		return &exitcode.InputError{File: "flag --drain", Msg: fmt.Sprintf("must be 0 or more, not %s", h.drain)}
	}
	return nil
}

// target checks run's options for target and returns the HTTP target
// they describe, its run id and clock still to be set.
func (h *httpFlags) target(opts *runOptions, target string) (*probe.HTTPTarget, error) {
	if err := checkTarget(target); err != nil {
		return nil, err
	}
	header, err := parseHeaders(h.headers)
	if err != nil {
		return nil, err
	}
	if h.eventIDHeader != "" && !probe.ValidToken(h.eventIDHeader) {
		return nil, &exitcode.InputError{File: "flag --id-header", Msg: "want a header name: letters, digits and !#$%&'*+-.^_`|~"}
	}
	tgt := &probe.HTTPTarget{
		URL: target, Method: h.method, Timeout: h.timeout, MaxInFlight: h.maxInFlight,
		Header: header, EventIDHeader: h.eventIDHeader, Drain: h.drain, Clock: opts.clock,
	}
	if opts.transport != nil {
		tgt.Client = &http.Client{Transport: opts.transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if h.body != "" {
		file, text := "flag --body", h.body
		if name, ok := strings.CutPrefix(h.body, "@"); ok {
			data, err := bounded.ReadFile(opts.IO.Dir, name, "body template", bounded.MaxConfigFile)
			if err != nil {
				return nil, err
			}
			file, text = name, string(data)
		}
		if tgt.Body, err = probe.ParseBody(file, text, 0); err != nil {
			return nil, err
		}
	}
	if h.signSecretEnv != "" {
		secret, ok := opts.lookupEnv(h.signSecretEnv)
		if !ok || secret == "" {
			return nil, &exitcode.InputError{File: "flag --sign-secret-env", Msg: fmt.Sprintf("environment variable %s is not set", h.signSecretEnv)}
		}
		if tgt.Signer, err = signing.NewSigner(secret); err != nil {
			// The message must not quote the secret.
			return nil, &exitcode.InputError{File: "flag --sign-secret-env", Msg: fmt.Sprintf("%s does not hold a Standard Webhooks secret (whsec_ followed by base64)", h.signSecretEnv)}
		}
	}
	return tgt, nil
}

// run sends the scenario to tgt (from target) in real time, as run
// runID. It reports whether the run was interrupted.
func (h *httpFlags) run(ctx context.Context, opts *runOptions, tgt *probe.HTTPTarget, src scenarios.Source, runID string, pol retry.Policy, sender probe.Sender, obs probe.Observer) (probe.Stats, error) {
	// A load generator's heap is small and short-lived: collecting less
	// often keeps GC pauses from delaying sends (they would count as late).
	// GOGC set by the user wins.
	if gogc, _ := opts.lookupEnv("GOGC"); gogc == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	tgt.RunID = runID
	eng := &probe.Engine{Source: src, Policy: pol, Sender: sender, Lanes: opts.lanes, Seed: opts.Seed, Observer: obs, Tolerance: h.tolerance, Target: tgt}
	opts.caps().Apply(eng)
	return eng.Run(ctx)
}

// checkTarget accepts an http or https URL with a host.
func checkTarget(target string) error {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		msg := "want an http:// or https:// URL, such as http://127.0.0.1:8080/hooks/t1"
		if !strings.Contains(target, "://") {
			msg += " (the scheme is missing: put http:// in front)"
		}
		return &exitcode.InputError{File: "flag --target", Msg: msg}
	}
	return nil
}

// parseHeaders reads --header values of the form "Name: value". The name
// must be an RFC 9110 token and the value must hold no control character
// but a tab: a header that cannot be sent would make every attempt fail.
// Errors name the flag and which value is wrong, never the value itself,
// which may be a secret.
func parseHeaders(values []string) (http.Header, error) {
	h := http.Header{}
	for i, v := range values {
		bad := func(msg string) error {
			return &exitcode.InputError{File: "flag --header", Field: fmt.Sprintf("value %d", i+1), Msg: msg}
		}
		name, value, ok := strings.Cut(v, ":")
		name = strings.TrimSpace(name)
		switch {
		case !ok || name == "":
			return nil, bad("want 'Name: value' (a header name, a colon, then the value on one line)")
		case !probe.ValidToken(name):
			return nil, bad("the header name must be a token: letters, digits and !#$%&'*+-.^_`|~, no space, no control character")
		case !probe.ValidHeaderValue(value):
			return nil, bad("the header value holds a control character (only tab is allowed; no CR, LF or NUL)")
		}
		h.Add(name, strings.Trim(value, " \t"))
	}
	return h, nil
}
