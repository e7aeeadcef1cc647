package render

import (
	"fmt"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report"
)

// timelineWords names the three series of a timeline for a kind of
// result: a check counts records and what the profile would do with them.
func timelineWords(kind string) (sent, admitted, rejected string) {
	if kind == report.KindCheck {
		return "records", "would be admitted", "would be rejected"
	}
	return "sent", "admitted (2xx)", "rejected (429)"
}

// timelineCharts draws a timeline: counts per step against the limits
// whose window is at most a step; when the profile has longer windows and
// the run is longer than one of them, counts per minute (or hour) against
// those; and, for a byte limit, bytes per minute.
func timelineCharts(t *report.Timeline, kind string, keys int) ([]htmlChart, error) {
	if t == nil || t.Len() == 0 {
		return nil, nil
	}
	var charts []htmlChart
	step := time.Duration(t.Step())
	panels := []time.Duration{step}
	var limits []limitsim.Limit
	if t.Profile != nil {
		for i := range t.Profile.Limits {
			if l, err := t.Profile.Limit(i); err == nil {
				limits = append(limits, l)
			}
		}
	}
	for _, p := range []time.Duration{time.Minute, time.Hour} {
		if p <= panels[len(panels)-1] {
			continue
		}
		for _, l := range limits {
			if l.Unit != limitsim.Bytes && (l.Kind == limitsim.Window || l.Kind == limitsim.Fixed) && l.Per >= p && time.Duration(t.Len())*step > p {
				panels = append(panels, p)
				break
			}
		}
	}
	sentW, admW, rejW := timelineWords(kind)
	for pi, p := range panels {
		var next time.Duration
		if pi+1 < len(panels) {
			next = panels[pi+1]
		}
		sent, adm, rej, start := resample(t, p, func(t *report.Timeline) []int64 { return t.Sent }), resample(t, p, func(t *report.Timeline) []int64 { return t.Admitted }),
			resample(t, p, func(t *report.Timeline) []int64 { return t.Rejected429 }), alignedStart(t, p)
		xs, xStep, xl := timeAxis(len(sent), int64(p/time.Second), start)
		u := stepUnit(p)
		series := []chartSeries{
			{name: sentW + " per " + stepUnitLong(p), ys: floats(sent), color: colSent, steps: true},
			{name: admW, ys: floats(adm), color: colAdmitted, steps: true},
			{name: rejW, ys: floats(rej), color: colRejected, steps: true},
		}
		var lines, full []chartLine
		for _, l := range limits {
			if l.Unit == limitsim.Bytes || (next > 0 && l.Per >= next && (l.Kind == limitsim.Window || l.Kind == limitsim.Fixed)) {
				continue
			}
			if pi > 0 && l.Per < p {
				continue
			}
			y := float64(l.Quota) * float64(p) / float64(l.Per)
			var label string
			switch {
			case l.Kind == limitsim.Bucket || l.Kind == limitsim.Credits:
				label = fmt.Sprintf("%s: refill %s/%s (burst %s)", l.Name, trimRate(y), u, numfmt.WithCommas(l.Burst))
			case l.Per == p:
				label = fmt.Sprintf("%s: %s/%s", l.Name, numfmt.WithCommas(l.Quota), units.FormatDuration(l.Per))
			default:
				label = fmt.Sprintf("%s: %s/%s ≈ %s/%s (rate-equivalent)", l.Name, numfmt.WithCommas(l.Quota), units.FormatDuration(l.Per), trimRate(y), u)
			}
			c := colLimits[len(lines)%len(colLimits)]
			lines = append(lines, chartLine{label: label, y: y, color: c})
			if pi == 0 && l.Burst > 0 && (l.Kind == limitsim.Bucket || l.Kind == limitsim.Credits) {
				// What a full bucket or store lets through in one step:
				// a burst above the refill line is not over the limit.
				most := float64(l.Burst) + y
				full = append(full, chartLine{label: fmt.Sprintf("%s: the most one %s can admit from full, %s", l.Name, stepUnitLong(p), trimRate(most)), y: most, color: c})
			}
		}
		title := fmt.Sprintf("%s per %s against the limits", capitalize(sentW), stepUnitLong(p))
		marks := &chartSeries{name: fmt.Sprintf("%s: a dot marks each %s with any", rejW, stepUnitLong(p)), ys: floats(rej), color: colRejected}
		all := lines
		for _, f := range full {
			// Only where the counts come near it: far above them it
			// would squash the chart.
			if f.y <= 2*peakOf(series) {
				all = append(all, f)
			}
		}
		ch, err := drawLineChart(title, xl, "per "+stepUnitLong(p), xs, xStep, series, all, chartOpts{marks: marks})
		if err != nil {
			return nil, err
		}
		ch.Caption = fmt.Sprintf("Counts per clock %s (UTC).", stepUnitLong(p))
		if len(sent) > maxChartPoints {
			ch.Caption += fmt.Sprintf(" Each point is the highest of %d %ss.", (len(sent)+maxChartPoints-1)/maxChartPoints, stepUnitLong(p))
		}
		if pi == 0 && p == time.Second {
			ch.Caption += " A sliding window can hold more than any one clock second shows; the tables give the exact peaks."
		}
		if keys > 1 {
			noun := t.Profile.PartitionNoun()
			ch.Caption += fmt.Sprintf(" The counts add up %s; each limit applies to each %s.", numfmt.CountNoun(int64(keys), noun), noun)
		}
		charts = append(charts, ch)
		if top := zoomTop(series, lines); top > 0 {
			zc, err := drawLineChart(title+", zoomed to the limits", xl, "per "+stepUnitLong(p), xs, xStep, series, lines, chartOpts{yTop: top, marks: marks})
			if err != nil {
				return nil, err
			}
			zc.Caption = fmt.Sprintf("The same counts with the y axis cut at %s, so that the limits and what was admitted near them can be read: higher counts are drawn at the top edge, and the dots keep their counts.", trimRate(top))
			charts = append(charts, zc)
		}
	}
	if t.Bytes != nil {
		for _, l := range limits {
			if l.Unit != limitsim.Bytes {
				continue
			}
			p := max(step, time.Minute)
			b := resample(t, p, func(t *report.Timeline) []int64 { return t.Bytes })
			xs, xStep, xl := timeAxis(len(b), int64(p/time.Second), alignedStart(t, p))
			ys := floats(b)
			for i := range ys {
				ys[i] /= 1e6
			}
			y := float64(l.Quota) * float64(p) / float64(l.Per) / 1e6
			ch, err := lineChart("Bytes per "+stepUnitLong(p)+" against "+l.Name, xl, "MB per "+stepUnitLong(p), xs, xStep,
				[]chartSeries{{name: "MB sent per " + stepUnitLong(p), ys: ys, color: colSent, steps: true}},
				[]chartLine{{label: fmt.Sprintf("%s: %s/%s", l.Name, units.FormatBytes(l.Quota), units.FormatDuration(l.Per)), y: y, color: colLimits[0]}})
			if err != nil {
				return nil, err
			}
			ch.Caption = "Body bytes per clock " + stepUnitLong(p) + " (MB = 10^6 bytes)."
			charts = append(charts, ch)
			break
		}
	}
	return charts, nil
}

