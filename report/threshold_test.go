package report

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
)

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		in     string
		metric string
		op     string
		value  float64
		err    string // part of the error message; "" for none
	}{
		{in: "peak_ratio<0.8", metric: "peak_ratio", op: "<", value: 0.8},
		{in: "  headroom >= 20% ", metric: "headroom", op: ">=", value: 0.2},
		{in: "rejected==0", metric: "rejected", op: "==", value: 0},
		{in: "Rejected_Rate<=1e-3", metric: "rejected_rate", op: "<=", value: 0.001},
		{in: "keys_failing > -1", metric: "keys_failing", op: ">", value: -1},
		{in: "latency.p99<250", metric: "latency.p99", op: "<", value: 250},
		{in: "peak_ratio<80 %", metric: "peak_ratio", op: "<", value: 0.8},
		{in: "", err: "empty threshold"},
		{in: "<0.8", err: "want a metric name"},
		{in: "429_rate<1%", metric: "429_rate", op: "<", value: 0.01},
		{in: "peak_ratio", err: "want one of < <= > >= =="},
		{in: "peak_ratio=0.8", err: "want one of"},
		{in: "peak_ratio!=0.8", err: "want one of"},
		{in: "peak_ratio<", err: "want a number"},
		{in: "peak_ratio<abc", err: "want a number"},
		{in: "peak_ratio<NaN", err: "want a number"},
		{in: "peak_ratio<inf", err: "want a number"},
		{in: "peak_ratio<0x1p-2", err: "want a number"},
		{in: "peak_ratio<1e999", err: "want a number"},
		{in: "peak_ratio<%", err: "want a number"},
		{in: "peak_ratio<0.8%%", err: "want a number"},
	}
	for _, tt := range tests {
		got, err := ParseThreshold(tt.in)
		if tt.err != "" {
			var in *exitcode.InputError
			if !errors.As(err, &in) || in.File != ThresholdFlag || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseThreshold(%q) = %v, %v; want an input error about %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got.Metric != tt.metric || got.Op != tt.op || got.Value != tt.value {
			t.Errorf("ParseThreshold(%q) = %+v, %v; want %s %s %v", tt.in, got, err, tt.metric, tt.op, tt.value)
		}
	}
}

func TestThresholdEvaluate(t *testing.T) {
	metrics := map[string]float64{"peak_ratio": 0.8, "rejected": 3}
	tests := []struct {
		expr string
		want Verdict
	}{
		{"peak_ratio<0.8", VerdictFail},
		{"peak_ratio<=0.8", VerdictPass},
		{"peak_ratio<=80%", VerdictPass},
		{"peak_ratio>0.8", VerdictFail},
		{"peak_ratio>=0.8", VerdictPass},
		{"peak_ratio==0.8", VerdictPass},
		{"rejected==0", VerdictFail},
		{"rejected<4", VerdictPass},
	}
	for _, tt := range tests {
		th, err := ParseThreshold(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		res, err := th.Evaluate(metrics)
		if err != nil || res.Verdict != tt.want || res.Actual != metrics[th.Metric] {
			t.Errorf("%s: %+v, %v; want %s", tt.expr, res, err, tt.want)
		}
	}
	th, _ := ParseThreshold("latency<1")
	_, err := th.Evaluate(metrics)
	var in *exitcode.InputError
	if !errors.As(err, &in) || !strings.Contains(err.Error(), "unknown metric \"latency\" (known: peak_ratio, rejected)") {
		t.Errorf("unknown metric: %v", err)
	}
	if err := th.Validate(CheckMetrics); err == nil || !strings.Contains(err.Error(), "headroom, keys_failing, peak_ratio, rejected, rejected_rate") {
		t.Errorf("Validate: %v", err)
	}
}

func TestApplyThresholds(t *testing.T) {
	r := analyze(t, []*limitsim.Profile{builtin(t, "rewst")}, AnalyzerOptions{}, spaced("t1", 20, 0, 50*time.Millisecond, -1))
	if r.Verdict != VerdictPass || r.Metrics[MetricPeakRatio] != 0.8 {
		t.Fatalf("verdict %s, peak_ratio %v", r.Verdict, r.Metrics[MetricPeakRatio])
	}
	var ths []Threshold
	for _, s := range []string{"rejected==0", "peak_ratio<0.8"} {
		th, err := ParseThreshold(s)
		if err != nil {
			t.Fatal(err)
		}
		ths = append(ths, th)
	}
	if err := r.ApplyThresholds(ths); err != nil {
		t.Fatal(err)
	}
	if r.Verdict != VerdictFail || len(r.Thresholds) != 2 || r.Thresholds[0].Verdict != VerdictPass || r.Thresholds[1].Verdict != VerdictFail {
		t.Errorf("verdict %s, thresholds %+v", r.Verdict, r.Thresholds)
	}
	bad, _ := ParseThreshold("nope<1")
	if err := r.ApplyThresholds([]Threshold{bad}); err == nil || len(r.Thresholds) != 2 {
		t.Errorf("an unknown metric: %v, %d thresholds", err, len(r.Thresholds))
	}
}

// FuzzParseThreshold checks that the parser never panics, that what it
// accepts has a known operator and a finite value, and that the canonical
// form reads back the same.
func FuzzParseThreshold(f *testing.F) {
	for _, s := range []string{"peak_ratio<0.8", "headroom >= 20%", "rejected==0", "a<=1e-3", "x>-1", "", "<", "p<%", "p<0x1p3", "p< 1_0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := ParseThreshold(s)
		if err != nil {
			var in *exitcode.InputError
			if !errors.As(err, &in) {
				t.Fatalf("ParseThreshold(%q): error %v is not an input error", s, err)
			}
			return
		}
		valid := false
		for _, op := range ThresholdOps {
			valid = valid || th.Op == op
		}
		if !valid || th.Metric == "" || th.Value != th.Value {
			t.Fatalf("ParseThreshold(%q) = %+v", s, th)
		}
		back, err := ParseThreshold(th.String())
		if err != nil || back.Metric != th.Metric || back.Op != th.Op || back.Value != th.Value {
			t.Fatalf("%q: canonical %q reads back as %+v, %v", s, th.String(), back, err)
		}
	})
}
