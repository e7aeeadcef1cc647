package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/discover"
)

func TestCursorless(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"TERM": "xterm-256color"}, false},
		{map[string]string{"TERM": "dumb"}, true},
		{map[string]string{"TERM": "xterm", "CI": "true"}, true},
		{map[string]string{"CI": "1"}, true},
		{map[string]string{"CI": ""}, false},
		{map[string]string{"CI": "false"}, false},
	}
	for _, tt := range tests {
		lookup := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
		if got := cursorless(lookup); got != tt.want {
			t.Errorf("cursorless(%v) = %v, want %v", tt.env, got, tt.want)
		}
	}
}

// TestProgressForms checks which form each stream gets: nothing off a
// terminal or with --quiet, plain lines without escapes on a terminal
// that asks for none.
func TestProgressForms(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	now := func() time.Time { return t0.Add(time.Minute) }
	steps := []discover.PlanStep{{Name: "advertised"}, {Name: "burst"}}
	tests := []struct {
		name     string
		terminal bool
		noCursor bool
		quiet    bool
		want     string
	}{
		{"pipe", false, false, false, ""},
		{"quiet", true, true, true, ""},
		{"dumb", true, true, false, "probe: done · step 2 of 2: burst · 1,001 requests · 1 × 429\n"},
	}
	for _, tt := range tests {
		var errOut bytes.Buffer
		streams := &IOStreams{ErrOut: &errOut, ErrIsTerminal: tt.terminal, ErrNoCursor: tt.noCursor}
		pr := newProgress(streams, tt.quiet, "probe", probeTracker(steps, 5000, time.Hour, t0), now)
		on := pr.onRequest(nil)
		on(&discover.ProbeRequest{Step: "burst", Status: 429})
		for range 1000 {
			on(&discover.ProbeRequest{Step: "burst", Status: 200})
		}
		pr.wait()
		pr.wait() // safe twice
		if got := errOut.String(); got != tt.want || strings.ContainsRune(got, '\x1b') {
			t.Errorf("%s: wrote %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestProgressObserver checks that the observer passes every attempt on
// and counts it.
func TestProgressObserver(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	pr := newProgress(&IOStreams{}, false, "run", runTracker(nil, false, 0, t0), func() time.Time { return t0 })
	var inner countingObserver
	obs := pr.observer(&inner)
	obs.Attempt(&probe.Attempt{Status: 429})
	pr.wait()
	if st := pr.tr.Status(t0); inner.n != 1 || st.Attempts != 1 || st.Rejected != 1 {
		t.Errorf("inner saw %d attempts; progress %+v", inner.n, st)
	}
}

type countingObserver struct{ n int }

func (c *countingObserver) Attempt(*probe.Attempt) { c.n++ }
func (c *countingObserver) Outcome(*probe.Outcome) {}
