package retry

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

const defaultExponential = "exponential,base=1s,cap=5m,max=7,jitter=full"

func TestParsePolicy(t *testing.T) {
	const s, m, h = time.Second, time.Minute, time.Hour
	tests := []struct {
		in        string
		want      Policy
		canonical string
	}{
		{"none", None{}, "none"},
		{"immediate", Immediate{Max: 5}, "immediate,max=5"},
		{"immediate,max=3", Immediate{Max: 3}, "immediate,max=3"},
		{"fixed", Fixed{Delay: 2 * s, Max: 5}, "fixed,delay=2s,max=5"},
		{"fixed,delay=2s,max=5", Fixed{Delay: 2 * s, Max: 5}, "fixed,delay=2s,max=5"},
		{"fixed,max=4,delay=30s", Fixed{Delay: 30 * s, Max: 4}, "fixed,delay=30s,max=4"},
		{"fixed,delay=0", Fixed{Max: 5}, "fixed,delay=0s,max=5"},
		{"exponential", defaultFallback, defaultExponential},
		{"exponential,base=1s,max=7,cap=5m,jitter=full", Exponential{Base: s, Cap: 5 * m, Max: 7, Jitter: JitterFull}, defaultExponential},
		{" Exponential , JITTER = Decorrelated , base=1.5s, cap=1h30m ",
			Exponential{Base: 1500 * time.Millisecond, Cap: 90 * m, Max: 7, Jitter: JitterDecorrelated},
			"exponential,base=1.5s,cap=90m,max=7,jitter=decorrelated"},
		{"exponential,cap=0", Exponential{Base: s, Max: 7, Jitter: JitterFull}, "exponential,base=1s,cap=0s,max=7,jitter=full"},
		{"exponential,jitter=none,max=0", Exponential{Base: s, Cap: 5 * m, Jitter: JitterNone}, "exponential,base=1s,cap=5m,max=0,jitter=none"},
		{"exponential,jitter=equal,base=5m", Exponential{Base: 5 * m, Cap: 5 * m, Max: 7, Jitter: JitterEqual}, "exponential,base=5m,cap=5m,max=7,jitter=equal"},
		{"retry-after", RetryAfter{Max: 100, Fallback: defaultFallback}, "retry-after,max=100,fallback=(" + defaultExponential + ")"},
		{"retry-after,fallback=exponential,giveup=1h",
			GiveUp{Policy: RetryAfter{Max: 100, Fallback: defaultFallback}, After: h},
			"retry-after,max=100,fallback=(" + defaultExponential + "),giveup=1h"},
		{"retry-after,fallback=none", RetryAfter{Max: 100, Fallback: None{}}, "retry-after,max=100,fallback=none"},
		{"retry-after,fallback=(svix)", RetryAfter{Max: 100, Fallback: Svix{}}, "retry-after,max=100,fallback=svix"},
		{"retry-after,fallback=(fixed,delay=2s,max=5),max-wait=10m,jitter=500ms,max=20",
			RetryAfter{Max: 20, Jitter: 500 * time.Millisecond, MaxWait: 10 * m, Fallback: Fixed{Delay: 2 * s, Max: 5}},
			"retry-after,max=20,jitter=500ms,max-wait=10m,fallback=(fixed,delay=2s,max=5)"},
		{"retry-after,jitter=0", RetryAfter{Max: 100, Fallback: defaultFallback}, "retry-after,max=100,fallback=(" + defaultExponential + ")"},
		{"retry-after,fallback=(exponential,giveup=1m)",
			RetryAfter{Max: 100, Fallback: GiveUp{Policy: defaultFallback, After: m}},
			"retry-after,max=100,fallback=(" + defaultExponential + ",giveup=1m)"},
		{"outboundsync", OutboundSync{}, "outboundsync"},
		{"svix", Svix{}, "svix"},
		{"schedule,waits=10s/20s/30s/5m/20m/2h/4h/6h,then=6h,max=100", Schedule{Waits: []time.Duration{10 * s, 20 * s, 30 * s, 5 * m, 20 * m, 2 * h, 4 * h, 6 * h}, Then: 6 * h, Max: 100}, "schedule,waits=10s/20s/30s/5m/20m/2h/4h/6h,then=6h,max=100"},
		{"schedule", Schedule{Waits: []time.Duration{m}, Max: 8}, "schedule,waits=1m,max=8"},
		{"svix,giveup=1d", GiveUp{Policy: Svix{}, After: 24 * h}, "svix,giveup=1d"},
		{"none,giveup=1h", GiveUp{Policy: None{}, After: h}, "none,giveup=1h"},
	}
	for _, tt := range tests {
		p, err := ParsePolicy(tt.in)
		if err != nil {
			t.Errorf("ParsePolicy(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(p, tt.want) {
			t.Errorf("ParsePolicy(%q) = %#v, want %#v", tt.in, p, tt.want)
		}
		if got := p.String(); got != tt.canonical {
			t.Errorf("ParsePolicy(%q).String() = %q, want %q", tt.in, got, tt.canonical)
		}
		if again, err := ParsePolicy(p.String()); err != nil || !reflect.DeepEqual(again, p) {
			t.Errorf("ParsePolicy(%q) = %#v, %v; want %#v", p.String(), again, err, p)
		}
	}
}

func TestParsePolicyErrors(t *testing.T) {
	tests := []struct {
		in, field, msg string
	}{
		{"", "policy", "missing policy name; want one of none, immediate, fixed, exponential, retry-after, schedule, outboundsync, svix"},
		{"bogus", "policy", `unknown policy "bogus"; want one of none,`},
		{"exponential,foo=1", "foo", `unknown parameter "foo"; exponential takes base, cap, max, jitter, giveup`},
		{"exponential,base", "base", "missing value"},
		{"exponential,base=", "base", "missing value"},
		{"exponential,base=1s,base=2s", "base", "given twice"},
		{"exponential,base=x", "base", "want a positive duration"},
		{"exponential,base=0", "base", "want a positive duration"},
		{"exponential,base=-1s", "base", "want a positive duration"},
		{"exponential,base=2", "base", "want a positive duration"},
		{"exponential,base=10s,cap=5s", "cap", "cap 5s is shorter than base 10s"},
		{"exponential,max=1001", "max", "want a whole number from 0 to 1000"},
		{"exponential,max=-1", "max", "want a whole number from 0 to 1000"},
		{"exponential,max=2.5", "max", "want a whole number"},
		{"exponential,jitter=half", "jitter", `unknown jitter "half"; want none, full, equal or decorrelated`},
		{"exponential,,base=1s", "policy", "empty parameter"},
		{"exponential,", "policy", "empty parameter"},
		{"exponential,=1s", "", `unknown parameter ""`},
		{"none,max=3", "max", "none takes only giveup"},
		{"svix,max=3", "max", "svix takes only giveup"},
		{"schedule,waits=1s/x", "waits", "separated by /"},
		{"schedule,waits=1s//2s", "waits", "separated by /"},
		{"fixed,delay=400d", "delay", "want a duration from 0 to 365d"},
		{"fixed,giveup=0", "giveup", "want a positive duration"},
		{"fixed,giveup=1h,giveup=2h", "giveup", "given twice"},
		{"retry-after,max-wait=0", "max-wait", "want a positive duration"},
		{"retry-after,fallback=retry-after", "fallback.policy", "retry-after cannot be its own fallback"},
		{"retry-after,fallback=(exponential,base=x)", "fallback.base", "want a positive duration"},
		{"retry-after,fallback=(exponential,foo=1)", "fallback.foo", "exponential takes base, cap, max, jitter, giveup"},
		{"retry-after,fallback=(exponential", "policy", "unbalanced parentheses"},
		{"retry-after,fallback=exponential)", "policy", "unbalanced parentheses"},
		{"retry-after,fallback=(fixed)x", "fallback", "must end with )"},
		{"retry-after,fallback=fixed,delay=2s", "delay", "retry-after takes max, jitter, max-wait, fallback, giveup"},
		{"retry-after,fallback=()", "fallback.policy", "missing policy name"},
		{"fixed,delay=(2s)", "delay", "want a duration"},
	}
	for _, tt := range tests {
		p, err := ParsePolicy(tt.in)
		var in *exitcode.InputError
		if !errors.As(err, &in) {
			t.Errorf("ParsePolicy(%q) = %v, %v; want an InputError", tt.in, p, err)
			continue
		}
		if in.File != "flag --retry" || in.Field != tt.field || !strings.Contains(in.Msg, tt.msg) {
			t.Errorf("ParsePolicy(%q) error = %q (field %q); want field %q and %q", tt.in, err, in.Field, tt.field, tt.msg)
		}
	}
}

// TestPolicies checks that the listing and the parser agree: every name
// parses alone, every default is the value the parser uses, and every
// preset is a canonical spec.
func TestPolicies(t *testing.T) {
	infos := Policies()
	var names []string
	for _, info := range infos {
		names = append(names, info.Name)
		p, err := ParsePolicy(info.Name)
		if err != nil {
			t.Fatalf("ParsePolicy(%q): %v", info.Name, err)
		}
		if p.Name() != info.Name || info.Summary == "" {
			t.Errorf("%s: Name() = %q, summary %q", info.Name, p.Name(), info.Summary)
		}
		if last := info.Params[len(info.Params)-1]; last.Name != "giveup" {
			t.Errorf("%s: last parameter %q, want giveup", info.Name, last.Name)
		}
		for _, param := range info.Params {
			if param.Summary == "" {
				t.Errorf("%s: parameter %s has no summary", info.Name, param.Name)
			}
			if param.Default == "" {
				continue
			}
			spec := info.Name + "," + param.Name + "=" + param.Default
			if q, err := ParsePolicy(spec); err != nil || !reflect.DeepEqual(q, p) {
				t.Errorf("ParsePolicy(%q) = %v, %v; want the default %v", spec, q, err, p)
			}
		}
	}
	want := "none immediate fixed exponential retry-after schedule outboundsync svix"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("Policies() = %s, want %s", got, want)
	}
	infos[0].Params[0].Name = "changed"
	if Policies()[0].Params[0].Name == "changed" {
		t.Error("Policies() returns shared slices")
	}
}

