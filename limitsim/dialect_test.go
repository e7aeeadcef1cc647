package limitsim

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestDialectRegistry(t *testing.T) {
	want := []string{"ietf", "none", "perwebhook", "rewst", "rewst-envoy", "salesbuildr", "workato"}
	if got := DialectNames(); !slices.Equal(got, want) {
		t.Fatalf("DialectNames() = %v, want %v", got, want)
	}
	for _, n := range want {
		d, ok := LookupDialect(n)
		if !ok || d.Name() != n || d.Describe() == "" {
			t.Errorf("LookupDialect(%q) = %v, %v", n, d, ok)
		}
	}
	if _, ok := LookupDialect("workato,ietf"); ok {
		t.Error("LookupDialect takes single names only")
	}
	for _, p := range Builtins() {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
}

func TestDialectsCompose(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string // Name(), or the start of the error
	}{
		{[]string{"rewst"}, "rewst"},
		{[]string{"workato,ietf"}, "workato,ietf"},
		{[]string{"workato", "ietf"}, "workato,ietf"},
		{[]string{" workato , ietf,workato", ""}, "workato,ietf"},
		{[]string{"ietf", "perwebhook"}, "ietf,perwebhook"},
		{[]string{"workato,nope"}, `error: unknown header dialect "nope"`},
		{nil, "error: no header dialect"},
		{[]string{" , "}, "error: no header dialect"},
	} {
		d, err := Dialects(c.in...)
		got := ""
		if err != nil {
			got = "error: " + err.Error()
		} else {
			got = d.Name()
		}
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("Dialects(%q) = %s, want %s", c.in, got, c.want)
		}
	}

	// perwebhook,ietf: both sets of headers, perwebhook's JSON body.
	p := mustBuiltin(t, "perwebhook")
	pt := p.NewPartition()
	send(pt, 60, at0, 0)
	d := pt.Decide(at0, 0)
	dl := mustDialect(t, "perwebhook,ietf")
	h := http.Header{}
	dl.WriteHeaders(h, p, &d)
	for _, k := range []string{"X-RateLimit-Remaining-Minute", "RateLimit", "RateLimit-Policy", "Retry-After"} {
		if h.Get(k) == "" {
			t.Errorf("perwebhook,ietf: no %s in %v", k, h)
		}
	}
	if ct, _ := dl.RejectBody(p, &d); ct != "application/json" {
		t.Errorf("perwebhook,ietf body is %s, want perwebhook's application/json", ct)
	}
	if !strings.Contains(dl.Describe(), "429 body is perwebhook's") {
		t.Errorf("Describe() = %q", dl.Describe())
	}
}

func TestSendsRetryAfter(t *testing.T) {
	for name, want := range map[string]bool{"rewst": true, "workato": true, "salesbuildr": true, "autotask": false, "perwebhook": false} {
		p, _ := Builtin(name)
		if got := p.SendsRetryAfter(); got != want {
			t.Errorf("%s.SendsRetryAfter() = %v, want %v", name, got, want)
		}
	}
}
