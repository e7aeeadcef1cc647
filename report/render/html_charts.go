package render

import (
	"fmt"
	"html/template"
	"image/color"
	"math"
	"strconv"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
)

// maxChartPoints bounds the points of one line of a chart, so that a
// day-long timeline stays a small SVG: beyond it, each point stands for
// the highest value of the steps it covers, which keeps the peaks that
// matter against a limit.
const maxChartPoints = 1200

// chartSeries is one line of a chart.
type chartSeries struct {
	name   string
	ys     []float64
	color  color.RGBA
	dashed bool
	steps  bool // each value holds until the next x: counts per step
}

// chartLine is a horizontal line across a chart: a limit.
type chartLine struct {
	label string
	y     float64
	color color.RGBA
}

// htmlChart is a chart as the page shows it: an inline SVG and its
// legend, drawn in HTML so that it never covers the lines.
type htmlChart struct {
	Title   string
	Caption string
	SVG     template.HTML
	Legend  []legendItem
}

type legendItem struct {
	Color  string // CSS color
	Dashed bool
	Dot    bool // a marker, not a line
	Label  string
}

// The chart colours: sent, admitted, 429, limits and levels.
var (
	colSent     = color.RGBA{R: 0x55, G: 0x6b, B: 0x8d, A: 0xff}
	colAdmitted = color.RGBA{R: 0x1f, G: 0x9d, B: 0x55, A: 0xff}
	colRejected = color.RGBA{R: 0xd6, G: 0x33, B: 0x2f, A: 0xff}
	colLimits   = []color.RGBA{{R: 0x22, G: 0x22, B: 0x22, A: 0xff}, {R: 0xe0, G: 0x8a, B: 0x00, A: 0xff}, {R: 0x8e, G: 0x44, B: 0xad, A: 0xff}, {R: 0x00, G: 0x83, B: 0x8f, A: 0xff}}
	colLevel    = color.RGBA{R: 0x2a, G: 0x6f, B: 0xdb, A: 0xff}
	colSecond   = color.RGBA{R: 0xe0, G: 0x8a, B: 0x00, A: 0xff}
)

