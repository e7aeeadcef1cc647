package probe

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
)

// senderCase is one discipline run both on the simulator and against the
// same profile served over HTTP in memory.
type senderCase struct {
	name    string
	src     func() *emList
	pol     retry.Policy
	s       Sender
	latency time.Duration // round trip; over HTTP, half each way
}

// summary is what the two targets must agree on: how many attempts left
// at each instant, by status, and the fates. Which of the attempts sent
// in one instant the receiver admits first is up to the race between
// their requests, so events and attempt numbers are not compared.
func summary(rec *httpRec, start int64) []string {
	n := map[string]int{}
	var keys []string
	for _, a := range rec.attempts {
		k := fmt.Sprintf("@%v %d", time.Duration(a.Sent-start), a.Status)
		if n[k] == 0 {
			keys = append(keys, k)
		}
		n[k]++
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%s ×%d", k, n[k]))
	}
	f := rec.fates()
	for _, k := range []Fate{Delivered, GaveUp, Disabled, RunEnded, Interrupted} {
		out = append(out, fmt.Sprintf("%s=%d", k, f[k]))
	}
	return out
}

// memTransit serves h in memory, transit each way.
func memTransit(h http.Handler, transit time.Duration) http.RoundTripper {
	return memhttp.Transport{Handler: h, Transit: transit}
}

// TestSenderHTTPAgrees runs each discipline against Rewst twice: on the
// simulator, and over HTTP to the profile's handler in memory, in the
// virtual time of a synctest bubble. The attempts, their statuses and
// send times, and the fates agree exactly. Each case that reacts to an
// answer has a round trip that puts no answer in the instant an emission
// is due: over HTTP the two race, and which comes first is chance.
func TestSenderHTTPAgrees(t *testing.T) {
	t.Parallel()
	prof, _ := limitsim.Builtin("rewst")
	for _, c := range []senderCase{
		{"ordered", func() *emList { return burstOn(40, "t1") }, retry.RetryAfter{Max: 5}, Sender{Ordered: true}, 10 * time.Millisecond},
		{"pause-on-429", func() *emList { return evenly(300, 10*time.Millisecond) }, retry.RetryAfter{Max: 100}, Sender{PauseOn429: true}, 7 * time.Millisecond},
		{"pace", func() *emList { return burstOn(300, "t1") }, retry.RetryAfter{Max: 100}, Sender{Pace: Bucket{Rate: 1000, Per: time.Minute}}, 0},
		{"concurrency", func() *emList { return burstOn(40, "t1") }, retry.None{}, Sender{Concurrency: 4}, 100 * time.Millisecond},
		{"disable-after", func() *emList { return evenly(60, 10*time.Millisecond) }, retry.None{}, Sender{DisableAfter: 25}, 7 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			sim, st := simSender(t, "rewst", c.src(), c.pol, c.s, c.latency)
			want := summary(sim, st.Start)
			synctest.Test(t, func(t *testing.T) {
				h, err := limitsim.NewHandler(limitsim.HandlerOptions{Profile: prof, Now: time.Now})
				if err != nil {
					t.Fatal(err)
				}
				e := memEngine(&Engine{Source: c.src(), Policy: c.pol, Sender: c.s, Target: &HTTPTarget{Drain: time.Hour}}, h.ServeHTTP)
				e.Target.(*HTTPTarget).Client.Transport = memTransit(h, c.latency/2)
				rec, hst, err := runEngine(t, e)
				if err != nil {
					t.Fatal(err)
				}
				checkOneOutcomeEach(t, rec, hst)
				got := summary(rec, hst.Start)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("HTTP and simulator differ:\nhttp %v\nsim  %v", got, want)
				}
				if hst.Disabled != st.Disabled {
					t.Errorf("disabled: HTTP %v, simulator %v", hst.Disabled, st.Disabled)
				}
			})
		})
	}
}
