package render

import (
	"fmt"
	"html/template"
	"image/color"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The size of a chart in SVG user units (points): 9 by 3.4 inches. Inline
// in the page it scales with the page's width.
const (
	svgWidth  = 648.0
	svgHeight = 245.0
)

// svgPlot is one chart being drawn: axes with ticks and a grid, lines and
// markers, in an SVG element of its own. Data coordinates map onto the
// plot area with x in [xmin, xmax] and y in [ymin, ymax].
type svgPlot struct {
	title          string
	xLabel, yLabel string
	xmin, xmax     float64
	ymin, ymax     float64
	xTicks, yTicks []svgTick
	body           strings.Builder // the lines and markers, drawn in order

	// The plot area, in SVG units, set by layout.
	left, right, top, bottom float64
}

// svgTick is a tick on an axis: its value and its label.
type svgTick struct {
	value float64
	label string
}

// The charts' text and axis colour, and their grid's.
var (
	colAxis = color.RGBA{R: 0x5f, G: 0x6b, B: 0x7a, A: 0xff}
	colGrid = color.RGBA{R: 0xdd, G: 0xe1, B: 0xe6, A: 0xff}
)

// svgFonts are the charts' fonts: the page's sans-serif.
const svgFonts = `'Liberation Sans',Arial,Helvetica,sans-serif`

// axes sets the ranges and ticks of the axes and places the plot area:
// call it before drawing.
func (p *svgPlot) axes(xmin, xmax, ymin, ymax float64, xTicks, yTicks []svgTick) {
	p.xmin, p.xmax, p.ymin, p.ymax = xmin, xmax, ymin, ymax
	p.xTicks, p.yTicks = xTicks, yTicks
	p.layout()
}

// layout places the plot area: room on the left for the y tick labels
// and the y label, below for the x tick labels and the x label. The title
// is the figure's heading in the page; the SVG carries it as its label.
func (p *svgPlot) layout() {
	widest := 0
	for _, t := range p.yTicks {
		widest = max(widest, utf8.RuneCountInString(t.label))
	}
	p.left = 20 + 6*float64(widest) + 8
	p.right = svgWidth - 14
	p.top = 12
	p.bottom = svgHeight - 36
}

// x maps a data x onto the SVG.
func (p *svgPlot) x(v float64) float64 {
	return p.left + (v-p.xmin)/(p.xmax-p.xmin)*(p.right-p.left)
}

// y maps a data y onto the SVG.
func (p *svgPlot) y(v float64) float64 {
	return p.bottom - (v-p.ymin)/(p.ymax-p.ymin)*(p.bottom-p.top)
}

// num writes a coordinate with one decimal, which is finer than a pixel
// and keeps the SVG small.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// polyline draws a line through the data points; dash is an SVG
// stroke-dasharray, or "" for a solid line.
func (p *svgPlot) polyline(xs, ys []float64, c color.RGBA, width float64, dash string) {
	b := &p.body
	b.WriteString(`<polyline fill="none" stroke="` + cssColor(c) + `" stroke-width="` + num(width) + `" stroke-linejoin="round"`)
	if dash != "" {
		b.WriteString(` stroke-dasharray="` + dash + `"`)
	}
	b.WriteString(` points="`)
	for i := range ys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(num(p.x(xs[i])) + "," + num(p.y(ys[i])))
	}
	b.WriteString(`"/>` + "\n")
}

// circles draws a dot at each data point.
func (p *svgPlot) circles(xs, ys []float64, c color.RGBA, r float64) {
	for i := range ys {
		fmt.Fprintf(&p.body, `<circle cx="%s" cy="%s" r="%s" fill="%s"/>`+"\n", num(p.x(xs[i])), num(p.y(ys[i])), num(r), cssColor(c))
	}
}

// minMarkLift is how far above the x axis a mark's dot is at least, in
// SVG units, so that a count too small for the axis still shows.
const minMarkLift = 5.0

