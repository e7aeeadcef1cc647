package render

import (
	"encoding/xml"
	"image/color"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   []string
	}{
		{0, 1, []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}},
		{0, 27, []string{"0", "5", "10", "15", "20", "25"}},
		{0, 32.4, []string{"0", "10", "20", "30"}},
		{0, 19440, []string{"0", "5,000", "10,000", "15,000"}},
		{0, 1080, []string{"0", "200", "400", "600", "800", "1,000"}},
		{-0.3, 4.3, []string{"0", "1", "2", "3", "4"}},
		{0, 0.3, []string{"0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3"}},
		{5, 5, []string{"5"}},
	} {
		var got []string
		for _, tk := range niceTicks(tc.lo, tc.hi) {
			if tk.value < tc.lo || tk.value > tc.hi {
				t.Errorf("[%v, %v]: tick %v outside", tc.lo, tc.hi, tk.value)
			}
			got = append(got, tk.label)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("niceTicks(%v, %v) = %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestPostSteps(t *testing.T) {
	xs, ys := postSteps([]float64{0, 1, 2}, []float64{3, 5, 0}, 3)
	if want := []float64{0, 1, 1, 2, 2, 3}; !reflect.DeepEqual(xs, want) {
		t.Errorf("xs %v, want %v", xs, want)
	}
	if want := []float64{3, 3, 5, 5, 0, 0}; !reflect.DeepEqual(ys, want) {
		t.Errorf("ys %v, want %v", ys, want)
	}
}

// TestSVGChart: a chart is well-formed XML whose text is escaped, and
// whose points land in the plot area at the right places: the limit line
// at its height, the first step at the left edge, the last at the right.
func TestSVGChart(t *testing.T) {
	ch, err := lineChart(`<b>"t1"</b> & co`, "seconds", "per second", []float64{0, 1, 2, 3}, 1,
		[]chartSeries{{name: "sent", ys: []float64{10, 30, 0, 25}, color: colSent, steps: true}},
		[]chartLine{{label: "limit 25/s", y: 25, color: color.RGBA{A: 0xff}}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(ch.SVG)
	if strings.Contains(s, "<b>") || !strings.Contains(s, "&lt;b&gt;&#34;t1&#34;&lt;/b&gt; &amp; co") {
		t.Errorf("title not escaped:\n%.400s", s)
	}
	d := xml.NewDecoder(strings.NewReader(s))
	var polylines []map[string]string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, s)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
			m := map[string]string{}
			for _, a := range se.Attr {
				m[a.Name.Local] = a.Value
			}
			polylines = append(polylines, m)
		}
	}
	if len(polylines) != 2 {
		t.Fatalf("%d polylines, want the series and the limit", len(polylines))
	}
	p := &svgPlot{}
	p.axes(0, 4, 0, 30*1.08, nil, niceTicks(0, 30*1.08))
	pt := func(x, y float64) string { return num(p.x(x)) + "," + num(p.y(y)) }
	wantSeries := strings.Join([]string{pt(0, 10), pt(1, 10), pt(1, 30), pt(2, 30), pt(2, 0), pt(3, 0), pt(3, 25), pt(4, 25)}, " ")
	if got := polylines[0]["points"]; got != wantSeries {
		t.Errorf("series points %q, want %q", got, wantSeries)
	}
	if got, want := polylines[1]["points"], pt(0, 25)+" "+pt(4, 25); got != want {
		t.Errorf("limit points %q, want %q", got, want)
	}
	if polylines[1]["stroke-dasharray"] == "" || polylines[0]["stroke-dasharray"] != "" {
		t.Errorf("dashes: series %q, limit %q", polylines[0]["stroke-dasharray"], polylines[1]["stroke-dasharray"])
	}
	if p.x(0) != p.left || p.x(4) != p.right || p.y(0) != p.bottom {
		t.Errorf("the axes' ends are not the plot area's edges")
	}
	if len(ch.Legend) != 2 || ch.Legend[0].Label != "sent" || ch.Legend[1].Label != "limit 25/s" || !ch.Legend[1].Dashed {
		t.Errorf("legend %+v", ch.Legend)
	}
}

// TestZoomTop: a panel zoomed to the limits comes only when the peak is
// more than zoomFactor times the highest limit line, and cuts the y axis
// at three times that line.
func TestZoomTop(t *testing.T) {
	lines := []chartLine{{y: 25}, {y: 16.7}}
	for _, tc := range []struct {
		peak, want float64
	}{
		{0, 0},
		{25, 0},
		{200, 0}, // exactly 8 times: the line is at an eighth, still read
		{200.5, 75},
		{1000, 75},
	} {
		series := []chartSeries{{ys: []float64{1, tc.peak, 3}}, {ys: []float64{2}}}
		if got := zoomTop(series, lines); got != tc.want {
			t.Errorf("peak %v against a 25 line: zoom top %v, want %v", tc.peak, got, tc.want)
		}
	}
	if got := zoomTop([]chartSeries{{ys: []float64{1000}}}, nil); got != 0 {
		t.Errorf("no limit line: zoom top %v, want 0", got)
	}
}

// TestMarksLifted: one 429 against a peak of 18,100 is marked a few units
// above the x axis, with its count; a mark above a cut y axis is drawn at
// the top edge with its own count; more marks than maxMarkLabels go
// without the counts written.
func TestMarksLifted(t *testing.T) {
	xs := []float64{0, 1, 2}
	series := []chartSeries{{ys: []float64{18100, 2, 0}, steps: true}}
	marks := &chartSeries{name: "429s", ys: []float64{1, 0, 0}, color: colRejected}
	ch, err := drawLineChart("t", "x", "y", xs, 1, series, []chartLine{{y: 20}}, chartOpts{marks: marks})
	if err != nil {
		t.Fatal(err)
	}
	p := &svgPlot{}
	p.axes(0, 3, 0, 18100*1.08, nil, niceTicks(0, 18100*1.08))
	var cy float64
	if _, err := markCY(string(ch.SVG), `data-count="1"`, &cy); err != nil {
		t.Fatal(err)
	}
	if lift := p.bottom - cy; lift < minMarkLift-0.05 {
		t.Errorf("the mark of one 429 is %.1f above the x axis, want %v at least", lift, minMarkLift)
	}
	if !strings.Contains(string(ch.SVG), `>1</text>`) {
		t.Errorf("the count of the mark is not written:\n%s", ch.SVG)
	}
	zoom, _ := drawLineChart("t", "x", "y", xs, 1, series, []chartLine{{y: 20}}, chartOpts{yTop: 60, marks: &chartSeries{ys: []float64{500, 0, 0}}})
	if !strings.Contains(string(zoom.SVG), `data-count="500"`) || !strings.Contains(string(zoom.SVG), `>500</text>`) {
		t.Errorf("a mark above the cut lost its count:\n%s", zoom.SVG)
	}
	many := make([]float64, maxMarkLabels+1)
	mxs := make([]float64, len(many))
	for i := range many {
		many[i], mxs[i] = 37, float64(i)
	}
	crowd, _ := drawLineChart("t", "x", "y", mxs, 1, []chartSeries{{ys: many}}, nil, chartOpts{marks: &chartSeries{ys: many}})
	if n := strings.Count(string(crowd.SVG), `class="mark"`); n != len(many) || strings.Contains(string(crowd.SVG), `>37</text>`) {
		t.Errorf("%d marks (want %d) and counts written for more than %d", n, len(many), maxMarkLabels)
	}
}

// markCY finds the circle with attr in svg and reads its cy.
func markCY(svg, attr string, cy *float64) (int, error) {
	i := strings.Index(svg, attr)
	if i < 0 {
		return 0, io.ErrUnexpectedEOF
	}
	j := strings.Index(svg[i:], `cy="`)
	if j < 0 {
		return 0, io.ErrUnexpectedEOF
	}
	rest := svg[i+j+4:]
	v, err := strconv.ParseFloat(rest[:strings.IndexByte(rest, '"')], 64)
	*cy = v
	return 1, err
}