func FuzzParsePolicy(f *testing.F) {
	for _, s := range []string{
		"none", "immediate,max=3", "fixed,delay=2s,max=5", "exponential,base=1s,max=7,cap=5m,jitter=full",
		"exponential,jitter=decorrelated,base=250ms", "retry-after,fallback=exponential,giveup=1h",
		"retry-after,max-wait=10m,jitter=1s,fallback=(fixed,delay=2s,max=5,giveup=1m)", "outboundsync", "svix",
		"svix,giveup=1d", "schedule,waits=10s/20s,then=6h,max=9", "retry-after,fallback=(exponential", "fixed,delay=,max=", "(,)", "exponential,max=99999999999999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePolicy(s)
		if err != nil {
			var in *exitcode.InputError
			if !errors.As(err, &in) || in.File != "flag --retry" || in.Msg == "" {
				t.Fatalf("ParsePolicy(%q) error %#v is not an InputError for flag --retry", s, err)
			}
			return
		}
		canonical := p.String()
		again, err := ParsePolicy(canonical)
		if err != nil {
			t.Fatalf("ParsePolicy(%q) = %v; it is the String() of ParsePolicy(%q)", canonical, err, s)
		}
		if !reflect.DeepEqual(again, p) || again.String() != canonical {
			t.Fatalf("round trip of %q: %#v (%q), want %#v (%q)", s, again, again.String(), p, canonical)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		var prev, elapsed time.Duration
		for n := 1; n <= 12; n++ {
			d, ok := p.Next(Failure{N: n, Prev: prev, Elapsed: elapsed, Response: Response{Status: 429}}, rng)
			if !ok {
				break
			}
			if d < 0 {
				t.Fatalf("%s: negative delay %v after attempt %d", canonical, d, n)
			}
			prev, elapsed = d, elapsed+d
		}
	})
}

func TestSplitPolicies(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"none,immediate,exponential,retry-after", []string{"none", "immediate", "exponential", "retry-after"}},
		{"none,exponential,base=2s,max=3,retry-after", []string{"none", "exponential,base=2s,max=3", "retry-after"}},
		{"retry-after,fallback=(fixed,delay=1s,max=2),svix", []string{"retry-after,fallback=(fixed,delay=1s,max=2)", "svix"}},
		{" none , ,fixed", []string{"none", "fixed"}},
		// Unbalanced parentheses are left for ParsePolicy to report.
		{"none,fixed),immediate", []string{"none", "fixed),immediate"}},
		{"retry-after,fallback=(fixed,none", []string{"retry-after,fallback=(fixed,none"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := SplitPolicies(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("SplitPolicies(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