// marks draws a dot at each data point, lifted at least minMarkLift above
// the x axis, with the counts (ns) written above the dots when label is
// set. Each dot has the class "mark" and its count as data-count.
func (p *svgPlot) marks(xs, ys, ns []float64, c color.RGBA, label bool) {
	for i := range ys {
		cx, cy := p.x(xs[i]), min(p.y(ys[i]), p.bottom-minMarkLift)
		fmt.Fprintf(&p.body, `<circle class="mark" data-count="%s" cx="%s" cy="%s" r="3.2" fill="%s" stroke="#fff" stroke-width="0.8"/>`+"\n",
			tickLabel(ns[i]), num(cx), num(cy), cssColor(c))
		if label {
			// Above the dot, or beside it where the top edge is near.
			tx, ty, anchor := cx, cy-6, "middle"
			if ty < p.top+8 {
				tx, ty, anchor = cx+5, cy+3.5, "start"
			}
			fmt.Fprintf(&p.body, `<text x="%s" y="%s" font-size="9.5" font-weight="bold" text-anchor="%s" fill="%s">%s</text>`+"\n",
				num(tx), num(ty), anchor, cssColor(c), tickLabel(ns[i]))
		}
	}
}

// svg returns the chart as an SVG element for inline use: its size is a
// view box, so it scales with the page.
func (p *svgPlot) svg() template.HTML {
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" font-family="%s">`+"\n",
		esc(p.title), num(svgWidth), num(svgHeight), svgFonts)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#fff"/>`+"\n")
	axis, grid := cssColor(colAxis), cssColor(colGrid)
	// The grid, under everything.
	b.WriteString(`<g stroke="` + grid + `" stroke-width="0.6">` + "\n")
	for _, t := range p.xTicks {
		fmt.Fprintf(&b, `<line x1="%[1]s" y1="%[2]s" x2="%[1]s" y2="%[3]s"/>`+"\n", num(p.x(t.value)), num(p.top), num(p.bottom))
	}
	for _, t := range p.yTicks {
		fmt.Fprintf(&b, `<line x1="%[2]s" y1="%[1]s" x2="%[3]s" y2="%[1]s"/>`+"\n", num(p.y(t.value)), num(p.left), num(p.right))
	}
	b.WriteString("</g>\n")
	b.WriteString(p.body.String())
	// The axes, their ticks and labels.
	fmt.Fprintf(&b, `<g stroke="%s" stroke-width="0.8"><line x1="%[2]s" y1="%[3]s" x2="%[4]s" y2="%[3]s"/><line x1="%[2]s" y1="%[5]s" x2="%[2]s" y2="%[3]s"/>`+"\n",
		axis, num(p.left), num(p.bottom), num(p.right), num(p.top))
	for _, t := range p.xTicks {
		fmt.Fprintf(&b, `<line x1="%[1]s" y1="%[2]s" x2="%[1]s" y2="%[3]s"/>`, num(p.x(t.value)), num(p.bottom), num(p.bottom+4))
	}
	for _, t := range p.yTicks {
		fmt.Fprintf(&b, `<line x1="%[2]s" y1="%[1]s" x2="%[3]s" y2="%[1]s"/>`, num(p.y(t.value)), num(p.left-4), num(p.left))
	}
	b.WriteString("</g>\n")
	fmt.Fprintf(&b, `<g fill="%s" font-size="10">`+"\n", axis)
	for _, t := range p.xTicks {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num(p.x(t.value)), num(p.bottom+15), esc(t.label))
	}
	for _, t := range p.yTicks {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end">%s</text>`+"\n", num(p.left-6), num(p.y(t.value)+3.5), esc(t.label))
	}
	fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" text-anchor="middle">%s</text>`+"\n", num((p.left+p.right)/2), num(svgHeight-6), esc(p.xLabel))
	fmt.Fprintf(&b, `<text transform="translate(14 %s) rotate(-90)" font-size="11" text-anchor="middle">%s</text>`+"\n", num((p.top+p.bottom)/2), esc(p.yLabel))
	b.WriteString("</g>\n</svg>")
	return template.HTML(b.String()) // #nosec: our own markup; every text is escaped above
}

// niceTicks returns ticks from lo to hi at a round step (1, 2 or 5 times a
// power of ten) that gives four to seven of them, labelled by tickLabel.
func niceTicks(lo, hi float64) []svgTick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) || math.IsNaN(hi-lo) {
		return []svgTick{{lo, tickLabel(lo)}}
	}
	raw := (hi - lo) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []svgTick
	for i := math.Ceil(lo / step); i*step <= hi*(1+1e-12) && len(ticks) < 50; i++ {
		v := i * step
		// Round off the float error of i*step at the step's precision.
		v = math.Round(v/mag*1e6) / 1e6 * mag
		ticks = append(ticks, svgTick{v, tickLabel(v)})
	}
	return ticks
}
