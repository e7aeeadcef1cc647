package render

import (
	"encoding/xml"
	"image/color"
	"io"
	"reflect"
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
