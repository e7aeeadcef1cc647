package render

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"regexp"
	"strconv"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/report"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	_ "gonum.org/v1/plot/vg/vgsvg" // registers the svg format
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
	ch := htmlChart{Title: title}
	p := newPlot()
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	p.X.Tick.Marker, p.Y.Tick.Marker = commaTicks{}, commaTicks{}
	p.Add(plotter.NewGrid())
	ymax := 0.0
	xmin, xmax := 0.0, 1.0
	if len(xs) > 0 {
		xmin, xmax = xs[0], xs[len(xs)-1]
	}
	var plotted []plot.Plotter
	for _, s := range series {
		pxs, ys := maxPool(xs, s.ys, maxChartPoints)
		pts := make(plotter.XYs, len(ys), len(ys)+1)
		for i := range ys {
			pts[i] = plotter.XY{X: pxs[i], Y: ys[i]}
			ymax = max(ymax, ys[i])
		}
		if len(pts) == 0 {
			continue
		}
		if s.steps {
			// The last step holds until the end of its interval.
			end := xs[len(xs)-1] + xStep
			pts = append(pts, plotter.XY{X: end, Y: pts[len(pts)-1].Y})
			xmax = max(xmax, end)
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return ch, err
		}
		if s.steps {
			l.StepStyle = plotter.PostStep
		}
		l.Color, l.Width = s.color, vg.Points(1.4)
		if s.dashed {
			l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		plotted = append(plotted, l)
		ch.Legend = append(ch.Legend, legendItem{Color: cssColor(s.color), Dashed: s.dashed, Label: s.name})
	}
	if xmax <= xmin {
		xmax = xmin + 1
	}
	for i := len(plotted) - 1; i >= 0; i-- {
		p.Add(plotted[i])
	}
	for _, hl := range lines {
		l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: hl.y}, {X: xmax, Y: hl.y}})
		if err != nil {
			return ch, err
		}
		l.Color, l.Width = hl.color, vg.Points(1.2)
		l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		p.Add(l)
		ymax = max(ymax, hl.y)
		ch.Legend = append(ch.Legend, legendItem{Color: cssColor(hl.color), Dashed: true, Label: hl.label})
	}
	p.X.Min, p.X.Max = xmin, xmax
	p.Y.Min, p.Y.Max = 0, math.Max(ymax*1.08, 1)
	svg, err := renderSVG(p, title)
	ch.SVG = svg
	return ch, err
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

// The SVG gonum writes starts with an XML declaration and a comment, and
// has a fixed size in points; inline in HTML it scales with the page.
var (
	svgHead = regexp.MustCompile(`(?s)^.*?<svg width="[^"]*" height="[^"]*"`)
	// svgFont: the chart text falls back to the page's sans-serif font
	// where Liberation Sans (whose metrics laid it out) is not installed.
	svgFont = regexp.MustCompile(`font-family:Liberation Sans;`)
)

// sansFont is the charts' font: gonum's Liberation Sans, whose metrics
// lay the text out (the page names fallbacks for where it is missing).
var sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPlot returns a plot with the charts' fonts and grey axes.
func newPlot() *plot.Plot {
	p := plot.New()
	p.Title.TextStyle.Font = font.From(sansFont, 12)
	grey := color.RGBA{R: 0x5f, G: 0x6b, B: 0x7a, A: 0xff}
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sansFont, 11)
		a.Label.TextStyle.Color = grey
		a.Tick.Label.Font = font.From(sansFont, 10)
		a.Tick.Label.Color = grey
		a.LineStyle.Color = grey
		a.Tick.LineStyle.Color = grey
	}
	return p
}

// renderSVG draws p as an SVG element for inline use.
func renderSVG(p *plot.Plot, title string) (template.HTML, error) {
	wt, err := p.WriterTo(9*vg.Inch, 3.4*vg.Inch, "svg")
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if _, err := wt.WriteTo(&b); err != nil {
		return "", err
	}
	s := b.String()
	s = svgHead.ReplaceAllLiteralString(s, `<svg class="chart" role="img" aria-label="`+template.HTMLEscapeString(title)+`"`)
	s = svgFont.ReplaceAllLiteralString(s, `font-family:'Liberation Sans',Arial,Helvetica,sans-serif;`)
	return template.HTML(s), nil // #nosec: gonum's own markup, text escaped by vgsvg
}

// commaTicks are gonum's default ticks, labelled with thousands
// separators and without exponents.
type commaTicks struct{}

func (commaTicks) Ticks(lo, hi float64) []plot.Tick {
	if hi <= lo {
		hi = lo + 1
	}
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label == "" {
			continue
		}
		ticks[i].Label = tickLabel(ticks[i].Value)
	}
	return ticks
}

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

// categoryTicks label the points 0..n-1 with names.
type categoryTicks []string

func (c categoryTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for i, name := range c {
		if float64(i) >= lo && float64(i) <= hi {
			ticks = append(ticks, plot.Tick{Value: float64(i), Label: name})
		}
	}
	return ticks
}

// percentileChart draws latency-like series at named percentiles.
func percentileChart(title, yLabel string, names []string, series []chartSeries) (htmlChart, error) {
	ch := htmlChart{Title: title}
	p := newPlot()
	p.X.Label.Text, p.Y.Label.Text = "percentile", yLabel
	p.X.Tick.Marker, p.Y.Tick.Marker = categoryTicks(names), commaTicks{}
	p.Add(plotter.NewGrid())
	ymax := 0.0
	for _, s := range series {
		pts := make(plotter.XYs, len(s.ys))
		for i, y := range s.ys {
			pts[i] = plotter.XY{X: float64(i), Y: y}
			ymax = max(ymax, y)
		}
		l, pt, err := plotter.NewLinePoints(pts)
		if err != nil {
			return ch, err
		}
		l.Color, l.Width = s.color, vg.Points(1.4)
		pt.Color, pt.Shape, pt.Radius = s.color, draw.CircleGlyph{}, vg.Points(2.2)
		p.Add(l, pt)
		ch.Legend = append(ch.Legend, legendItem{Color: cssColor(s.color), Label: s.name})
	}
	p.X.Min, p.X.Max = -0.3, float64(len(names))-0.7
	p.Y.Min, p.Y.Max = 0, math.Max(ymax*1.08, 1)
	svg, err := renderSVG(p, title)
	ch.SVG = svg
	return ch, err
}

// timeAxis turns step indexes into x values in a unit a person reads: the
// seconds, minutes or hours since the start; xStep is one step in it.
func timeAxis(n int, stepSeconds int64, start report.Timestamp) (xs []float64, xStep float64, label string) {
	span := float64(n) * float64(stepSeconds)
	unit, name := 1.0, "seconds"
	switch {
	case span > 3*86400:
		unit, name = 86400, "days"
	case span > 3*3600:
		unit, name = 3600, "hours"
	case span > 600:
		unit, name = 60, "minutes"
	}
	xs = make([]float64, n)
	for i := range xs {
		xs[i] = float64(int64(i)*stepSeconds) / unit
	}
	return xs, float64(stepSeconds) / unit, fmt.Sprintf("%s since %s UTC", name, start.Time().Format("2006-01-02 15:04:05"))
}
