package retry

// PolicyInfo describes one retry policy for `hooklimit scenarios`: its
// name, what it does, where its numbers come from and the parameters its
// spec takes. Real senders, with their retry policies, are the presets of
// package senders.
type PolicyInfo struct {
	Name    string      // the name that starts a spec
	Summary string      // one sentence
	Source  string      // the document its numbers come from; "" for generic policies
	Params  []ParamInfo // in canonical order; giveup, which all take, is last
}

// ParamInfo describes one parameter of a policy spec.
type ParamInfo struct {
	Name    string // as written in a spec: "base", "max-wait"
	Default string // the value when it is left out; "" means unset (off)
	Summary string // what it means and what values it takes
}

// Bounds on spec values, so that schedules stay far from overflow.
const (
	// MaxRetries is the largest max= a spec accepts.
	MaxRetries = 1000
	// maxSpecDays is the longest duration a spec accepts, in days.
	maxSpecDays = 365
)

// giveupParam is the parameter every policy takes.
var giveupParam = ParamInfo{"giveup", "", "stop retrying when the next attempt would come later than this after the first emission (a positive duration)"}

// policyDef is a policy's description and how to build it from parsed
// parameters.
type policyDef struct {
	info  PolicyInfo
	build func(a *args) Policy
}

// policyDefs lists every policy, in the order the README lists them. It
// is set by init, because retry-after's builder parses its fallback, which
// looks policies up here.
var policyDefs []policyDef

func init() { policyDefs = builtinPolicies() }

func builtinPolicies() []policyDef {
	return []policyDef{
		{
			info: PolicyInfo{Name: "none", Summary: "One attempt per event; a rejected event is lost."},
			build: func(*args) Policy {
				return None{}
			},
		},
		{
			info: PolicyInfo{
				Name:    "immediate",
				Summary: "Retries at once, max times: the retry storm the vendors warn about.",
				Params:  []ParamInfo{{"max", "5", "retries after the first attempt (0 to 1000)"}},
			},
			build: func(a *args) Policy {
				return Immediate{Max: a.count("max")}
			},
		},
		{
			info: PolicyInfo{
				Name:    "fixed",
				Summary: "Waits the same delay before each of max retries.",
				Params: []ParamInfo{
					{"delay", "2s", "wait before every retry (a duration, 0 or more)"},
					{"max", "5", "retries after the first attempt (0 to 1000)"},
				},
			},
			build: func(a *args) Policy {
				return Fixed{Delay: a.duration("delay", false), Max: a.count("max")}
			},
		},
		{
			info: PolicyInfo{
				Name:    "exponential",
				Summary: "Waits base·2^(n-1) after attempt n, at most cap, randomised by jitter, for max retries.",
				Params: []ParamInfo{
					{"base", "1s", "the first wait (a positive duration)"},
					{"cap", "5m", "the longest wait (a duration, at least base; 0 for no cap)"},
					{"max", "7", "retries after the first attempt (0 to 1000)"},
					{"jitter", "full", "none (base·2^(n-1)), full (random in [0, t]), equal (random in [t/2, t]) or decorrelated (random in [base, 3·previous wait]), as defined by AWS's \"Exponential Backoff And Jitter\""},
				},
			},
			build: func(a *args) Policy {
				p := Exponential{Base: a.duration("base", true), Cap: a.duration("cap", false), Max: a.count("max"), Jitter: a.jitter("jitter")}
				if a.err == nil && p.Cap != 0 && p.Cap < p.Base {
					a.fail("cap", "cap "+a.vals["cap"]+" is shorter than base "+a.vals["base"])
				}
				return p
			},
		},
		{
			info: PolicyInfo{
				Name:    "retry-after",
				Summary: "Waits the Retry-After it got, even past the fallback's cap; asks the fallback when there is none.",
				Params: []ParamInfo{
					{"max", "100", "retries after the first attempt, whoever chose the wait (0 to 1000); generous, because a sender that waits as told is never the one to give up early"},
					{"jitter", "0s", "random extra wait, from 0 to this, added to a Retry-After (a duration, 0 or more)"},
					{"max-wait", "", "give the event up when a Retry-After is longer than this, rather than retry early (a positive duration)"},
					{"fallback", "exponential", "the policy used without a Retry-After: a name, or a spec in parentheses such as (fixed,delay=2s,max=5); not retry-after"},
				},
			},
			build: func(a *args) Policy {
				return RetryAfter{Max: a.count("max"), Jitter: a.duration("jitter", false), MaxWait: a.duration("max-wait", true), Fallback: a.policy("fallback")}
			},
		},
		{
			info: PolicyInfo{
				Name:    "schedule",
				Summary: "Waits the listed times before retries 1, 2, ..., then the same wait before every later retry, up to max retries.",
				Params: []ParamInfo{
					{"waits", "1m", "the waits before the first retries, separated by / (e.g. 10s/20s/30s/5m)"},
					{"then", "", "the wait before every retry after the list; none gives up after it (a positive duration)"},
					{"max", "8", "retries after the first attempt (0 to 1000)"},
				},
			},
			build: func(a *args) Policy {
				return Schedule{Waits: a.waits("waits"), Then: a.duration("then", true), Max: a.count("max")}
			},
		},
		{
			info: PolicyInfo{
				Name:    "outboundsync",
				Summary: "Waits random(0–300 s) + 2^(n-1)·60 s after attempt n, for 7 retries.",
				Source:  "OutboundSync, Webhook forwarding with Additional Endpoints; follows the formula where its table says 30 and 60 min for retries 6 and 7",
			},
			build: func(*args) Policy {
				return OutboundSync{}
			},
		},
		{
			info: PolicyInfo{
				Name:    "svix",
				Summary: "Attempts at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h: 8 attempts, 7 retries.",
				Source:  "Svix, Retry Schedule (docs.svix.com/retries): each wait starts at the failure of the preceding attempt",
			},
			build: func(*args) Policy {
				return Svix{}
			},
		},
	}
}

// Policies lists every retry policy with its parameters, their defaults
// and the documented presets, in the order the README lists them. The
// result is a fresh copy that the caller may change.
func Policies() []PolicyInfo {
	out := make([]PolicyInfo, len(policyDefs))
	for i, d := range policyDefs {
		info := d.info
		info.Params = append(append([]ParamInfo(nil), d.info.Params...), giveupParam)
		out[i] = info
	}
	return out
}

// lookupPolicy returns the definition of the policy called name.
func lookupPolicy(name string) (*policyDef, bool) {
	for i := range policyDefs {
		if policyDefs[i].info.Name == name {
			return &policyDefs[i], true
		}
	}
	return nil, false
}
