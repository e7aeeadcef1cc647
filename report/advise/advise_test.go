package advise

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
)

// bulkRun is the run `hooklimit run bulk --events N --over OVER --profile
// rewst` with the retry-after policy.
func bulkRun(t *testing.T, events int64, over time.Duration) (*Run, *report.RunResult) {
	t.Helper()
	p, err := limitsim.LoadProfile("rewst")
	if err != nil {
		t.Fatal(err)
	}
	pol, err := retry.ParsePolicy("retry-after")
	if err != nil {
		t.Fatal(err)
	}
	r := &Run{Scenario: "bulk", Params: scenarios.Params{Events: events, Over: over}, Profile: "rewst", LoadedLimit: p,
		Policy: pol, Seed: 1, NewSource: func(q scenarios.Params) (scenarios.Source, error) { return scenarios.New("bulk", q) }}
	return r, simulate(t, r, r.Params)
}

func simulate(t *testing.T, r *Run, q scenarios.Params) *report.RunResult {
	t.Helper()
	src, err := r.NewSource(q)
	if err != nil {
		t.Fatal(err)
	}
	sim := &report.Simulation{Source: src, Profile: r.LoadedLimit, Policy: r.Policy, Sender: r.Model, Seed: r.Seed}
	res, err := sim.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSpreadBoundary checks the advised spread at its boundary: the
// --over it prints passes, with nothing lost and no 429, and one second
// less fails; both simulated here, apart from the advisor.
func TestSpreadBoundary(t *testing.T) {
	for _, tt := range []struct {
		events int64
		over   time.Duration
	}{{1000, 30 * time.Second}, {400, 5 * time.Second}} {
		r, res := bulkRun(t, tt.events, tt.over)
		if res.Verdict != report.VerdictFail {
			t.Fatalf("%d over %v: verdict %s, want fail", tt.events, tt.over, res.Verdict)
		}
		a := &advisor{ctx: context.Background(), run: r, opts: Full()}
		out, err := a.spread()
		if err != nil || len(out) != 1 || !out[0].Passes || out[0].Kind != "spread" {
			t.Fatalf("%d over %v: no passing spread in %+v (%v)", tt.events, tt.over, out, err)
		}
		s := out[0]
		m := regexp.MustCompile(` --over (\S+) `).FindStringSubmatch(s.Command)
		if m == nil {
			t.Fatalf("no --over in %q", s.Command)
		}
		over, err := time.ParseDuration(m[1])
		if err != nil {
			t.Fatal(err)
		}
		q := r.Params
		q.Over = over
		if got := simulate(t, r, q); !passes(got) {
			t.Errorf("%d over %v: advised --over %v does not pass: %s", tt.events, tt.over, over, outcome(got))
		}
		q.Over = over - time.Second
		if got := simulate(t, r, q); passes(got) {
			t.Errorf("%d over %v: --over %v, one second less than advised, passes too", tt.events, tt.over, q.Over)
		}
	}
}

// TestPassingRunGetsNoAdvice checks that a passing run is left alone.
func TestPassingRunGetsNoAdvice(t *testing.T) {
	r, res := bulkRun(t, 2000, 3*time.Minute)
	if res.Verdict != report.VerdictPass {
		t.Fatalf("verdict %s, want pass", res.Verdict)
	}
	if err := Advise(context.Background(), r, res, Defaults()); err != nil {
		t.Fatal(err)
	}
	if res.Advice != nil || res.AdviceNote != "" {
		t.Errorf("advice on a passing run: %+v %q", res.Advice, res.AdviceNote)
	}
}

// TestBudget checks that the advisor stops at its budget, says so, and
// that a run larger than TooLarge gets a note instead of advice.
func TestBudget(t *testing.T) {
	r, res := bulkRun(t, 2000, time.Minute)
	if err := Advise(context.Background(), r, res, Options{MaxSimulations: 2}); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`\(2 simulated runs\); stopped at the advisor's budget`).MatchString(res.AdviceNote) {
		t.Errorf("note %q does not say the budget stopped it", res.AdviceNote)
	}
	r, res = bulkRun(t, 2000, time.Minute)
	if err := Advise(context.Background(), r, res, Options{TooLarge: res.Delivery.Attempts - 1, MaxEvents: 1e6, AskWith: "--advise"}); err != nil {
		t.Fatal(err)
	}
	if res.Advice != nil || !regexp.MustCompile(`^not tried: the run had 2,000 events and made [0-9,]+ attempts, too many .*; ask for it with --advise$`).MatchString(res.AdviceNote) {
		t.Errorf("too large a run: advice %+v, note %q", res.Advice, res.AdviceNote)
	}
}

func TestTightest(t *testing.T) {
	p, err := limitsim.LoadProfile("rewst")
	if err != nil {
		t.Fatal(err)
	}
	l, ok := tightest(p)
	if !ok || l.Quota != 1000 || l.Per != time.Minute {
		t.Errorf("tightest(rewst) = %+v, %v; want 1000 a minute", l, ok)
	}
}

func TestFlagDurationAndQuote(t *testing.T) {
	for d, want := range map[time.Duration]string{2 * time.Minute: "2m", 119 * time.Second: "1m59s", 10 * time.Second: "10s",
		time.Hour: "1h", time.Hour + 5*time.Second: "1h0m5s", 20 * time.Minute: "20m", 1500 * time.Millisecond: "1.5s"} {
		got := FlagDuration(d)
		if got != want {
			t.Errorf("FlagDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := time.ParseDuration(got); err != nil || back != d {
			t.Errorf("FlagDuration(%v) = %q reads back as %v, %v", d, got, back, err)
		}
	}
	for s, want := range map[string]string{"rewst": "rewst", "pace=1000/1m": "pace=1000/1m", "a(b)": "'a(b)'", "it's": `'it'\''s'`, "": "''", "a b": "'a b'"} {
		if got := ShellQuote(s); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", s, got, want)
		}
	}
}
