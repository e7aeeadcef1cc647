package render

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// chromium returns the headless browser, or skips the test without one
// (.ci/run installs Debian's chromium).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium: install it (apt-get install chromium) to open the HTML report in a browser")
	return ""
}

// browser is one headless Chromium with the network and every background
// service off, driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: it reads commands on its descriptor 3 and
// writes replies and events on its descriptor 4, each message JSON ended
// by a NUL byte). Starting Chromium takes seconds, so the test starts one
// and opens every page in a tab of it.
type browser struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	stderr lockedBuffer
	done   chan struct{} // closed when the reader stops
	wmu    sync.Mutex    // one message written at a time

	mu    sync.Mutex
	next  int
	calls map[int]chan cdpMessage
	tabs  map[string]*tab // by session id
	err   error           // why the reader stopped
}

// cdpMessage is a DevTools protocol message: a command, its reply, or an
// event.
type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startBrowser starts bin; it is stopped when t ends.
func startBrowser(t *testing.T, bin string) *browser {
	t.Helper()
	cmdIn, in, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	out, cmdOut, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--user-data-dir=" + t.TempDir(),
		"--enable-logging=stderr", "--v=0", "--remote-debugging-pipe", "about:blank"}
	b := &browser{cmd: exec.Command(bin, args...), in: in, done: make(chan struct{}),
		calls: map[int]chan cdpMessage{}, tabs: map[string]*tab{}}
	b.cmd.ExtraFiles = []*os.File{cmdIn, cmdOut} // descriptors 3 and 4
	// Its own process group, so that the end of the test stops every
	// process it started at once, rather than waiting for it to close.
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	b.cmd.Stderr = &b.stderr
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmdIn.Close()
	cmdOut.Close()
	go b.read(out)
	t.Cleanup(func() {
		in.Close()
		// Everything it was to say is read: its orderly shutdown takes
		// seconds, a kill of its process group none.
		syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
		b.cmd.Wait()
		out.Close()
	})
	return b
}

// read delivers replies to their callers and events to their tabs.
func (b *browser) read(r io.Reader) {
	defer close(b.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<20) // a screenshot is one message
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.IndexByte(data, 0); i >= 0 {
			return i + 1, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return 0, nil, io.ErrUnexpectedEOF
		}
		return 0, nil, nil
	})
	for sc.Scan() {
		var m cdpMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			b.stop(fmt.Errorf("a message that is not JSON: %v", err))
			return
		}
		b.mu.Lock()
		if m.ID != 0 {
			if c := b.calls[m.ID]; c != nil {
				delete(b.calls, m.ID)
				c <- m
			}
		} else if tb := b.tabs[m.SessionID]; tb != nil {
			tb.event(m)
		}
		b.mu.Unlock()
	}
	b.stop(fmt.Errorf("chromium closed its pipe: %v", sc.Err()))
}

func (b *browser) stop(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.err = err
}

// call sends a command (to a tab's session, or to the browser when
// session is "") and decodes its result into result, if not nil.
func (b *browser) call(ctx context.Context, session, method string, params, result any) error {
	p, err := json.Marshal(params)
	if err != nil {
		return err
	}
	reply := make(chan cdpMessage, 1)
	b.mu.Lock()
	b.next++
	id := b.next
	b.calls[id] = reply
	b.mu.Unlock()
	msg, err := json.Marshal(cdpMessage{ID: id, SessionID: session, Method: method, Params: p})
	if err == nil {
		b.wmu.Lock()
		_, err = b.in.Write(append(msg, 0))
		b.wmu.Unlock()
	}
	if err != nil {
		return fmt.Errorf("%s: %v", method, err)
	}
	select {
	case m := <-reply:
		if m.Error != nil {
			return fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-b.done:
		b.mu.Lock()
		defer b.mu.Unlock()
		return fmt.Errorf("%s: %v\n%s", method, b.err, b.stderr.String())
	case <-ctx.Done():
		return fmt.Errorf("%s: %v", method, ctx.Err())
	}
}

// tab is a page open in the browser.
type tab struct {
	b       *browser
	session string
	loaded  chan struct{} // closed at the page's load event
	once    sync.Once
	console []string // console messages, exceptions and log entries (b.mu)
}

// event records what a tab reports; b.mu is held.
func (tb *tab) event(m cdpMessage) {
	switch m.Method {
	case "Page.loadEventFired":
		tb.once.Do(func() { close(tb.loaded) })
	case "Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded":
		tb.console = append(tb.console, m.Method+" "+string(m.Params))
	}
}

// open opens url in a new tab of width × height pixels and waits for it
// to load.
func (b *browser) open(ctx context.Context, url string, width, height int) (*tab, error) {
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank", "newWindow": true}, &target); err != nil {
		return nil, err
	}
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached); err != nil {
		return nil, err
	}
	tb := &tab{b: b, session: attached.SessionID, loaded: make(chan struct{})}
	b.mu.Lock()
	b.tabs[tb.session] = tb
	b.mu.Unlock()
	for _, c := range []struct {
		method string
		params map[string]any
	}{
		{"Page.enable", nil}, {"Runtime.enable", nil}, {"Log.enable", nil},
		{"Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}},
		{"Page.navigate", map[string]any{"url": url}},
	} {
		if err := b.call(ctx, tb.session, c.method, c.params, nil); err != nil {
			return nil, err
		}
	}
	select {
	case <-tb.loaded:
		return tb, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%s did not load: %v", url, ctx.Err())
	}
}

