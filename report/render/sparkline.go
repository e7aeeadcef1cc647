package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/report"
)

// sparklineWidth is how many characters a sparkline takes at most.
const sparklineWidth = 60

var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws series in at most width block characters (▁ to █): each
// stands for the highest value of the steps it covers, scaled so that top
// (at least the highest value) is a full block. Zero is a space, so quiet
// stretches show as gaps.
func sparkline(series []int64, width int, top int64) string {
	if len(series) == 0 || width <= 0 {
		return ""
	}
	per := (len(series) + width - 1) / width
	var peak int64
	for _, v := range series {
		peak = max(peak, v)
	}
	top = max(top, peak, 1)
	var b strings.Builder
	for i := 0; i < len(series); i += per {
		var v int64
		for _, x := range series[i:min(i+per, len(series))] {
			v = max(v, x)
		}
		if v <= 0 {
			b.WriteByte(' ')
			continue
		}
		// ceil(v·8/top) in 1..8, without overflow for any int64.
		lvl := int((float64(v)*float64(len(sparkBlocks)) + float64(top) - 1) / float64(top))
		lvl = min(max(lvl, 1), len(sparkBlocks))
		b.WriteRune(sparkBlocks[lvl-1])
	}
	return b.String()
}

// stepUnit names a timeline step as the denominator of a rate: "s", "min".
func stepUnit(step time.Duration) string {
	switch step {
	case time.Second:
		return "s"
	case time.Minute:
		return "min"
	case time.Hour:
		return "h"
	case 24 * time.Hour:
		return "d"
	}
	return units.FormatDuration(step)
}

// sparkLimit is the limit a sparkline compares the rate with: the count
// limit of the shortest period, as a rate per step.
type sparkLimit struct {
	perStep float64 // units per step
	text    string  // "limit 25/s", "refill 20/s, burst 18,000", "limit 1,000/1m ≈ 16.7/s"
	exact   bool    // a window of exactly one step: a step above perStep breaks it
}

// rateLimitOf picks the limit of spec to compare per-step counts with.
func rateLimitOf(spec *report.ProfileSpec, step time.Duration) (sparkLimit, bool) {
	if spec == nil {
		return sparkLimit{}, false
	}
	best := -1
	var bestPer time.Duration
	for i, lj := range spec.Limits {
		l, err := spec.Limit(i)
		if err != nil || lj.Unit == "bytes" {
			continue
		}
		if best < 0 || l.Per < bestPer {
			best, bestPer = i, l.Per
		}
	}
	if best < 0 {
		return sparkLimit{}, false
	}
	l, _ := spec.Limit(best)
	u := stepUnit(step)
	s := sparkLimit{perStep: float64(l.Quota) * float64(step) / float64(l.Per)}
	switch {
	case l.Kind == "bucket" || l.Kind == "credits":
		s.text = fmt.Sprintf("refill %s/%s, burst %s", trimRate(s.perStep), u, numfmt.WithCommas(l.Burst))
	case l.Per == step:
		s.text = fmt.Sprintf("limit %s/%s", numfmt.WithCommas(l.Quota), u)
		s.exact = true
	default:
		s.text = fmt.Sprintf("limit %s/%s ≈ %s/%s", numfmt.WithCommas(l.Quota), units.FormatDuration(l.Per), trimRate(s.perStep), u)
	}
	return s, true
}

// trimRate writes a rate with at most 3 significant digits, no trailing
// zeros: 25, 16.7, 0.833.
func trimRate(f float64) string {
	if f >= 1000 {
		return numfmt.WithCommas(int64(f + 0.5))
	}
	s := fmt.Sprintf("%.3g", f)
	if strings.Contains(s, ".") && !strings.Contains(s, "e") {
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// sparklineText is the sparkline of a timeline against its profile's
// limit, as the table form prints it:
//
//	rate/s  ▁▂▅█▇▃▁  peak 31/s vs limit 25/s, above it in 12 of 60 s
//
// keys is how many partitions of the timeline's profile it adds up (keys,
// or workspaces for a workspace-scoped profile): with more than one, the
// limit applies to each and the line says so. It is "" for
// an empty timeline.
func sparklineText(t *report.Timeline, keys int) string {
	if t == nil || t.Len() == 0 {
		return ""
	}
	step := time.Duration(t.Step())
	u := stepUnit(step)
	var peak int64
	for _, v := range t.Sent {
		peak = max(peak, v)
	}
	lim, ok := rateLimitOf(t.Profile, step)
	top := peak
	if ok {
		top = max(top, int64(lim.perStep+0.999))
	}
	s := fmt.Sprintf("rate/%s  %s  peak %s/%s", u, sparkline(t.Sent, sparklineWidth, top), numfmt.WithCommas(peak), u)
	noun := t.Profile.PartitionNoun()
	if keys > 1 {
		s += fmt.Sprintf(" (%s together)", numfmt.CountNoun(int64(keys), noun))
	}
	if !ok {
		return s
	}
	s += " vs " + lim.text
	if keys > 1 {
		return s + " per " + noun
	}
	if lim.exact {
		over := 0
		for _, v := range t.Sent {
			if float64(v) > lim.perStep {
				over++
			}
		}
		s += fmt.Sprintf(", above it in %s of %s %s", numfmt.WithCommas(int64(over)), numfmt.WithCommas(int64(t.Len())), u)
	}
	return s
}