func cssColor(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// lineChart draws series over xs, with horizontal lines, as an inline SVG.
// xStep is the x length of one step, where a series of steps ends. The
// first series is drawn last, on top of the others.
func lineChart(title, xLabel, yLabel string, xs []float64, xStep float64, series []chartSeries, lines []chartLine) (htmlChart, error) {
	return drawLineChart(title, xLabel, yLabel, xs, xStep, series, lines, chartOpts{})
}

// chartOpts are what a chart of counts may add to lineChart's.
type chartOpts struct {
	// yTop, when above 0, is the top of the y axis: higher values are
	// drawn at the top edge, so that lines near a limit far below the
	// peak stay readable.
	yTop float64
	// marks is a series of counts (429s) to mark at each step where it
	// is above 0, with a dot at least a few pixels above the x axis,
	// however small the count against the axis, and the count written
	// above it when few steps have one.
	marks *chartSeries
}

// maxMarkLabels is how many marked steps a chart writes the counts of.
const maxMarkLabels = 12

// drawLineChart is lineChart with opts.
func drawLineChart(title, xLabel, yLabel string, xs []float64, xStep float64, series []chartSeries, lines []chartLine, opts chartOpts) (htmlChart, error) {
	ch := htmlChart{Title: title}
	p := &svgPlot{title: title, xLabel: xLabel, yLabel: yLabel}
	ymax := 0.0
	xmin, xmax := 0.0, 1.0
	if len(xs) > 0 {
		xmin, xmax = xs[0], xs[len(xs)-1]
	}
	type line struct {
		xs, ys []float64
		s      chartSeries
	}
	var plotted []line
	for _, s := range series {
		pxs, ys := maxPool(xs, s.ys, maxChartPoints)
		if len(ys) == 0 {
			continue
		}
		for _, y := range ys {
			ymax = max(ymax, y)
		}
		if s.steps {
			// Each value holds until the next x; the last step holds
			// until the end of its interval.
			end := xs[len(xs)-1] + xStep
			pxs, ys = postSteps(pxs, ys, end)
			xmax = max(xmax, end)
		}
		plotted = append(plotted, line{pxs, ys, s})
		ch.Legend = append(ch.Legend, legendItem{Color: cssColor(s.color), Dashed: s.dashed, Label: s.name})
	}
	if xmax <= xmin {
		xmax = xmin + 1
	}
	for _, hl := range lines {
		ymax = max(ymax, hl.y)
	}
	ytop := math.Max(ymax*1.08, 1)
	if opts.yTop > 0 {
		ytop = opts.yTop
	}
	clip := func(ys []float64) []float64 {
		if opts.yTop <= 0 {
			return ys
		}
		out := make([]float64, len(ys))
		for i, y := range ys {
			out[i] = min(y, ytop)
		}
		return out
	}
	p.axes(xmin, xmax, 0, ytop, niceTicks(xmin, xmax), niceTicks(0, ytop))
	for i := len(plotted) - 1; i >= 0; i-- {
		l := plotted[i]
		dash := ""
		if l.s.dashed {
			dash = "4 3"
		}
		p.polyline(l.xs, clip(l.ys), l.s.color, 1.4, dash)
	}
	for _, hl := range lines {
		if hl.y > ytop {
			continue
		}
		p.polyline([]float64{xmin, xmax}, []float64{hl.y, hl.y}, hl.color, 1.2, "6 3")
		ch.Legend = append(ch.Legend, legendItem{Color: cssColor(hl.color), Dashed: true, Label: hl.label})
	}
	if m := opts.marks; m != nil {
		var mx, my []float64
		pxs, pys := maxPool(xs, m.ys, maxChartPoints)
		for i, y := range pys {
			if y > 0 {
				mx, my = append(mx, pxs[i]+xStep/2), append(my, y)
			}
		}
		p.marks(mx, clip(my), my, m.color, len(mx) <= maxMarkLabels)
		if len(mx) > 0 {
			ch.Legend = append(ch.Legend, legendItem{Color: cssColor(m.color), Dot: true, Label: m.name})
		}
	}
	ch.SVG = p.svg()
	return ch, nil
}

// postSteps turns points into the corners of steps: each y holds from its
// x to the next x, and the last one until end.
func postSteps(xs, ys []float64, end float64) ([]float64, []float64) {
	ox, oy := make([]float64, 0, 2*len(ys)), make([]float64, 0, 2*len(ys))
	for i, y := range ys {
		next := end
		if i+1 < len(ys) {
			next = xs[i+1]
		}
		ox, oy = append(ox, xs[i], next), append(oy, y, y)
	}
	return ox, oy
}

// maxPool shrinks xs and ys to at most n points, each the highest y of
// the points it covers, at the x of the first.
func maxPool(xs, ys []float64, n int) ([]float64, []float64) {
	if len(ys) <= n {
		return xs[:len(ys)], ys
	}
	per := (len(ys) + n - 1) / n
	var ox, oy []float64
	for i := 0; i < len(ys); i += per {
		v := ys[i]
		for _, y := range ys[i:min(i+per, len(ys))] {
			v = max(v, y)
		}
		ox, oy = append(ox, xs[i]), append(oy, v)
	}
	return ox, oy
}

// tickLabel labels a tick: whole numbers with thousands separators, the
// others without exponents where they are short.
func tickLabel(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return numfmt.WithCommas(int64(v))
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if len(s) > 8 {
		s = strconv.FormatFloat(v, 'g', 4, 64)
	}
	return s
}

// percentileChart draws latency-like series at named percentiles.
func percentileChart(title, yLabel string, names []string, series []chartSeries) (htmlChart, error) {
	ch := htmlChart{Title: title}
	p := &svgPlot{title: title, xLabel: "percentile", yLabel: yLabel}
	ymax := 0.0
	for _, s := range series {
		for _, y := range s.ys {
			ymax = max(ymax, y)
		}
	}
	xTicks := make([]svgTick, len(names))
	for i, name := range names {
		xTicks[i] = svgTick{float64(i), name}
	}
	ytop := math.Max(ymax*1.08, 1)
	p.axes(-0.3, float64(len(names))-0.7, 0, ytop, xTicks, niceTicks(0, ytop))
	for _, s := range series {
		xs := make([]float64, len(s.ys))
		for i := range xs {
			xs[i] = float64(i)
		}
		p.polyline(xs, s.ys, s.color, 1.4, "")
		p.circles(xs, s.ys, s.color, 2.2)
		ch.Legend = append(ch.Legend, legendItem{Color: cssColor(s.color), Label: s.name})
	}
	ch.SVG = p.svg()
	return ch, nil
}

// timeAxis turns step indexes into x values in a unit a person reads: the
// seconds, minutes or hours since the start, and never a unit finer than
// a step (counts per minute are drawn against minutes); xStep is one
// step in it.
func timeAxis(n int, stepSeconds int64, start report.Timestamp) (xs []float64, xStep float64, label string) {
	span := float64(n) * float64(stepSeconds)
	unit, name := 1.0, "seconds"
	switch {
	case span > 3*86400:
		unit, name = 86400, "days"
	case span > 3*3600 || stepSeconds >= 3600:
		unit, name = 3600, "hours"
	case span > 600 || stepSeconds >= 60:
		unit, name = 60, "minutes"
	}
	xs = make([]float64, n)
	for i := range xs {
		xs[i] = float64(int64(i)*stepSeconds) / unit
	}
	return xs, float64(stepSeconds) / unit, fmt.Sprintf("%s since %s UTC", name, start.Time().Format("2006-01-02 15:04:05"))
}