// dom returns the page's document as HTML, as --dump-dom prints it.
func (tb *tab) dom(ctx context.Context) (string, error) {
	var r struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
	}
	err := tb.b.call(ctx, tb.session, "Runtime.evaluate",
		map[string]any{"expression": "document.documentElement.outerHTML", "returnByValue": true}, &r)
	return r.Result.Value, err
}

// eval evaluates a JavaScript expression that returns a JSON string in
// the page, and decodes that JSON into out.
func (tb *tab) eval(ctx context.Context, expr string, out any) error {
	var r struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := tb.b.call(ctx, tb.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &r); err != nil {
		return err
	}
	if r.Exception != nil {
		return fmt.Errorf("evaluate: %s", r.Exception.Text)
	}
	return json.Unmarshal([]byte(r.Result.Value), out)
}

// layout is where the browser put a page's charts and tables, in CSS
// pixels: what the user sees.
type layout struct {
	Width   float64        `json:"width"` // the viewport's
	Figures []figureLayout `json:"figures"`
	Tables  []tableLayout  `json:"tables"`
}

// figureLayout is one chart. Heights are how far above the x axis a
// thing is drawn: a limit line's, the admitted line's highest point, a
// mark's centre; Plot is the plot area's.
type figureLayout struct {
	Title    string       `json:"title"`
	Plot     float64      `json:"plot"`
	Limits   []float64    `json:"limits"`
	Admitted float64      `json:"admitted"`
	Marks    []markLayout `json:"marks"`
}

type markLayout struct {
	Count  string  `json:"count"`
	Lift   float64 `json:"lift"`
	Width  float64 `json:"width"`
	Inside bool    `json:"inside"` // within the chart's box
	Fill   string  `json:"fill"`
}

// tableLayout is one table: the right edge of its last column, its
// heading, how far its box scrolls, the box's right edge and whether it
// scrolls sideways (its overflow-x).
type tableLayout struct {
	Right    float64 `json:"right"`
	Last     string  `json:"last"`
	Scroll   float64 `json:"scroll"`
	BoxRight float64 `json:"boxRight"`
	Overflow string  `json:"overflow"`
}

// layoutJS measures a page for layout.
const layoutJS = `JSON.stringify({
  width: window.innerWidth,
  figures: [...document.querySelectorAll("figure")].map(f => {
    const svg = f.querySelector("svg.chart"), box = svg.getBoundingClientRect();
    const axes = svg.querySelectorAll('g[stroke="` + "#5f6b7a" + `"] line');
    const x = axes[0].getBoundingClientRect().top, top = axes[1].getBoundingClientRect().top;
    const adm = svg.querySelector('polyline[stroke="` + "#1f9d55" + `"]');
    return {
      title: f.querySelector("h3").textContent,
      plot: x - top,
      limits: [...svg.querySelectorAll('polyline[stroke-dasharray="6 3"]')].map(l => x - l.getBoundingClientRect().top),
      admitted: adm ? x - adm.getBoundingClientRect().top : 0,
      marks: [...svg.querySelectorAll("circle.mark")].map(c => {
        const r = c.getBoundingClientRect();
        return {count: c.dataset.count, lift: x - (r.top + r.height / 2), width: r.width, fill: getComputedStyle(c).fill,
          inside: r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom};
      }),
    };
  }),
  tables: [...document.querySelectorAll("table")].map(t => {
    const cells = t.querySelectorAll("tr:first-child > *"), last = cells[cells.length - 1];
    const box = t.parentElement;
    return {right: last.getBoundingClientRect().right, last: last.textContent, scroll: box.scrollWidth - box.clientWidth,
      boxRight: box.getBoundingClientRect().right, overflow: getComputedStyle(box).overflowX};
  }),
})`

