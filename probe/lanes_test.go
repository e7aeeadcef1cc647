package probe

import (
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// senders returns src with its emissions' senders set from who, one
// letter a lane ('a' is lane 0), repeated over the emissions.
func senders(src *emList, who string) *emList {
	for i := range src.ems {
		src.ems[i].Sender = int(who[i%len(who)] - 'a')
	}
	return src
}

// simLanes runs src against the built-in profile name in virtual time with
// lanes, and returns what it recorded.
func simLanes(t *testing.T, name string, src scenarios.Source, lanes []Lane, latency time.Duration) (*httpRec, Stats) {
	t.Helper()
	prof, ok := limitsim.Builtin(name)
	if !ok {
		t.Fatalf("no profile %q", name)
	}
	rec, st, err := runEngine(t, &Engine{Source: src, Lanes: lanes, Target: &SimTarget{Profile: prof, Latency: latency}})
	if err != nil {
		t.Fatal(err)
	}
	checkOneOutcomeEach(t, rec, st)
	return rec, st
}

// TestLanesShareTheLimit sends 20 events of lane a (ordered, one at a
// time, 10 ms round trips) and 20 of lane b (parallel) on one key at one
// instant to Rewst (25 a second per key). Alone, lane a never meets the
// limit. Together, b's 20 leave at once and a's fifth, at 40 ms, takes the
// 25th place: a's sixth is rejected. Every attempt and outcome names its
// lane, a's discipline holds only a's events, and b's all leave at 0.
func TestLanesShareTheLimit(t *testing.T) {
	lanes := []Lane{
		{Name: "a", Policy: retry.RetryAfter{Max: 5}, Sender: Sender{Ordered: true}},
		{Name: "b", Policy: retry.RetryAfter{Max: 5}},
	}
	alone, _ := simLanes(t, "rewst", burstOn(20, "t1"), lanes[:1], 10*time.Millisecond)
	if n := count429(alone.attempts); n != 0 {
		t.Fatalf("lane a alone: %d 429s, want none", n)
	}
	rec, _ := simLanes(t, "rewst", senders(burstOn(40, "t1"), "ab"), lanes, 10*time.Millisecond)
	byLane := map[string][]Attempt{}
	for _, a := range rec.attempts {
		byLane[a.Sender] = append(byLane[a.Sender], a)
		if want := "ab"[(a.Event-1)%2 : (a.Event-1)%2+1]; a.Sender != want {
			t.Fatalf("event %d sent by %q, want %q", a.Event, a.Sender, want)
		}
	}
	for _, o := range rec.outcomes {
		if want := "ab"[(o.Event-1)%2 : (o.Event-1)%2+1]; o.Sender != want {
			t.Fatalf("outcome of event %d names %q, want %q", o.Event, o.Sender, want)
		}
	}
	for _, a := range byLane["b"] {
		if a.N == 1 && a.Sent != scenarios.DefaultStart {
			t.Fatalf("lane b's event %d left at %v: lane a's order held it", a.Event, time.Duration(a.Sent-scenarios.DefaultStart))
		}
	}
	var first []time.Duration
	rejected := 0
	for _, a := range byLane["a"] {
		if a.N == 1 && len(first) < 6 {
			first = append(first, time.Duration(a.Sent-scenarios.DefaultStart))
		}
		if a.Status == 429 {
			rejected++
		}
	}
	if fmt.Sprint(first) != "[0s 10ms 20ms 30ms 40ms 50ms]" || rejected == 0 || byLane["a"][5].Status != 429 {
		t.Fatalf("lane a's first attempts at %v, %d rejected: want one every 10 ms and its sixth rejected", first, rejected)
	}
	if f := rec.fates(); f[Delivered] != 40 {
		t.Fatalf("fates %v, want 40 delivered", f)
	}
}

// TestLanesDisableApart sends, at one instant on one key to Rewst with no
// retries, 25 events of lane b (delivered), then 10 of lane a (rejected;
// a disables itself after 3 failures in a row), then 5 more of b
// (rejected). Lane a gives up 3 and loses 7 without an attempt; lane b,
// with no disable-after, is not held by a's: it gives its 5 up.
func TestLanesDisableApart(t *testing.T) {
	src := senders(burstOn(40, "t1"), strings.Repeat("b", 25)+strings.Repeat("a", 10)+strings.Repeat("b", 5))
	rec, st := simLanes(t, "rewst", src, []Lane{
		{Name: "a", Policy: retry.None{}, Sender: Sender{DisableAfter: 3}},
		{Name: "b", Policy: retry.None{}},
	}, 0)
	got := map[string]int{}
	for _, o := range rec.outcomes {
		got[o.Sender+" "+string(o.Fate)]++
	}
	want := map[string]int{"a gave-up": 3, "a disabled": 7, "b delivered": 25, "b gave-up": 5}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("outcomes %v, want %v", got, want)
	}
	if !st.Senders[0].Disabled || st.Senders[1].Disabled || !st.Disabled || st.Senders[0].Name != "a" {
		t.Fatalf("stats %+v: want lane a disabled, lane b not", st.Senders)
	}
}

