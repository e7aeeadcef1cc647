package probe

import (
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// simSender runs src against the built-in profile name in virtual time,
// with policy pol and sender s, and returns what it recorded.
func simSender(t *testing.T, name string, src scenarios.Source, pol retry.Policy, s Sender, latency time.Duration) (*httpRec, Stats) {
	t.Helper()
	prof, ok := limitsim.Builtin(name)
	if !ok {
		t.Fatalf("no profile %q", name)
	}
	rec, st, err := runEngine(t, &Engine{Source: src, Policy: pol, Sender: s, Target: &SimTarget{Profile: prof, Latency: latency}})
	if err != nil {
		t.Fatal(err)
	}
	checkOneOutcomeEach(t, rec, st)
	return rec, st
}

// burstOn returns n events on key at one instant.
func burstOn(n int, key string) *emList {
	s := evenly(n, 0)
	for i := range s.ems {
		s.ems[i].Key = key
	}
	return s
}

// violations counts the attempts sent to a partition while the
// Retry-After of an earlier 429 of that partition was running: after its
// answer came, before it ended.
func violations(atts []Attempt) int {
	n := 0
	for i, a := range atts {
		if a.Status != 429 || !a.HasRetryAfter {
			continue
		}
		for _, b := range atts[i+1:] {
			if b.Key == a.Key && b.Sent >= a.Done && b.Sent < a.Done+int64(a.RetryAfter) {
				n++
			}
		}
	}
	return n
}

func count429(atts []Attempt) int {
	n := 0
	for _, a := range atts {
		if a.Status == 429 {
			n++
		}
	}
	return n
}

// TestSenderOrderedBlocks sends 40 events on one key in one instant to
// Rewst (25 a second), each answered 10 ms after it left, retried on
// Retry-After. Ordered, one delivery is under way at a time: every
// attempt of an event leaves after the one before it was delivered, so
// the 429 of the 26th event holds the 27th back until the retry of the
// 26th is delivered (head-of-line blocking). Parallel, all 40 leave at
// once.
func TestSenderOrderedBlocks(t *testing.T) {
	rec, _ := simSender(t, "rewst", burstOn(40, "t1"), retry.RetryAfter{Max: 5}, Sender{Ordered: true}, 10*time.Millisecond)
	delivered := map[uint64]int64{}
	for _, o := range rec.outcomes {
		if o.Fate != Delivered {
			t.Fatalf("event %d: %s, want delivered", o.Event, o.Fate)
		}
		delivered[o.Event] = o.At
	}
	blocked, retried := false, map[uint64]bool{}
	for i, a := range rec.attempts {
		if a.N > 1 {
			retried[a.Event] = true
		}
		if a.Event > 1 && a.Sent < delivered[a.Event-1] {
			t.Fatalf("attempt %d of event %d left at %v, before event %d was delivered at %v", a.N, a.Event, a.Sent-scenarios.DefaultStart, a.Event-1, delivered[a.Event-1]-scenarios.DefaultStart)
		}
		if i > 0 && a.Event < rec.attempts[i-1].Event {
			t.Fatalf("event %d sent after event %d", a.Event, rec.attempts[i-1].Event)
		}
		if a.N == 1 && retried[a.Event-1] && a.Sent == delivered[a.Event-1] {
			blocked = true
		}
	}
	if !blocked || count429(rec.attempts) != 1 {
		t.Fatalf("%d 429s, blocked %v: want exactly one 429, whose retry holds the next event back", count429(rec.attempts), blocked)
	}
	par, _ := simSender(t, "rewst", burstOn(40, "t1"), retry.RetryAfter{Max: 5}, Sender{}, 10*time.Millisecond)
	if got := count429(par.attempts); got != 15 {
		t.Fatalf("parallel: %d 429s, want 15", got)
	}
}

// TestSenderPauseOn429 sends 300 events 10 ms apart (100 a second) on one
// key to Rewst, retried on Retry-After. Parallel, the events emitted while
// a Retry-After runs go out anyway: partition violations. Pausing the
// partition on a 429 leaves none, and still delivers every event.
func TestSenderPauseOn429(t *testing.T) {
	for _, tt := range []struct {
		s    Sender
		viol bool
	}{{Sender{}, true}, {Sender{PauseOn429: true}, false}} {
		rec, _ := simSender(t, "rewst", evenly(300, 10*time.Millisecond), retry.RetryAfter{Max: 100}, tt.s, 0)
		v := violations(rec.attempts)
		if (v > 0) != tt.viol {
			t.Errorf("%s: %d partition violations, want some: %v", tt.s.String(), v, tt.viol)
		}
		if f := rec.fates(); f[Delivered] != 300 {
			t.Errorf("%s: fates %v, want 300 delivered", tt.s.String(), f)
		}
	}
}

// TestSenderPaceRewst paces a burst of 1,100 events on one key at one
// instant: at 1,000 a minute (burst 1) Rewst rejects none, the 1,100th
// leaving 1,099 × 60 ms after the first, 100 of them in the second minute;
// at 1,001 a minute, 60 ms × 1000/1001 apart, the 1,001st lands inside the
// first minute and is rejected.
func TestSenderPaceRewst(t *testing.T) {
	for _, tt := range []struct {
		rate     int64
		want429  bool
		lastSent time.Duration
	}{{1000, false, 1099 * 60 * time.Millisecond}, {1001, true, 0}} {
		s := Sender{Pace: Bucket{Rate: tt.rate, Per: time.Minute}}
		rec, _ := simSender(t, "rewst", burstOn(1100, "t1"), retry.RetryAfter{Max: 100}, s, 0)
		n := count429(rec.attempts)
		if (n > 0) != tt.want429 {
			t.Errorf("pace %d/1m: %d 429s, want some: %v", tt.rate, n, tt.want429)
		}
		if f := rec.fates(); f[Delivered] != 1100 {
			t.Errorf("pace %d/1m: fates %v", tt.rate, f)
		}
		if last := rec.attempts[len(rec.attempts)-1]; tt.lastSent != 0 && time.Duration(last.Sent-scenarios.DefaultStart) != tt.lastSent {
			t.Errorf("pace %d/1m: last attempt at %v, want %v", tt.rate, time.Duration(last.Sent-scenarios.DefaultStart), tt.lastSent)
		}
	}
}

// TestSenderDisableAfter sends 60 events on one key in one instant to
// Rewst with no retries: 25 are delivered and events 26 to 60 fail, one
// after the other. Disabled after 25 failures in a row, the sender gives
// up events 26 to 50 and loses the 10 after them without an attempt; after
// 35 it loses none but is disabled at the last; after 36 it never is. A
// delivery between two runs of failures starts the count again.
func TestSenderDisableAfter(t *testing.T) {
	for _, tt := range []struct {
		after            int
		gaveUp, disabled int
		isDisabled       bool
	}{{25, 25, 10, true}, {35, 35, 0, true}, {36, 35, 0, false}} {
		rec, st := simSender(t, "rewst", burstOn(60, "t1"), retry.None{}, Sender{DisableAfter: tt.after}, 0)
		f := rec.fates()
		if f[GaveUp] != tt.gaveUp || f[Disabled] != tt.disabled || f[Delivered] != 25 || st.Disabled != tt.isDisabled {
			t.Errorf("disable-after=%d: fates %v, disabled %v; want %d gave up, %d disabled, 25 delivered, disabled %v", tt.after, f, st.Disabled, tt.gaveUp, tt.disabled, tt.isDisabled)
		}
		if tt.isDisabled && st.DisabledAt != scenarios.DefaultStart {
			t.Errorf("disable-after=%d: disabled at %d, want the start", tt.after, st.DisabledAt)
		}
		for _, o := range rec.outcomes {
			if o.Fate == Disabled && (o.Event <= uint64(25+tt.after) || o.Attempts != 0) {
				t.Errorf("disable-after=%d: event %d lost after %d attempts", tt.after, o.Event, o.Attempts)
			}
		}
	}
	// Two bursts of 40, 1.1 s apart: 15 failures, then deliveries, then 15.
	src := burstOn(80, "t1")
	for i := 40; i < 80; i++ {
		src.ems[i].Time += int64(1100 * time.Millisecond)
	}
	rec, st := simSender(t, "rewst", src, retry.None{}, Sender{DisableAfter: 16}, 0)
	if f := rec.fates(); st.Disabled || f[GaveUp] != 30 {
		t.Errorf("two runs of 15 failures with disable-after=16: fates %v, disabled %v", f, st.Disabled)
	}
}

// TestSenderRetryAfterQuirks checks how each quirk turns the Retry-After
// of Rewst's 429 into the wait before the retry: a burst of 26 events
// on one key in one instant, the 26th rejected with Retry-After: 1, and
// a fixed backoff of 200 ms.
func TestSenderRetryAfterQuirks(t *testing.T) {
	for _, tt := range []struct {
		pol  retry.Policy
		s    Sender
		wait time.Duration
	}{
		{retry.RetryAfter{Max: 3}, Sender{}, time.Second},
		{retry.RetryAfter{Max: 3}, Sender{RetryAfter: RetryAfterMillis}, time.Millisecond},
		{retry.Fixed{Delay: 200 * time.Millisecond, Max: 3}, Sender{RetryAfter: RetryAfterMax, RetryAfterCap: time.Hour}, time.Second},
		{retry.Fixed{Delay: 200 * time.Millisecond, Max: 3}, Sender{RetryAfter: RetryAfterMax, RetryAfterCap: 500 * time.Millisecond}, 700 * time.Millisecond},
		{retry.RetryAfter{Max: 3, Fallback: retry.Fixed{Delay: 200 * time.Millisecond, Max: 3}}, Sender{RetryAfter: RetryAfterIgnore}, 200 * time.Millisecond},
	} {
		rec, _ := simSender(t, "rewst", burstOn(26, "t1"), tt.pol, tt.s, 0)
		a := rec.attempts[26]
		if a.Event != 26 || a.N != 2 || time.Duration(a.Sent-scenarios.DefaultStart) != tt.wait {
			t.Errorf("%s %s: retry of event %d (attempt %d) at %v, want event 26's at %v", tt.pol, tt.s.String(), a.Event, a.N, time.Duration(a.Sent-scenarios.DefaultStart), tt.wait)
		}
	}
}

// TestSenderConcurrency limits attempts in flight to 4, each answered
// 100 ms after it left: a burst of 10 events goes out 4, 4 and 2, at 0,
// 100 and 200 ms.
func TestSenderConcurrency(t *testing.T) {
	rec, _ := simSender(t, "rewst", burstOn(10, "t1"), retry.None{}, Sender{Concurrency: 4}, 100*time.Millisecond)
	for i, a := range rec.attempts {
		if want := time.Duration(i/4) * 100 * time.Millisecond; time.Duration(a.Sent-scenarios.DefaultStart) != want {
			t.Errorf("attempt %d left at %v, want %v", i, time.Duration(a.Sent-scenarios.DefaultStart), want)
		}
	}
}
