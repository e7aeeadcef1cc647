package limitsim

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestRevisionsNamedDatedSourced(t *testing.T) {
	name := regexp.MustCompile(`^([a-z]+)@(\d{4}-\d{2}-\d{2}|r[1-9])$`)
	var names []string
	for _, p := range Builtins() {
		names = append(names, p.Name)
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		r := p.Revision
		if r == nil {
			if strings.Contains(p.Name, "@") {
				t.Errorf("%s: a name with @ but no revision", p.Name)
			}
			continue
		}
		m := name.FindStringSubmatch(p.Name)
		if m == nil || m[1] != r.Of {
			t.Errorf("%s: name is not %s@DATE or %s@rN", p.Name, r.Of, r.Of)
			continue
		}
		if base, ok := Builtin(r.Of); !ok || base.Revision != nil {
			t.Errorf("%s revises %q, which is no documented profile", p.Name, r.Of)
		}
		if strings.HasPrefix(m[2], "r") != strings.HasPrefix(r.Date, "undated") || (!strings.HasPrefix(m[2], "r") && m[2] != r.Date) {
			t.Errorf("%s: date %q does not match its name", p.Name, r.Date)
		}
		if !strings.HasPrefix(r.URL, "https://") || r.Assumed == "" || p.Source == "" || p.Interpretation == "" || p.Alternatives == "" {
			t.Errorf("%s: revision without URL, assumptions, source, interpretation or alternatives: %+v", p.Name, r)
		}
	}
	want := []string{"autotask", "perwebhook", "rewst", "rewst@2026-02-18", "salesbuildr", "workato", "workato@r1", "workato@r2", "workato@r3"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("Builtins() = %v, want %v (each revision after its profile, in time order)", names, want)
	}
	// The defaults stay on the documented numbers.
	if p := mustBuiltin(t, "rewst"); p.Limits[0].Quota != 25 || p.Revision != nil || p.Dialect != "rewst" {
		t.Errorf("rewst is no longer the documented 25/s: %+v", p.Limits[0])
	}
	if p := mustBuiltin(t, "workato"); p.Scope != ScopeWorkspace || p.Limits[0].Burst != 18000 {
		t.Errorf("workato is no longer the documented workspace burst of 18,000: %s %+v", p.Scope, p.Limits[0])
	}
	// Clone copies the revision.
	p := mustBuiltin(t, "workato@r3")
	p.Revision.Date = "changed"
	if mustBuiltin(t, "workato@r3").Revision.Date == "changed" {
		t.Error("Builtin shares its Revision")
	}
	if _, err := LoadProfile("rewst@2026-02-18"); err != nil {
		t.Errorf("LoadProfile of a revision: %v", err)
	}
}

// TestRewstRevisionBoundary: under rewst@2026-02-18, 50 in one second pass
// and the 51st is rejected; 1,000 in a minute is still the cap.
func TestRewstRevisionBoundary(t *testing.T) {
	p := mustBuiltin(t, "rewst@2026-02-18")
	pt := p.NewPartition()
	if d := send(pt, 50, at0, 0); !d.Admitted {
		t.Fatalf("50th in one second rejected: %+v", d)
	}
	d := pt.Decide(at0+oneSec-1, 0)
	if d.Admitted || d.Violated().Limit.Name != "per_second" {
		t.Fatalf("51st in one second: admitted=%v", d.Admitted)
	}
	// 50 a second for the rest of 20 seconds: 1,000 in the minute.
	for s := int64(1); s < 20; s++ {
		if d := send(pt, 50, at0+s*oneSec, 0); !d.Admitted {
			t.Fatalf("second %d: the 50th rejected by %s", s, d.Violated().Limit.Name)
		}
	}
	d = pt.Decide(at0+20*oneSec, 0)
	if d.Admitted || d.Violated().Limit.Name != "per_minute" {
		t.Fatalf("1,001st in the minute: admitted=%v", d.Admitted)
	}
	// The documented profile would have rejected the 26th.
	base := mustBuiltin(t, "rewst").NewPartition()
	if send(base, 25, at0, 0); base.Decide(at0, 0).Admitted {
		t.Error("documented rewst admitted a 26th in one second")
	}
}

// TestHandlerRewstEnvoy50thAnd51st: the 51st request in a second gets
// Envoy's 429, with its fixed headers and an empty body; so does the
// 1,001st in a minute.
func TestHandlerRewstEnvoy50thAnd51st(t *testing.T) {
	clock := newClock(at0)
	h := newHandler(t, HandlerOptions{Profile: mustBuiltin(t, "rewst@2026-02-18"), Now: clock.Now})
	for i := 1; i <= 50; i++ {
		w := serve(h, post("/hooks/trigger-1", `{"n":1}`))
		if w.Code != 200 || w.Header().Get("Retry-After") != "" || w.Header().Get("X-Ratelimit-Remaining") != "" {
			t.Fatalf("request %d: %d %v", i, w.Code, w.Header())
		}
	}
	want := map[string]string{"Retry-After": "10", "X-Envoy-Ratelimited": "true", "X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "10", "Content-Type": ""}
	check := func(what string) {
		t.Helper()
		w := serve(h, post("/hooks/trigger-1", `{"n":1}`))
		if w.Code != 429 || w.Body.Len() != 0 {
			t.Fatalf("%s: %d %q", what, w.Code, w.Body)
		}
		for k, v := range want {
			if got := w.Header().Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", what, k, got, v)
			}
		}
	}
	check("51st in the second")
	// Another trigger is another partition.
	if w := serve(h, post("/hooks/trigger-2", "")); w.Code != 200 {
		t.Errorf("other trigger: %d", w.Code)
	}
	for s := int64(1); s < 20; s++ {
		clock.Set(at0 + s*oneSec)
		for range 50 {
			serve(h, post("/hooks/trigger-1", ""))
		}
	}
	clock.Set(at0 + 20*oneSec)
	check("1,001st in the minute") // the wait is 25 s, the header still 10
}

