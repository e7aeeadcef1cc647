package limitsim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestPartitionOf(t *testing.T) {
	tests := []struct {
		scope, key, workspace, want string
	}{
		{"trigger", "trig-a", "", "trig-a"},
		{"trigger", "trig-a", "ws-1", "trig-a"},
		{"webhook", "wh", "ws-1", "wh"},
		{"tenant", "t1", "", "t1"},
		{"database", "db", "ws", "db"},
		{"", "k", "ws", "k"},
		{"custom", "k", "ws", "k"},
		{"workspace", "trig-a", "", "workspace (all traffic)"},
		{"workspace", "trig-b", "", "workspace (all traffic)"},
		{"workspace", "trig-a", "acme", "workspace acme"},
		{"environment", "trig-a", "", "environment (all traffic)"},
		{"environment", "trig-a", "acme-prod", "environment acme-prod"},
		{"environment", "trig-b", "acme-prod", "environment acme-prod"},
	}
	for _, tt := range tests {
		p := &Profile{Scope: tt.scope}
		if got := p.PartitionOf(tt.key, tt.workspace); got != tt.want {
			t.Errorf("scope %q PartitionOf(%q, %q) = %q, want %q", tt.scope, tt.key, tt.workspace, got, tt.want)
		}
	}
}

func TestBuiltinScopes(t *testing.T) {
	want := map[string]string{"rewst": "trigger", "workato": "workspace", "salesbuildr": "tenant", "autotask": "database", "perwebhook": "webhook",
		"rewst@2026-02-18": "trigger", "workato@r1": "environment", "workato@r2": "environment", "workato@r3": "environment"}
	for _, p := range Builtins() {
		if p.Scope != want[p.Name] {
			t.Errorf("%s: scope %q, want %q", p.Name, p.Scope, want[p.Name])
		}
		if p.Aggregates() != strings.HasPrefix(p.Name, "workato") {
			t.Errorf("%s: Aggregates() = %v", p.Name, p.Aggregates())
		}
	}
}

func TestProfileFileScope(t *testing.T) {
	p, err := ParseProfile("p.yaml", []byte("extends: rewst\nscope: workspace\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Aggregates() || p.PartitionOf("a", "") != p.PartitionOf("b", "") {
		t.Fatalf("scope %q does not aggregate", p.Scope)
	}
	p, err = ParseProfile("p.yaml", []byte("extends: workato\nscope: trigger\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Aggregates() {
		t.Fatalf("scope %q aggregates", p.Scope)
	}
	p, err = ParseProfile("p.yaml", []byte("extends: workato\nscope: environment\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Aggregates() || p.PartitionOf("a", "prod") != "environment prod" || p.ScopeDescription() != "one per environment: every key of an environment adds up" {
		t.Fatalf("scope %q: %q, %q", p.Scope, p.PartitionOf("a", "prod"), p.ScopeDescription())
	}
	if _, err := ParseProfile("p.yaml", []byte("extends: workato\nscope: environments\n")); err == nil || !strings.Contains(err.Error(), `p.yaml:2: scope: unknown scope "environments"`) {
		t.Fatalf("a misspelt scope: %v", err)
	}
}

// TestHandlerWorkatoWorkspaceBoundary sends one second of requests spread
// over 7 triggers to a Workato handler (its store made 100, see
// smallBuiltin): the workspace shares one limiter, so 120 are admitted
// and the 121st is the only one rejected.
func TestHandlerWorkatoWorkspaceBoundary(t *testing.T) {
	for _, n := range []int{120, 121} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			clock := newClock(at0)
			h := newHandler(t, HandlerOptions{Profile: smallBuiltin(t, "workato"), Now: clock.Now})
			rejected := 0
			for i := range n {
				clock.Set(at0 + int64(i)*oneSec/int64(n))
				w := serve(h, post(fmt.Sprintf("/hooks/trig-%d", i%7), ""))
				switch w.Code {
				case 200:
				case 429:
					rejected++
				default:
					t.Fatalf("request %d: %d", i, w.Code)
				}
			}
			if want := n - 120; rejected != want {
				t.Fatalf("rejected %d of %d, want %d", rejected, n, want)
			}
			if k := h.Simulator().Keys(); k != 1 {
				t.Fatalf("%d partitions, want 1 workspace", k)
			}
		})
	}
}

// TestHandlerWorkspaceSource splits the workspace by a header: two
// workspaces each get their own store (here of 100, so 120 at once).
func TestHandlerWorkspaceSource(t *testing.T) {
	ws, err := ParseKeySource("header:X-Workspace")
	if err != nil {
		t.Fatal(err)
	}
	var seen [2]string
	p := mustBuiltin(t, "workato")
	p.Limits[0].Burst = 100
	h := newHandler(t, HandlerOptions{Profile: p, Workspace: &ws, Now: frozen(at0),
		OnDecision: func(_ *http.Request, key, workspace string, _ int64, _ *Decision) { seen = [2]string{key, workspace} }})
	admitted := map[string]int{}
	for i := range 2 * 121 {
		name := []string{"acme", "globex"}[i%2]
		r := post(fmt.Sprintf("/hooks/trig-%d", i%7), "")
		r.Header.Set("X-Workspace", name)
		if w := serve(h, r); w.Code == 200 {
			admitted[name]++
		}
	}
	if admitted["acme"] != 120 || admitted["globex"] != 120 {
		t.Fatalf("admitted %v, want 120 each", admitted)
	}
	if seen != [2]string{"trig-3", "globex"} {
		t.Fatalf("OnDecision saw %q", seen)
	}
}

// TestHandlerRewstStillPerTrigger: Rewst's limits are per trigger, so 7
// triggers each get 25 in one second.
func TestHandlerRewstStillPerTrigger(t *testing.T) {
	h := newHandler(t, HandlerOptions{Profile: mustBuiltin(t, "rewst"), Now: frozen(at0)})
	admitted := 0
	for i := range 7 * 26 {
		if w := serve(h, post(fmt.Sprintf("/hooks/trig-%d", i%7), "")); w.Code == 200 {
			admitted++
		}
	}
	if admitted != 7*25 {
		t.Fatalf("admitted %d, want %d", admitted, 7*25)
	}
}
