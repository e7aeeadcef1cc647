package receiver

import (
	"context"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/scenarios"
)

// attemptLog keeps a copy of every attempt on its way to the collector.
type attemptLog struct {
	probe.Observer
	attempts []probe.Attempt
}

func (l *attemptLog) Attempt(a *probe.Attempt) {
	l.attempts = append(l.attempts, *a)
	l.Observer.Attempt(a)
}

// sendToServe runs `hooklimit run steady --target` against an in-process
// serve, in the virtual time of a synctest bubble, and returns what each
// side reported.
func sendToServe(t *testing.T, profile, spec string, rate int, dur, transit time.Duration, runs int) ([]*report.RunResult, *report.ServeResult, []probe.Attempt) {
	t.Helper()
	p, ok := limitsim.Builtin(profile)
	if !ok {
		t.Fatalf("no profile %s", profile)
	}
	pol, err := retry.ParsePolicy(spec)
	if err != nil {
		t.Fatal(err)
	}
	rv, err := New(Options{Profile: p, Now: time.Now, Recorder: session.NewRecorder(p, session.Options{GiveUpAfter: time.Second})})
	if err != nil {
		t.Fatal(err)
	}
	rv.Start()
	client := &http.Client{Transport: memhttp.Transport{Handler: rv, Transit: transit}}
	var sent []*report.RunResult
	var log []probe.Attempt
	for range runs {
		src, err := scenarios.New("steady", scenarios.Params{Rate: scenarios.Rate{N: int64(rate), Per: time.Second}, Duration: dur, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		coll := report.NewRunCollector(p, nil)
		obs := &attemptLog{Observer: coll}
		eng := &probe.Engine{Source: src, Policy: pol, Seed: 1, Observer: obs, Target: &probe.HTTPTarget{URL: "http://127.0.0.1:1/hooks/{key}", Client: client, Clock: memhttp.Clock{}, Drain: 10 * time.Second}}
		st, err := eng.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, coll.Result(report.RunMeta{Scenario: "steady", Target: "serve", Retry: spec, RunID: st.RunID, Seed: 1}))
		log = append(log, obs.attempts...)
		time.Sleep(5 * time.Second) // the next run starts later, as a second CI job would
	}
	rv.Close()
	return sent, rv.Result(false), log
}

// TestRunAndServeAgree: the same traffic, judged by run on the sender's
// clock and by serve on the receiver's, gives the same counts and slacks.
// In the bubble no time passes between a send, its decision and its
// answer, so the two clocks agree exactly and nothing is left to jitter:
// the counts must be equal, not close.
func TestRunAndServeAgree(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		retry              string
		wantEarly, wantVio bool
	}{
		{"none", false, true},
		{"retry-after", false, true},
		{"immediate,max=3", true, true},
		{"fixed,delay=300ms,max=5", true, true},
		{"exponential,base=1s,max=4,jitter=full", true, true},
	} {
		t.Run(tc.retry, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				runs, srv, _ := sendToServe(t, "rewst", tc.retry, 40, 3*time.Second, 0, 1)
				r, s := runs[0].Delivery, srv.Delivery
				t.Logf("run: attempts %d early %d honored %d violations %d slack %s / %s", r.Attempts, r.RetryAfterEarly, r.RetryAfterHonored,
					r.PartitionViolations, ms(r.MinRetrySlackMS), ms(r.MinPartitionSlackMS))
				if r.Attempts != s.Attempts || r.Rejected429 != s.Rejected429 || r.Events != s.Events || r.Retries != s.Retries {
					t.Errorf("attempts %d/%d, 429s %d/%d, events %d/%d, retries %d/%d (run/serve)", r.Attempts, s.Attempts,
						r.Rejected429, s.Rejected429, r.Events, s.Events, r.Retries, s.Retries)
				}
				if r.RetryAfterEarly != s.RetryAfterEarly || r.RetryAfterHonored != s.RetryAfterHonored || r.PartitionViolations != s.PartitionViolations ||
					ms(r.MinRetrySlackMS) != ms(s.MinRetrySlackMS) || ms(r.MinPartitionSlackMS) != ms(s.MinPartitionSlackMS) {
					t.Errorf("run: early %d honored %d violations %d slack %s / %s\nserve: early %d honored %d violations %d slack %s / %s",
						r.RetryAfterEarly, r.RetryAfterHonored, r.PartitionViolations, ms(r.MinRetrySlackMS), ms(r.MinPartitionSlackMS),
						s.RetryAfterEarly, s.RetryAfterHonored, s.PartitionViolations, ms(s.MinRetrySlackMS), ms(s.MinPartitionSlackMS))
				}
				// The cases must exercise what they compare.
				if r.Rejected429 == 0 || (r.RetryAfterEarly > 0) != tc.wantEarly || (r.PartitionViolations > 0) != tc.wantVio {
					t.Errorf("429s %d, early %d, violations %d: the case does not test what it should", r.Rejected429, r.RetryAfterEarly, r.PartitionViolations)
				}
			})
		})
	}
}

