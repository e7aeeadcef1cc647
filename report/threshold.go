package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// ThresholdFlag is the flag that thresholds come from, as named in errors.
const ThresholdFlag = "flag --threshold"

// Threshold is a pass condition on one metric of a result, such as
// peak_ratio<0.8: the verdict fails when the metric does not satisfy it.
// Every command that takes --threshold (check, run, serve) uses the same
// syntax; each has its own metrics (for check, see CheckMetrics).
//
// The syntax is "metric OP number", spaces allowed around OP, where OP is
// one of < <= > >= == and the number is a decimal (or exponent) number that
// may end in %, meaning hundredths: peak_ratio<80% is peak_ratio<0.8.
// Metric names are letters, digits, '_' and '.' (so 429_rate is a name),
// and are not case sensitive.
type Threshold struct {
	Metric string  // the metric, in lower case
	Op     string  // one of <, <=, >, >=, ==
	Value  float64 // the number, with a % already divided by 100
	Expr   string  // the expression as written, trimmed
}

// ThresholdOps lists the comparison operators, longest first.
var ThresholdOps = []string{"<=", ">=", "==", "<", ">"}

// ParseThreshold parses a threshold such as "peak_ratio<0.8" or "headroom >=
// 20%". It does not know which metrics exist: see Threshold.Validate.
// Errors are *exitcode.InputError naming ThresholdFlag.
func ParseThreshold(s string) (Threshold, error) {
	expr := strings.TrimSpace(s)
	t := Threshold{Expr: expr}
	if expr == "" {
		return t, thresholdErr("empty threshold (want metric OP number, e.g. peak_ratio<0.8)")
	}
	i := 0
	for i < len(expr) && isMetricByte(expr[i], i == 0) {
		i++
	}
	if i == 0 {
		return t, thresholdErr("%q: want a metric name first, e.g. peak_ratio<0.8", expr)
	}
	t.Metric = strings.ToLower(expr[:i])
	rest := strings.TrimLeft(expr[i:], " \t")
	for _, op := range ThresholdOps {
		if strings.HasPrefix(rest, op) {
			t.Op = op
			break
		}
	}
	if t.Op == "" {
		return t, thresholdErr("%q: want one of < <= > >= == after %s", expr, t.Metric)
	}
	num := strings.TrimSpace(rest[len(t.Op):])
	scale := 1.0
	if n, ok := strings.CutSuffix(num, "%"); ok {
		num, scale = strings.TrimSpace(n), 100
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || !isPlainNumber(num) {
		return t, thresholdErr("%q: want a number after %s, not %q", expr, t.Op, num)
	}
	t.Value = v / scale
	return t, nil
}

func isMetricByte(c byte, first bool) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	case first:
		return false
	}
	return c == '_' || c == '.'
}

// isPlainNumber rejects what strconv.ParseFloat accepts but a person would
// not write: hexadecimal floats, underscores, "inf" and "nan".
func isPlainNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return false
		}
	}
	return true
}

func thresholdErr(format string, args ...any) error {
	return &exitcode.InputError{File: ThresholdFlag, Msg: fmt.Sprintf(format, args...)}
}

// String writes t in canonical form, "metric OP number" without spaces and
// without %, which ParseThreshold reads back to the same threshold.
func (t Threshold) String() string {
	return t.Metric + t.Op + strconv.FormatFloat(t.Value, 'g', -1, 64)
}

// Holds reports whether the value v satisfies t. NaN satisfies nothing.
func (t Threshold) Holds(v float64) bool {
	switch t.Op {
	case "<":
		return v < t.Value
	case "<=":
		return v <= t.Value
	case ">":
		return v > t.Value
	case ">=":
		return v >= t.Value
	case "==":
		return v == t.Value
	}
	return false
}

// Validate returns an *exitcode.InputError when t's metric is not one of
// known, listing the known ones. Commands call it before they start, so a
// typo fails fast.
func (t Threshold) Validate(known []string) error {
	if slices.Contains(known, t.Metric) {
		return nil
	}
	sorted := slices.Sorted(slices.Values(known))
	return thresholdErr("%q: unknown metric %q (known: %s)", t.Expr, t.Metric, strings.Join(sorted, ", "))
}

// ThresholdResult is a threshold compared with the value it constrains.
type ThresholdResult struct {
	Threshold string  `json:"threshold"` // canonical form, e.g. "peak_ratio<0.8"
	Metric    string  `json:"metric"`
	Op        string  `json:"op"`
	Value     float64 `json:"value"`
	Actual    float64 `json:"actual"`
	Verdict   Verdict `json:"verdict"` // pass or fail
	// Why is set on a threshold the user did not give, and says why it
	// applies: the lost rule of a run (see LostRule).
	Why string `json:"why,omitempty"`
}

// Evaluate compares t with its metric in metrics. A metric that is not in
// metrics is an *exitcode.InputError listing the ones that are.
func (t Threshold) Evaluate(metrics map[string]float64) (ThresholdResult, error) {
	v, ok := metrics[t.Metric]
	if !ok {
		known := make([]string, 0, len(metrics))
		for k := range metrics {
			known = append(known, k)
		}
		return ThresholdResult{}, t.Validate(known)
	}
	res := ThresholdResult{Threshold: t.String(), Metric: t.Metric, Op: t.Op, Value: t.Value, Actual: v, Verdict: VerdictFail}
	if t.Holds(v) {
		res.Verdict = VerdictPass
	}
	return res, nil
}