// screenshot returns a PNG of the tab's viewport.
func (tb *tab) screenshot(ctx context.Context) ([]byte, error) {
	var r struct {
		Data string `json:"data"`
	}
	if err := tb.b.call(ctx, tb.session, "Page.captureScreenshot", map[string]any{"format": "png", "optimizeForSpeed": true}, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}

// messages returns what the tab printed to its console so far.
func (tb *tab) messages() []string {
	tb.b.mu.Lock()
	defer tb.b.mu.Unlock()
	return append([]string(nil), tb.console...)
}

// visit is a page to open in the browser, and what came of it.
type visit struct {
	path          string
	width, height int
	shot          bool // take a screenshot

	dom     string
	layout  layout
	png     []byte
	console []string
	err     error
}

// do opens the page in b and records its document, its screenshot if
// asked, and what it printed to the console.
func (v *visit) do(ctx context.Context, b *browser) {
	if v.err != nil {
		return
	}
	tb, err := b.open(ctx, "file://"+v.path, v.width, v.height)
	if err == nil {
		v.dom, err = tb.dom(ctx)
	}
	if err == nil && v.path != "" && !strings.HasSuffix(v.path, "noisy.html") {
		err = tb.eval(ctx, layoutJS, &v.layout)
	}
	if err == nil && v.shot {
		v.png, err = tb.screenshot(ctx)
	}
	if err == nil {
		v.console = tb.messages()
	}
	v.err = err
}

// TestHTMLInChromium opens the pages in headless Chromium, each in a tab
// of one browser, at once: each renders its charts and prints nothing to
// the console (the pages have no script, so any console message is a
// resource blocked by the page's policy or an error), neither in the tab
// nor in the browser's log. It also takes a screenshot of the run's and
// workato's pages; set HOOKLIMIT_SCREENSHOTS to a folder to keep them. A
// page that logs and loads from the network proves the console is heard.
func TestHTMLInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("opens a browser")
	}
	t.Parallel() // it mostly waits on the browser: other tests run meanwhile
	bin := chromium(t)
	dir := t.TempDir()
	if keep := os.Getenv("HOOKLIMIT_SCREENSHOTS"); keep != "" {
		dir = keep
	}
	console := regexp.MustCompile(`(?m)^.*(:CONSOLE|Uncaught|violates the following Content Security Policy|Refused to|net::ERR_).*$`)
	b := startBrowser(t, bin) // it starts while the pages are made
	pages := browserPages(t)
	noisy := filepath.Join(dir, "noisy.html")
	if err := os.WriteFile(noisy, []byte(`<!DOCTYPE html><title>noisy</title><script>console.log("heard")</script><img src="http://127.0.0.1:9/x.png">`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// Every page at once, each in its own window (a screenshot of a tab
	// in the background never comes), the checks after.
	// compare-800 is the compare page in a window 800 pixels wide.
	names := []string{"noisy", "run", "workato", "check", "probe", "burst", "storm", "compare", "compare-800"}
	visits := make(map[string]*visit, len(names))
	var wg sync.WaitGroup
	for _, name := range names {
		v := &visit{path: noisy, width: 800, height: 600}
		if name != "noisy" {
			page, width := name, 1100
			if name == "compare-800" {
				page, width = "compare", 800
			}
			v.path, v.width, v.height = filepath.Join(dir, page+".html"), width, 2400
			v.err = os.WriteFile(v.path, pages[page], 0o644)
			v.shot = name == "run" || name == "workato"
		}
		visits[name] = v
		wg.Go(func() { v.do(ctx, b) })
	}
	wg.Wait()
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			v := visits[name]
			page := strings.TrimSuffix(name, "-800")
			if v.err != nil {
				t.Fatal(v.err)
			}
			if name == "noisy" {
				if !strings.Contains(strings.Join(v.console, "\n"), "heard") {
					t.Errorf("console.log on a page was not heard: %q", v.console)
				}
				return
			}
			if got, want := strings.Count(v.dom, `<svg class="chart"`), strings.Count(string(pages[page]), `<svg class="chart"`); got != want || got == 0 {
				t.Errorf("%d charts in the rendered page, want %d", got, want)
			}
			if !strings.Contains(v.dom, `id="verdict"`) || !strings.Contains(v.dom, "<polyline") && !strings.Contains(v.dom, "<path") {
				t.Errorf("the rendered page has no verdict or no drawing:\n%.2000s", v.dom)
			}
			if v.shot {
				shot := filepath.Join(dir, name+".png")
				if err := os.WriteFile(shot, v.png, 0o644); err != nil {
					t.Fatal(err)
				}
				if len(v.png) < 10_000 || !bytes.HasPrefix(v.png, []byte("\x89PNG")) {
					t.Errorf("screenshot %s: %d bytes, not a page's PNG", shot, len(v.png))
				}
			}
			if len(v.console) > 0 {
				t.Errorf("console output opening %s:\n%s", name, strings.Join(v.console, "\n"))
			}
			checkLayout(t, name, v.layout)
		})
	}
	// The browser's own log: the noisy page's lines are expected there.
	var bad []string
	for _, line := range console.FindAllString(b.stderr.String(), -1) {
		if !strings.Contains(line, "noisy.html") && !strings.Contains(line, "127.0.0.1:9") && !strings.Contains(line, "heard") {
			bad = append(bad, line)
		}
	}
	if len(bad) > 0 {
		t.Errorf("console output in the browser's log:\n%s", strings.Join(bad[:min(5, len(bad))], "\n"))
	}
}