// TestRunAndServeAgreeUpToTransit: with a transit time δ each way, serve
// sees each request δ after run sent it and answers δ before run reads
// the answer, so its windows sit 2δ earlier on the sender's clock. The two
// may then differ only on requests sent within 2δ after a 429 came back
// or within 2δ after its window closed: the test counts those from run's
// own attempts and allows no difference beyond them.
func TestRunAndServeAgreeUpToTransit(t *testing.T) {
	const transit = 2 * time.Millisecond
	for _, retry := range []string{"retry-after", "immediate,max=3", "fixed,delay=300ms,max=5"} {
		t.Run(retry, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				runs, srv, log := sendToServe(t, "rewst", retry, 40, 3*time.Second, transit, 1)
				r, s := runs[0].Delivery, srv.Delivery
				if r.RetryAfterEarly != s.RetryAfterEarly || r.RetryAfterHonored != s.RetryAfterHonored {
					t.Errorf("early %d/%d, honored %d/%d (run/serve): a retry's own window moves with it", r.RetryAfterEarly, s.RetryAfterEarly,
						r.RetryAfterHonored, s.RetryAfterHonored)
				}
				edge := nearEdges(log, 2*int64(transit))
				t.Logf("violations %d/%d (run/serve), %d requests near an edge", r.PartitionViolations, s.PartitionViolations, edge)
				if diff := abs(r.PartitionViolations - s.PartitionViolations); diff > edge {
					t.Errorf("violations %d/%d (run/serve): %d apart, but only %d requests were within 2δ of an edge",
						r.PartitionViolations, s.PartitionViolations, diff, edge)
				}
				if r.PartitionViolations == 0 {
					t.Error("no violations: the case does not test what it should")
				}
			})
		})
	}
}

// nearEdges counts the attempts sent within margin after a window of their
// partition opened or closed, on the sender's clock.
func nearEdges(log []probe.Attempt, margin int64) int64 {
	var n int64
	for _, a := range log {
		for _, w := range log {
			if w.Key != a.Key || w.Status != 429 || !w.HasRetryAfter || w.Event == a.Event {
				continue
			}
			opens, closes := w.Done, w.Done+int64(w.RetryAfter)
			if a.Sent >= opens && a.Sent <= opens+margin || a.Sent >= closes-margin && a.Sent <= closes+margin {
				n++
				break
			}
		}
	}
	return n
}

func abs(x int64) int64 { return max(x, -x) }

// TestTwoRunsAreTwoSenders: two runs with one seed against one serve are
// 2N events, with no retry and no duplicate, and two senders.
func TestTwoRunsAreTwoSenders(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		runs, srv, _ := sendToServe(t, "rewst", "none", 5, 2*time.Second, 0, 2)
		d := srv.Delivery
		if runs[0].RunID == runs[1].RunID || runs[0].RunID == "" {
			t.Errorf("run ids %q and %q", runs[0].RunID, runs[1].RunID)
		}
		if d.Events != 20 || d.Attempts != 20 || d.Retries != 0 || d.Duplicates != 0 || d.Senders != 2 || d.Rejected429 != 0 {
			t.Errorf("serve saw %d events in %d attempts, %d retries, %d duplicates, %d senders, %d 429s; want 20, 20, 0, 0, 2, 0",
				d.Events, d.Attempts, d.Retries, d.Duplicates, d.Senders, d.Rejected429)
		}
		if srv.RetrySchedule.Resembles != "" {
			t.Errorf("retry schedule resembles %q with no retries", srv.RetrySchedule.Resembles)
		}
	})
}

func ms(p *int64) string {
	if p == nil {
		return "none"
	}
	return time.Duration(*p * int64(time.Millisecond)).String()
}
