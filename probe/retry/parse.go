package retry

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/units"
)

// retryFlag names the input ParsePolicy errors point to.
const retryFlag = "flag --retry"

// ParsePolicy reads a retry policy spec, as given to --retry or in a plan
// file: a policy name, then comma-separated NAME=VALUE parameters in any
// order. Parameters left out take their defaults (see Policies).
//
//	none
//	immediate,max=3
//	fixed,delay=2s,max=5
//	exponential,base=1s,max=7,cap=5m,jitter=full
//	retry-after,max-wait=10m,fallback=(fixed,delay=2s,max=5),giveup=1h
//	outboundsync
//	svix,giveup=1d
//
// Names, parameter names and jitter modes are not case sensitive, and
// spaces around the commas and the "=" are ignored. Durations are read by
// units.ParseDuration ("500ms", "1m30s", "1d") and may not exceed 365 days;
// max is a whole number from 0 to MaxRetries.
//
// Every policy takes giveup=DURATION, which wraps it in a GiveUp. The
// fallback of retry-after is a policy name, or a whole spec in parentheses;
// a giveup inside the parentheses bounds the fallback only.
//
// An error is an *exitcode.InputError whose File is "flag --retry" and whose
// Field is the parameter at fault ("fallback.base" inside a fallback, and
// "policy" for the name); its message says what was expected and which
// parameters the policy takes. A plan file reader may set File and Line to
// point into the plan. ParsePolicy never panics.
func ParsePolicy(s string) (Policy, error) {
	return parsePolicy(s, "", false)
}