// checkLayout checks what the user sees of a page in the browser: no
// table cut off at the viewport's edge; the limit of a chart whose peak
// is 40 times it readable in a zoomed panel; a burst's rejections marked
// where they can be seen; the probe's discovery drawn with its inferred
// limit and its 429s.
func checkLayout(t *testing.T, name string, l layout) {
	t.Helper()
	for _, tb := range l.Tables {
		// At 1,100 px every table fits; narrower, a table may scroll in
		// a box that fits, and nothing is cut.
		fits := tb.Right <= l.Width && tb.Scroll <= 0
		scrolls := tb.BoxRight <= l.Width && tb.Overflow == "auto"
		if !fits && (l.Width >= 1100 || !scrolls) {
			t.Errorf("a table's last column %q ends at %.0f px in a %.0f px window (its box ends at %.0f px, scrolls by %.0f px, overflow-x %s)",
				tb.Last, tb.Right, l.Width, tb.BoxRight, tb.Scroll, tb.Overflow)
		}
	}
	figure := func(title string) *figureLayout {
		for i := range l.Figures {
			if strings.Contains(l.Figures[i].Title, title) {
				return &l.Figures[i]
			}
		}
		t.Errorf("no chart %q among %d", title, len(l.Figures))
		return nil
	}
	// A mark is seen: drawn, filled, in the chart and off the x axis.
	seen := func(f *figureLayout, count string) {
		for _, m := range f.Marks {
			if m.Count == count {
				if m.Width < 4 || !m.Inside || m.Lift < 3 || m.Fill == "none" || m.Fill == "" {
					t.Errorf("%s: the mark of %s 429s is not to be seen: %+v", f.Title, count, m)
				}
				return
			}
		}
		t.Errorf("%s: no mark of %s 429s among %+v", f.Title, count, f.Marks)
	}
	switch name {
	case "storm":
		// 25/s against 1,000/s: 8 px above the axis in the full chart,
		// a third of the plot in the zoomed one.
		if f := figure("Sent per second against the limits, zoomed"); f != nil {
			if len(f.Limits) == 0 || f.Limits[0] < f.Plot/4 || f.Admitted < f.Plot/4 {
				t.Errorf("%s: limit lines %v px and admitted %.0f px above the axis of a %.0f px plot, want a quarter of it at least", f.Title, f.Limits, f.Admitted, f.Plot)
			}
			seen(f, "975")
		}
	case "burst":
		if f := figure("Sent per second against the limits"); f != nil {
			seen(f, "80")
			// The 18,020 admitted reach the line of the most a second
			// admits from full, near the top.
			if f.Admitted < 0.8*f.Plot || len(f.Limits) < 2 || math.Abs(f.Limits[1]-f.Admitted) > 2 {
				t.Errorf("%s: admitted %.0f px, limits %v px above the axis of a %.0f px plot, want the admitted at the line of the most from full", f.Title, f.Admitted, f.Limits, f.Plot)
			}
		}
	case "probe":
		if f := figure("Requests per second sent and admitted, against the inferred limits"); f != nil {
			if len(f.Limits) != 1 || f.Limits[0] < 20 {
				t.Errorf("%s: limit lines %v px above the axis, want the inferred limit's", f.Title, f.Limits)
			}
			seen(f, "15")
		}
	}
}
