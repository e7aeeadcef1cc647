package render

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
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

// runChromium opens file in headless Chromium with the network and every
// background service off, and returns what it printed.
func runChromium(t *testing.T, bin string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--user-data-dir=" + t.TempDir(),
		"--enable-logging=stderr", "--v=0"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
	}
	return out.String(), errb.String()
}

// TestHTMLInChromium opens the pages in headless Chromium: each renders
// its charts and prints nothing to the console (the pages have no script,
// so any console message is a resource blocked by the page's policy or an
// error). It also takes a screenshot of the run's page; set
// HOOKLIMIT_SCREENSHOTS to a folder to keep them.
func TestHTMLInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("opens a browser")
	}
	bin := chromium(t)
	dir := t.TempDir()
	if keep := os.Getenv("HOOKLIMIT_SCREENSHOTS"); keep != "" {
		dir = keep
	}
	console := regexp.MustCompile(`(?m)^.*(:CONSOLE|Uncaught|violates the following Content Security Policy|Refused to|net::ERR_).*$`)
	pages := htmlPages(t)
	for _, name := range []string{"run", "workato", "check", "probe"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".html")
			if err := os.WriteFile(path, pages[name], 0o644); err != nil {
				t.Fatal(err)
			}
			dom, logs := runChromium(t, bin, "--dump-dom", "file://"+path)
			if m := console.FindAllString(logs, 5); len(m) > 0 {
				t.Errorf("console output opening %s:\n%s", name, strings.Join(m, "\n"))
			}
			if got, want := strings.Count(dom, `<svg class="chart"`), strings.Count(string(pages[name]), `<svg class="chart"`); got != want || got == 0 {
				t.Errorf("%d charts in the rendered page, want %d", got, want)
			}
			if !strings.Contains(dom, `id="verdict"`) || !strings.Contains(dom, "<polyline") && !strings.Contains(dom, "<path") {
				t.Errorf("the rendered page has no verdict or no drawing:\n%.2000s", dom)
			}
			if name != "run" && name != "workato" {
				return
			}
			shot := filepath.Join(dir, name+".png")
			_, logs = runChromium(t, bin, "--window-size=1100,2400", "--screenshot="+shot, "file://"+path)
			if m := console.FindAllString(logs, 5); len(m) > 0 {
				t.Errorf("console output taking the screenshot:\n%s", strings.Join(m, "\n"))
			}
			if st, err := os.Stat(shot); err != nil || st.Size() < 10_000 {
				t.Errorf("screenshot %s: %v (size %v)", shot, err, st)
			}
		})
	}
}
