package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
)

func TestSparkline(t *testing.T) {
	for _, tc := range []struct {
		series []int64
		width  int
		top    int64
		want   string
	}{
		{nil, 10, 0, ""},
		{[]int64{0, 1, 2, 3, 4, 5, 6, 7, 8}, 20, 8, " ▁▂▃▄▅▆▇█"},
		{[]int64{8, 4, 0}, 10, 16, "▄▂ "},               // scaled to the limit, above the peak
		{[]int64{1, 9, 2, 2, 0, 0, 5, 1}, 4, 9, "█▂ ▅"}, // each character the highest of two
		{[]int64{1}, 5, 1 << 62, "▁"},                   // anything above zero shows
	} {
		if got := sparkline(tc.series, tc.width, tc.top); got != tc.want {
			t.Errorf("sparkline(%v, %d, %d) = %q, want %q", tc.series, tc.width, tc.top, got, tc.want)
		}
	}
	long := make([]int64, 1000)
	if got := []rune(sparkline(long, sparklineWidth, 1)); len(got) > sparklineWidth {
		t.Errorf("%d characters, want at most %d", len(got), sparklineWidth)
	}
}

func TestSparklineText(t *testing.T) {
	tl := func(profile string, step int64, sent ...int64) *report.Timeline {
		return &report.Timeline{Profile: builtinSpec(profile), StepSeconds: step, Sent: sent, Admitted: make([]int64, len(sent)), Rejected429: make([]int64, len(sent))}
	}
	for _, tc := range []struct {
		t    *report.Timeline
		keys int
		want string
	}{
		{tl("rewst", 1, 10, 31, 25, 0), 1, "rate/s  ▃█▇   peak 31/s vs limit 25/s, above it in 1 of 4 s"},
		{tl("rewst", 1, 10, 31, 25, 0), 3, "rate/s  ▃█▇   peak 31/s (3 keys together) vs limit 25/s per key"},
		{tl("workato", 1, 18100, 20), 1, "rate/s  █▁  peak 18,100/s vs refill 20/s, burst 18,000"},
		{tl("salesbuildr", 1, 2, 1), 1, "rate/s  █▄  peak 2/s vs limit 500/10m ≈ 0.833/s"},
		{tl("perwebhook", 60, 90, 30), 1, "rate/min  █▃  peak 90/min vs limit 60/min, above it in 1 of 2 min"},
		{&report.Timeline{StepSeconds: 1, Sent: []int64{3}, Admitted: []int64{3}, Rejected429: []int64{0}}, 1, "rate/s  █  peak 3/s"},
		{&report.Timeline{StepSeconds: 1}, 1, ""},
	} {
		if got := sparklineText(tc.t, tc.keys); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

// TestRunTableHasSparkline: the table form of a run shows its rate
// against the limit.
func TestRunTableHasSparkline(t *testing.T) {
	r := simRun(t, "rewst", "burst", scenarios.Params{Events: 40}, "retry-after", 1)
	var b strings.Builder
	if err := Write(&b, r, Table); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\nrate/s  █") || !strings.Contains(b.String(), "peak 40/s vs limit 25/s") {
		t.Fatalf("no sparkline in\n%s", b.String())
	}
	b.Reset()
	if err := Write(&b, r, Markdown); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\n`rate/s  █") {
		t.Fatalf("no sparkline in code in\n%s", b.String())
	}
}

// TestCaptionsNameThePartition: the sparkline and the HTML captions of a
// workspace-scoped profile speak of workspaces, not keys.
func TestCaptionsNameThePartition(t *testing.T) {
	for _, tt := range []struct{ profile, want string }{{"workato", "(2 workspaces together)"}, {"rewst", "(2 keys together)"}} {
		arr := roundRobin(200, 10*time.Second, "t0@acme", "t1@globex")
		a := report.NewAnalyzer([]*limitsim.Profile{builtin(t, tt.profile)}, report.AnalyzerOptions{Timeline: true})
		for _, x := range arr {
			a.Add(x)
		}
		r := a.Result()
		line := sparklineText(r.Timeline, timelinePartitions(r))
		if !strings.Contains(line, tt.want) {
			t.Errorf("%s: sparkline %q does not say %q", tt.profile, line, tt.want)
		}
		var html bytes.Buffer
		if err := Write(&html, &report.Report{Result: r, Verdict: r.Verdict, Timeline: r.Timeline}, HTML); err != nil {
			t.Fatal(err)
		}
		noun := map[string]string{"workato": "workspace", "rewst": "key"}[tt.profile]
		if !strings.Contains(html.String(), "each limit applies to each "+noun+".") {
			t.Errorf("%s: no caption saying each limit applies to each %s", tt.profile, noun)
		}
	}
}
