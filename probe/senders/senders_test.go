package senders

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/scenarios"
)

// TestPresets checks that every preset of the issue exists, reads, and
// says where its numbers come from and what it assumes.
func TestPresets(t *testing.T) {
	want := "autotask quickbooks hubspot n8n svix slack msgraph stripe make zapier hookdeck convoy salesbuildr outboundsync"
	var names []string
	for _, p := range Presets() {
		names = append(names, p.Name)
		m, err := Parse(p.Name)
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		if m.Retry.String() != p.Retry || m.Preset != p.Name {
			t.Errorf("%s: retry %s, want %s", p.Name, m.Retry, p.Retry)
		}
		if p.Source == "" || p.Quote == "" || p.Assumed == "" || p.Vendor == "" {
			t.Errorf("%s: source, quote, assumptions or vendor missing", p.Name)
		}
	}
	if got := strings.Join(names, " "); got != want {
		t.Errorf("presets %s, want %s", got, want)
	}
}

// TestParse reads presets, presets with changes, and bare specs.
func TestParse(t *testing.T) {
	for _, tt := range []struct{ spec, want string }{
		{"", "parallel"},
		{"ordered", "ordered"},
		{"autotask", "autotask (ordered,disable-after=25,retry-after=ignore)"},
		{"Autotask, concurrency=4", "autotask (ordered,concurrency=4,disable-after=25,retry-after=ignore)"},
		{"hubspot", "hubspot (parallel,pace=20/s,retry-after=ms)"},
		{"svix", "svix (parallel,retry-after=max(cap=2h))"},
	} {
		m, err := Parse(tt.spec)
		if err != nil || m.String() != tt.want {
			t.Errorf("Parse(%q) = %q, %v; want %q", tt.spec, m.String(), err, tt.want)
		}
	}
	for _, bad := range []string{"autotask,parallel", "autotask,ordered", "nosuch", "quickbooks,pace=fast"} {
		_, err := Parse(bad)
		var ie *exitcode.InputError
		if !errors.As(err, &ie) || exitcode.Of(err) != exitcode.Usage {
			t.Errorf("Parse(%q) = %v; want a usage error", bad, err)
		}
	}
}

// TestAutotaskDisabled sends 30 events on one callout, all at once, to a
// receiver that answers every request 500, over HTTP in memory and in
// virtual time. Autotask delivers them in order: each event takes 5
// attempts 30 s apart, and the next starts when it is given up, 2 minutes
// later. After the 25th event is given up, at 50 minutes, the callout is
// disabled and the last 5 events are lost without an attempt.
func TestAutotaskDisabled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m, err := Parse("autotask")
		if err != nil {
			t.Fatal(err)
		}
		fail := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusInternalServerError)
		})
		src := &list{}
		for i := range 30 {
			src.ems = append(src.ems, scenarios.Emission{Time: scenarios.DefaultStart, Event: uint64(i + 1), Copies: 1, Key: "callout", Size: 10})
		}
		rec := &recorder{}
		client := &http.Client{Transport: memhttp.Transport{Handler: fail}}
		eng := &probe.Engine{Source: src, Policy: m.Retry, Sender: m.Sender, Observer: rec,
			Target: &probe.HTTPTarget{URL: "http://autotask.test/hooks/callout", Client: client, Clock: probe.SystemClock{}, Drain: 24 * time.Hour}}
		st, err := eng.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.attempts) != 125 {
			t.Fatalf("%d attempts, want 125 (25 events × 5)", len(rec.attempts))
		}
		for i, a := range rec.attempts {
			want := time.Duration(i/5)*2*time.Minute + time.Duration(i%5)*30*time.Second
			if a.Event != uint64(i/5+1) || a.N != i%5+1 || time.Duration(a.Sent-st.Start) != want {
				t.Fatalf("attempt %d: event %d #%d at %v; want event %d #%d at %v", i, a.Event, a.N, time.Duration(a.Sent-st.Start), i/5+1, i%5+1, want)
			}
		}
		if !st.Disabled || time.Duration(st.DisabledAt-st.Start) != 50*time.Minute {
			t.Errorf("disabled %v at %v, want at 50m (the 125th attempt's failure)", st.Disabled, time.Duration(st.DisabledAt-st.Start))
		}
		fates := map[probe.Fate]int{}
		for _, o := range rec.outcomes {
			fates[o.Fate]++
			if o.Fate == probe.Disabled && (o.Event <= 25 || o.Attempts != 0) {
				t.Errorf("event %d lost after %d attempts", o.Event, o.Attempts)
			}
		}
		if fates[probe.GaveUp] != 25 || fates[probe.Disabled] != 5 {
			t.Errorf("fates %v, want 25 gave up and 5 disabled", fates)
		}
	})
}

type list struct {
	ems []scenarios.Emission
	i   int
}

func (s *list) Next() (scenarios.Emission, error) {
	if s.i == len(s.ems) {
		return scenarios.Emission{}, io.EOF
	}
	s.i++
	return s.ems[s.i-1], nil
}

type recorder struct {
	attempts []probe.Attempt
	outcomes []probe.Outcome
}

func (r *recorder) Attempt(a *probe.Attempt) { r.attempts = append(r.attempts, *a) }
func (r *recorder) Outcome(o *probe.Outcome) { r.outcomes = append(r.outcomes, *o) }