// TestLanesSenderOutOfRange ends the run with an error when an emission
// names a lane the Engine does not have.
func TestLanesSenderOutOfRange(t *testing.T) {
	for _, s := range []Sender{{}, {Ordered: true}} {
		src := senders(burstOn(3, "t1"), "abc")
		prof, _ := limitsim.Builtin("rewst")
		_, _, err := runEngine(t, &Engine{Source: src, Lanes: []Lane{{Name: "a", Policy: retry.None{}, Sender: s}, {Name: "b", Policy: retry.None{}}}, Target: &SimTarget{Profile: prof}})
		if err == nil || !strings.Contains(err.Error(), "sender 2, but the run has 2") {
			t.Errorf("%s: err %v", s.String(), err)
		}
	}
	prof, _ := limitsim.Builtin("rewst")
	_, _, err := runEngine(t, &Engine{Source: burstOn(1, "t1"), Lanes: []Lane{{Name: "a"}}, Target: &SimTarget{Profile: prof}})
	if err == nil || !strings.Contains(err.Error(), "no retry policy") {
		t.Errorf("a lane without a policy: %v", err)
	}
}

// TestLanesHTTPAgrees runs three lanes (ordered, paused on 429, paced)
// into Rewst on the simulator and over HTTP in memory in virtual time:
// the attempts per instant and status, the fates and each lane's share
// agree.
func TestLanesHTTPAgrees(t *testing.T) {
	prof, _ := limitsim.Builtin("rewst")
	lanes := []Lane{
		{Name: "a", Policy: retry.RetryAfter{Max: 5}, Sender: Sender{Ordered: true}},
		{Name: "b", Policy: retry.RetryAfter{Max: 100}, Sender: Sender{PauseOn429: true}},
		{Name: "c", Policy: retry.RetryAfter{Max: 100}, Sender: Sender{Pace: Bucket{Rate: 600, Per: time.Minute}}},
	}
	src := func() *emList { return senders(burstOn(60, "t1"), "abc") }
	share := func(rec *httpRec) string {
		n := map[string]int{}
		for _, a := range rec.attempts {
			n[a.Sender+fmt.Sprint(a.Status)]++
		}
		return fmt.Sprint(n)
	}
	sim, st := simLanes(t, "rewst", src(), lanes, 10*time.Millisecond)
	want := summary(sim, st.Start)
	synctest.Test(t, func(t *testing.T) {
		h, err := limitsim.NewHandler(limitsim.HandlerOptions{Profile: prof, Now: time.Now})
		if err != nil {
			t.Fatal(err)
		}
		e := memEngine(&Engine{Source: src(), Lanes: lanes, Target: &HTTPTarget{Drain: time.Hour}}, h.ServeHTTP)
		e.Target.(*HTTPTarget).Client.Transport = memTransit(h, 5*time.Millisecond)
		rec, hst, err := runEngine(t, e)
		if err != nil {
			t.Fatal(err)
		}
		checkOneOutcomeEach(t, rec, hst)
		if got := summary(rec, hst.Start); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("HTTP and simulator differ:\nhttp %v\nsim  %v", got, want)
		}
		if share(rec) != share(sim) {
			t.Errorf("shares differ: HTTP %s, simulator %s", share(rec), share(sim))
		}
	})
}

// TestOneLaneIndexIsTheKeys: in a run of one lane, every key the run met
// is sent by lane 0, so laneIndex's answer without a look-up is the key
// table's; a run of two lanes looks every key up.
func TestOneLaneIndexIsTheKeys(t *testing.T) {
	t.Parallel()
	prof, _ := limitsim.Builtin("rewst")
	for _, lanes := range []int{1, 2} {
		var ems []scenarios.Emission
		for i := range 60 {
			ems = append(ems, scenarios.Emission{Time: scenarios.DefaultStart + int64(i%7)*int64(time.Millisecond), Event: uint64(i + 1), Copies: 1,
				Key: fmt.Sprint("k", i%5), Workspace: fmt.Sprint("w", i%3), Sender: i % lanes})
		}
		e := &Engine{Source: &emList{ems: ems}, Target: &SimTarget{Profile: prof}}
		for l := range lanes {
			e.Lanes = append(e.Lanes, Lane{Name: fmt.Sprint("s", l), Policy: retry.Fixed{Max: 2}})
		}
		if _, _, err := runEngine(t, e); err != nil {
			t.Fatal(err)
		}
		if len(e.keys.names) < 5 {
			t.Fatalf("%d lanes: %d keys met, want 5 or more", lanes, len(e.keys.names))
		}
		for id := range e.keys.names {
			if got, want := e.laneIndex(uint32(id)), e.keys.sender(uint32(id)); got != want {
				t.Errorf("%d lanes, key %+v: laneIndex %d, the key table %d", lanes, e.keys.names[id], got, want)
			}
		}
	}
}