// zoomFactor is how far the highest count must rise above the highest
// limit line before a chart gets a second panel zoomed to the limits: at
// a tenth of the height, a limit line and the admitted counts beside it
// are squashed against the x axis.
const zoomFactor = 8

// zoomTop returns the top of the y axis of a panel zoomed to the limit
// lines, or 0 when the counts do not rise above zoomFactor times the
// highest line: three times the highest line, so the line is at a third
// of the height.
func zoomTop(series []chartSeries, lines []chartLine) float64 {
	hi, peak := 0.0, peakOf(series)
	for _, l := range lines {
		hi = max(hi, l.y)
	}
	if hi <= 0 || peak <= zoomFactor*hi {
		return 0
	}
	return 3 * hi
}

// peakOf is the highest value of the series.
func peakOf(series []chartSeries) float64 {
	peak := 0.0
	for _, s := range series {
		for _, y := range s.ys {
			peak = max(peak, y)
		}
	}
	return peak
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func floats(s []int64) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(v)
	}
	return out
}

// alignedStart is the start of the first step of length p holding the
// timeline's start.
func alignedStart(t *report.Timeline, p time.Duration) report.Timestamp {
	return report.Timestamp(floorTo(int64(t.Start), int64(p)))
}

func floorTo(v, m int64) int64 {
	q := v / m
	if v%m != 0 && v < 0 {
		q--
	}
	return q * m
}

// resample sums a series of t into steps of p, a multiple of t's step.
func resample(t *report.Timeline, p time.Duration, of func(*report.Timeline) []int64) []int64 {
	s := of(t)
	step := t.Step()
	if int64(p) <= step {
		return s
	}
	start := floorTo(int64(t.Start), int64(p))
	end := int64(t.Start) + int64(len(s))*step
	out := make([]int64, (end-start+int64(p)-1)/int64(p))
	for i, v := range s {
		out[(int64(t.Start)+int64(i)*step-start)/int64(p)] += v
	}
	return out
}