// TestWorkatoRevisionsBoundary: per environment, burst+20 events pass in
// the first second and one more is rejected; other environments have their
// own store, every key of one environment shares it.
func TestWorkatoRevisionsBoundary(t *testing.T) {
	for _, c := range []struct {
		name  string
		first int // events admitted in the first second
	}{
		{"workato@r1", 18020},
		{"workato@r2", 9020},
		{"workato@r3", 1020},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := mustBuiltin(t, c.name)
			sim := NewSimulator(p)
			prod := func(key string) string { return p.PartitionOf(key, "acme-prod") }
			for i := range c.first {
				key := []string{"trig-a", "trig-b", "trig-c"}[i%3]
				if d := sim.Decide(prod(key), at0, 100); !d.Admitted {
					t.Fatalf("event %d of %d rejected", i+1, c.first)
				}
			}
			if d := sim.Decide(prod("trig-d"), at0+oneSec-1, 100); d.Admitted {
				t.Fatalf("event %d admitted: the environment's keys do not add up", c.first+1)
			}
			if d := sim.Decide(p.PartitionOf("trig-a", "acme-dev"), at0, 100); !d.Admitted {
				t.Error("another environment shares the store")
			}
			// 20 fresh credits the next second.
			if d := send(sim.Partition(prod("trig-a")), 20, at0+oneSec, 100); !d.Admitted {
				t.Error("20 events the next second rejected")
			}
			if d := sim.Decide(prod("trig-a"), at0+oneSec, 100); d.Admitted {
				t.Error("21st event the next second admitted")
			}
		})
	}
}

func TestDiffProfiles(t *testing.T) {
	custom := mustBuiltin(t, "rewst")
	custom.CountRejected, custom.Ordered = true, true
	custom.Limits = append(custom.Limits, Limit{Name: "per_hour", Kind: Window, Quota: 5000, Per: 3600 * 1e9, Unit: Requests})
	tests := []struct {
		a, b string
		pa   *Profile
		want []Change
	}{
		{a: "rewst", b: "rewst@2026-02-18", want: []Change{
			{Changed, "headers", "rewst", "rewst-envoy"},
			{Changed, "limits.per_second.kind", "window", "fixed"},
			{Changed, "limits.per_second.quota", "25", "50"},
			{Changed, "limits.per_minute.kind", "window", "fixed"},
		}},
		{a: "workato", b: "workato@r1", want: []Change{
			{Changed, "scope", "workspace", "environment"},
			{Removed, "limits.bytes", "30 MB per 1m, burst 30 MB (credits)", ""},
		}},
		{a: "workato@r1", b: "workato@r2", want: []Change{
			{Changed, "limits.events.burst", "18000", "9000"},
		}},
		{a: "workato@r3", b: "workato", want: []Change{
			{Changed, "scope", "environment", "workspace"},
			{Changed, "limits.events.burst", "1000", "18000"},
			{Added, "limits.bytes", "", "30 MB per 1m, burst 30 MB (credits)"},
		}},
		{a: "workato@r2", b: "workato@r2"},
		{a: "custom", pa: custom, b: "rewst", want: []Change{
			{Changed, "count_rejected", "true", "false"},
			{Changed, "ordered", "true", "false"},
			{Removed, "limits.per_hour", "5000 per 1h (sliding window)", ""},
		}},
		{a: "autotask", b: "perwebhook", want: []Change{
			{Changed, "scope", "database", "webhook"},
			{Changed, "headers", "none", "perwebhook"},
			{Changed, "ordered", "false", "true"},
			{Removed, "limits.per_hour", "10000 per 1h (sliding window)", ""},
			{Added, "limits.minute", "", "60 per 1m (fixed window)"},
			{Added, "limits.hour", "", "1000 per 1h (fixed window)"},
			{Added, "limits.day", "", "10000 per 1d (fixed window)"},
		}},
	}
	for _, tt := range tests {
		a := tt.pa
		if a == nil {
			a = mustBuiltin(t, tt.a)
		}
		got := DiffProfiles(a, mustBuiltin(t, tt.b))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("DiffProfiles(%s, %s) =\n%v\nwant\n%v", tt.a, tt.b, got, tt.want)
		}
	}
	// A kind with a burst against one without shows the burst going.
	a, b := mustBuiltin(t, "workato@r3"), mustBuiltin(t, "workato@r3")
	b.Limits[0].Kind = Window
	want := []Change{{Changed, "limits.events.kind", "credits", "window"}, {Changed, "limits.events.burst", "1000", ""}}
	if got := DiffProfiles(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("credits to window: %v", got)
	}
}
