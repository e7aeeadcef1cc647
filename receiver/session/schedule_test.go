package session

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/report"
)

// schedule feeds events whose attempts come after the given waits, every
// attempt but the last answered 429 with Retry-After ra seconds (0: a 503
// without one), and returns the schedule observed.
func schedule(t *testing.T, events int, ra int64, waits func(ev, n int) time.Duration, retries int) report.RetrySchedule {
	t.Helper()
	tr := newEventTracker(time.Minute, 100*time.Hour, 1_000_000)
	type pend struct {
		at time.Duration
		r  Record
	}
	var all []pend
	for ev := range events {
		at := time.Duration(ev) * 100 * time.Millisecond
		for n := 0; n <= retries; n++ {
			status, sent := 429, ra
			if ra == 0 {
				status = 503
			}
			if n == retries {
				status, sent = 200, 0
			}
			all = append(all, pend{at, Record{Key: "k" + strconv.Itoa(ev), Keyed: true, Status: status, RetryAfter: sent,
				EventHash: uint64(ev) + 1, IDFrom: IDHeader}})
			if n < retries {
				at += waits(ev, n+1)
			}
		}
	}
	// In time order, as the recorder gets them.
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].at < all[j-1].at; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	for i := range all {
		r := all[i].r
		r.Seq, r.Time = uint64(i+1), st0+int64(all[i].at)
		tr.add(&r, r.Key)
	}
	_, rs := tr.delivery(st0 + int64(200*time.Hour))
	return rs
}

func TestRetryScheduleResembles(t *testing.T) {
	const s = time.Second
	jit := func(ev int) time.Duration { return time.Duration(ev%7) * 37 * time.Millisecond }
	tests := []struct {
		name    string
		ra      int64
		retries int
		waits   func(ev, n int) time.Duration
		want    string
	}{
		{"immediate", 1, 3, func(ev, n int) time.Duration { return time.Duration(ev%3) * time.Millisecond }, "immediate"},
		{"retry-after", 2, 2, func(ev, n int) time.Duration { return 2*s + jit(ev) }, "retry-after"},
		{"fixed 2s, no Retry-After", 0, 3, func(ev, n int) time.Duration { return 2*s + jit(ev) }, "fixed"},
		{"exponential 1s 2s 4s", 0, 3, func(ev, n int) time.Duration { return s<<(n-1) + jit(ev) }, "exponential"},
		{"svix", 0, 2, func(ev, n int) time.Duration { return []time.Duration{5 * s, 5 * time.Minute}[n-1] + jit(ev) }, "svix"},
		{"outboundsync", 0, 2, func(ev, n int) time.Duration {
			return time.Duration(1<<(n-1))*time.Minute + time.Duration(ev%10)*30*s
		}, "outboundsync"},
		{"waits shorter than Retry-After", 5, 2, func(ev, n int) time.Duration { return 2*s + jit(ev) }, "fixed"},
		{"shrinking waits", 0, 3, func(ev, n int) time.Duration { return []time.Duration{10 * s, 2 * s, 9 * s}[n-1] }, "unknown"},
		{"first retries only", 0, 1, func(ev, n int) time.Duration { return 30*s + jit(ev) }, "fixed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := schedule(t, 50, tt.ra, tt.waits, tt.retries)
			if rs.Resembles != tt.want {
				t.Errorf("resembles %q (%s), want %q; steps %+v", rs.Resembles, rs.Reason, tt.want, rs.Steps)
			}
			if rs.Retries != int64(50*tt.retries) || rs.Reason == "" {
				t.Errorf("retries %d, reason %q", rs.Retries, rs.Reason)
			}
		})
	}
}

func TestRetryScheduleNone(t *testing.T) {
	tr := newEventTracker(time.Minute, time.Hour, 100)
	for i := range 3 {
		r := Record{Seq: uint64(i + 1), Time: st0, Key: "t1", Keyed: true, Status: 429, RetryAfter: 1, EventHash: uint64(i + 1), IDFrom: IDHeader}
		tr.add(&r, r.Key)
	}
	if _, rs := tr.delivery(st0); rs.Resembles != "none" || !strings.Contains(rs.Reason, "3 events") {
		t.Errorf("got %q: %s", rs.Resembles, rs.Reason)
	}
	tr = newEventTracker(time.Minute, time.Hour, 100)
	r := Record{Seq: 1, Time: st0, Key: "t1", Keyed: true, Status: 200, EventHash: 1, IDFrom: IDHeader}
	tr.add(&r, r.Key)
	if _, rs := tr.delivery(st0); rs.Resembles != "" {
		t.Errorf("nothing rejected: got %q: %s", rs.Resembles, rs.Reason)
	}
}

func TestRetryScheduleSteps(t *testing.T) {
	rs := schedule(t, 4, 0, func(ev, n int) time.Duration { return time.Duration(n) * time.Second }, 10)
	if len(rs.Steps) != report.ScheduleSteps {
		t.Fatalf("%d steps, want %d", len(rs.Steps), report.ScheduleSteps)
	}
	last := rs.Steps[report.ScheduleSteps-1]
	if !last.AndLater || last.Attempt != report.ScheduleSteps || last.Retries != 4*3 {
		t.Errorf("last step %+v", last)
	}
	near := func(got, want float64) bool { return got >= want && got <= want*1.001 }
	if !near(rs.Steps[0].MedianMS, 1000) || !near(rs.Steps[1].MedianMS, 2000) {
		t.Errorf("medians %v %v", rs.Steps[0].MedianMS, rs.Steps[1].MedianMS)
	}
}
