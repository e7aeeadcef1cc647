package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ttyTimeout bounds each wait for the screen: generous, as the machine
// may be busy; a test that passes takes far less.
const ttyTimeout = 8 * time.Second

// tmuxTerm runs hooklimit in a pseudo-terminal of 80 columns, in a tmux
// server of its own, and reads what it draws.
type tmuxTerm struct {
	t      *testing.T
	tmux   string
	socket string
	bin    string
}

// newTmuxTerm starts a tmux server for the test, or skips the test when
// tmux is missing, unless CI is set: CI installs tmux (.ci/run).
func newTmuxTerm(t *testing.T) *tmuxTerm {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is missing: .ci/run installs it")
		}
		t.Skip("tmux is missing: apt-get install tmux")
	}
	dir, err := scripts.binDir()
	if err != nil {
		t.Skipf("cannot build hooklimit: %v", err)
	}
	tt := &tmuxTerm{t: t, tmux: tmux, socket: fmt.Sprintf("hooklimit-test-%d-%s", os.Getpid(), strings.ReplaceAll(t.Name(), "/", "-")), bin: filepath.Join(dir, "hooklimit")}
	t.Cleanup(func() { _ = exec.Command(tmux, "-L", tt.socket, "kill-server").Run() })
	return tt
}

func (tt *tmuxTerm) run(args ...string) string {
	tt.t.Helper()
	out, err := exec.Command(tt.tmux, append([]string{"-L", tt.socket}, args...)...).CombinedOutput()
	if err != nil {
		tt.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// start runs hooklimit with args in an 80×24 terminal that has TERM=term
// and no CI, its standard output thrown away: the screen shows standard
// error. It waits for Enter (see go), so that the output can be captured
// from the first byte.
func (tt *tmuxTerm) start(term string, args ...string) {
	tt.t.Helper()
	cmd := "read go; env -u CI TERM=" + term + " " + shellQuote(tt.bin)
	for _, a := range args {
		cmd += " " + shellQuote(a)
	}
	tt.run("new-session", "-d", "-s", "t", "-x", "80", "-y", "24", "sh -c "+shellQuote(cmd+" >/dev/null; sleep 60"))
}

// go lets the command run.
func (tt *tmuxTerm) goAhead() { tt.run("send-keys", "-t", "t", "Enter") }

// screen returns what the terminal shows.
func (tt *tmuxTerm) screen() string { return tt.run("capture-pane", "-p", "-t", "t") }

// waitScreen reads the screen until ok holds of it, and returns it.
func (tt *tmuxTerm) waitScreen(what string, ok func(string) bool) string {
	tt.t.Helper()
	deadline := time.Now().Add(ttyTimeout)
	for {
		s := tt.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tt.t.Fatalf("after %v the screen shows no %s:\n%s", ttyTimeout, what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

var percentRe = regexp.MustCompile(`\] +(\d+)% · \d`)

// percent returns the percentage the bar shows, or -1.
func percent(screen string) int {
	m := percentRe.FindStringSubmatch(screen)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestProgressBarMoves drives a virtual-time run of a day of traffic in a
// terminal: the bar shows the share of the day covered and moves on
// between two readings of the screen, with a time left and counts with
// thousands separators. The run takes tens of seconds of CPU; the test
// reads the screen only until the bar has moved.
func TestProgressBarMoves(t *testing.T) {
	t.Parallel()
	tt := newTmuxTerm(t)
	began := time.Now()
	defer func() { t.Logf("the bar moved in %v", time.Since(began).Round(time.Millisecond)) }()
	tt.start("xterm", "run", "poisson", "--rate", "20", "--duration", "24h")
	tt.goAhead()
	first := tt.waitScreen("bar past 0%", func(s string) bool { return percent(s) >= 1 })
	p1 := percent(first)
	second := tt.waitScreen(fmt.Sprintf("bar past %d%%", p1), func(s string) bool { return percent(s) > p1 })
	if p2 := percent(second); p2 >= 100 {
		t.Fatalf("the bar is full while the run goes on:\n%s", second)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`poisson \(rate 20/s, duration 1d, seed 1\) · retry-after`),
		regexp.MustCompile(`% · \d+(m\d\ds|s) left`),
		regexp.MustCompile(`\d{1,3}(,\d{3})+ attempts · [\d,]+ accepted · [\d,]+ × 429`),
	} {
		if !want.MatchString(second) {
			t.Errorf("the screen does not match %s:\n%s", want, second)
		}
	}
	for i, line := range strings.Split(second, "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("line %d is %d columns wide, more than the terminal's 80: %q", i+1, n, line)
		}
	}
}

// TestProgressNoCursorEscapes runs with TERM=dumb: the progress is plain
// lines, with no escape sequence at all, and ends with a line that says
// done.
func TestProgressNoCursorEscapes(t *testing.T) {
	t.Parallel()
	tt := newTmuxTerm(t)
	raw := filepath.Join(t.TempDir(), "raw")
	tt.start("dumb", "run", "steady", "--rate", "20", "--duration", "1m")
	tt.run("pipe-pane", "-t", "t", "-o", "cat > "+shellQuote(raw))
	tt.goAhead()
	tt.waitScreen("last progress line", func(s string) bool { return strings.Contains(s, "retry-after: done") })
	// pipe-pane's cat writes the file after the screen shows the line:
	// wait for the line there too.
	var data []byte
	for deadline := time.Now().Add(ttyTimeout); ; time.Sleep(20 * time.Millisecond) {
		var err error
		if data, err = os.ReadFile(raw); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "retry-after: done") || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(string(data), "steady (rate 20/s, duration 1m) · retry-after: done · 1,411 attempts · 1,200 accepted · 211 × 429") {
		t.Errorf("no last progress line in the output:\n%q", data)
	}
	if strings.ContainsRune(string(data), '\x1b') {
		t.Errorf("TERM=dumb, yet the output holds an escape sequence:\n%q", data)
	}
}