// parsePolicy parses one spec. prefix is put before field names in errors;
// nested is true for a fallback, which may not itself be retry-after.
func parsePolicy(s, prefix string, nested bool) (Policy, error) {
	parts, err := splitTop(s)
	if err != nil {
		return nil, specError(prefix+"policy", err.Error())
	}
	name := strings.ToLower(strings.TrimSpace(parts[0]))
	if name == "" {
		return nil, specError(prefix+"policy", "missing policy name; want one of "+policyNames())
	}
	def, ok := lookupPolicy(name)
	if !ok {
		return nil, specError(prefix+"policy", fmt.Sprintf("unknown policy %q; want one of %s", name, policyNames()))
	}
	if nested && name == "retry-after" {
		return nil, specError(prefix+"policy", "retry-after cannot be its own fallback; want one of "+policyNames())
	}
	a := &args{def: def, prefix: prefix, vals: map[string]string{}}
	giveup := ""
	for _, part := range parts[1:] {
		key, val, ok := strings.Cut(part, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		switch {
		case key == "" && !ok:
			return nil, specError(prefix+"policy", "empty parameter (a stray comma?); "+a.valid())
		case !ok || val == "":
			return nil, specError(prefix+key, "missing value; want "+key+"=VALUE")
		case key != "giveup" && a.param(key) == nil:
			return nil, specError(prefix+key, fmt.Sprintf("unknown parameter %q; %s", key, a.valid()))
		case a.vals[key] != "" || (key == "giveup" && giveup != ""):
			return nil, specError(prefix+key, "given twice")
		case key == "giveup":
			giveup = val
		default:
			a.vals[key] = val
		}
	}
	for _, p := range def.info.Params {
		if _, given := a.vals[p.Name]; !given && p.Default != "" {
			a.vals[p.Name] = p.Default
		}
	}
	pol := def.build(a)
	if giveup != "" {
		a.vals["giveup"] = giveup
		pol = GiveUp{Policy: pol, After: a.duration("giveup", true)}
	}
	if a.err != nil {
		return nil, a.err
	}
	return pol, nil
}

// SplitPolicies splits a list of policy specs, as --compare-retry takes
// it, into the specs: a comma-separated token with no "=" starts a new
// policy, one with "=" is a parameter of the policy before it, and commas
// inside parentheses belong to a fallback. Tokens are trimmed of spaces and
// empty ones dropped, so
//
//	none,exponential,base=2s,retry-after,fallback=(fixed,delay=1s)
//
// is none; exponential,base=2s; retry-after,fallback=(fixed,delay=1s).
// SplitPolicies checks nothing: ParsePolicy reports what is wrong with a
// spec.
func SplitPolicies(s string) []string {
	var out []string
	tokens, _ := splitTop(s)
	for _, t := range tokens {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if strings.Contains(t, "=") && len(out) > 0 {
			out[len(out)-1] += "," + t
			continue
		}
		out = append(out, t)
	}
	return out
}

// splitTop splits s at the commas outside parentheses. It returns every
// part, and an error when the parentheses do not balance: after a ) with
// no (, no comma splits until a ( makes up for it.
func splitTop(s string) (parts []string, err error) {
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth < 0 && err == nil {
				err = fmt.Errorf("unbalanced parentheses: %q has a ) with no (", s)
			}
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	if depth > 0 && err == nil {
		err = fmt.Errorf("unbalanced parentheses: %q has a ( with no )", s)
	}
	return append(parts, s[start:]), err
}

// args holds the parameter values of one spec, defaults filled in, while a
// policy is built from them. Its getters record the first error in err
// and return a zero value after one.
type args struct {
	def    *policyDef
	prefix string
	vals   map[string]string
	err    error
}

// param returns the definition of the parameter called name, or nil.
func (a *args) param(name string) *ParamInfo {
	for i := range a.def.info.Params {
		if a.def.info.Params[i].Name == name {
			return &a.def.info.Params[i]
		}
	}
	return nil
}

// valid lists the parameters the policy takes, for error messages.
func (a *args) valid() string {
	names := make([]string, 0, len(a.def.info.Params)+1)
	for _, p := range a.def.info.Params {
		names = append(names, p.Name)
	}
	names = append(names, giveupParam.Name)
	if len(names) == 1 {
		return a.def.info.Name + " takes only giveup"
	}
	return a.def.info.Name + " takes " + strings.Join(names, ", ")
}

// fail records a problem with the parameter name, unless one was recorded.
func (a *args) fail(name, msg string) {
	if a.err == nil {
		a.err = specError(a.prefix+name, msg)
	}
}

// count returns a number of retries.
func (a *args) count(name string) int {
	v := a.vals[name]
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > MaxRetries {
		a.fail(name, fmt.Sprintf("cannot use %q as a number of retries; want a whole number from 0 to %d", v, MaxRetries))
		return 0
	}
	return n
}

// duration returns a duration from 0 (or 1ns when positive) to 365 days;
// an unset optional parameter is 0.
func (a *args) duration(name string, positive bool) time.Duration {
	v, ok := a.vals[name]
	if !ok {
		return 0
	}
	want := "a duration from 0 to 365d, e.g. 500ms, 2s, 5m"
	if positive {
		want = "a positive duration up to 365d, e.g. 500ms, 2s, 5m"
	}
	d, err := units.ParseDuration(v)
	if err != nil || d < 0 || (positive && d == 0) || d > maxSpecDays*units.Day {
		a.fail(name, fmt.Sprintf("cannot use %q; want %s", v, want))
		return 0
	}
	return d
}

// jitter returns a jitter mode.
func (a *args) jitter(name string) Jitter {
	v := strings.ToLower(a.vals[name])
	for _, j := range jitters {
		if v == string(j) {
			return j
		}
	}
	a.fail(name, fmt.Sprintf("unknown jitter %q; want none, full, equal or decorrelated", a.vals[name]))
	return JitterNone
}

// policy returns a nested policy: a name, or a spec in parentheses.
func (a *args) policy(name string) Policy {
	v := a.vals[name]
	if inner, ok := strings.CutPrefix(v, "("); ok {
		inner, ok = strings.CutSuffix(inner, ")")
		if !ok {
			a.fail(name, fmt.Sprintf("cannot use %q; a spec in parentheses must end with )", v))
			return nil
		}
		v = inner
	} else if !isBareName(v) {
		a.fail(name, fmt.Sprintf("cannot use %q; put a spec with parameters in parentheses", v))
		return nil
	}
	p, err := parsePolicy(v, a.prefix+name+".", true)
	if err != nil && a.err == nil {
		a.err = err
	}
	return p
}

// specError returns the InputError for a problem with field.
func specError(field, msg string) *exitcode.InputError {
	return &exitcode.InputError{File: retryFlag, Field: field, Msg: msg}
}

// policyNames lists the policy names for error messages.
func policyNames() string {
	names := make([]string, len(policyDefs))
	for i, d := range policyDefs {
		names[i] = d.info.Name
	}
	return strings.Join(names, ", ")
}
