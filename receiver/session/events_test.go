package session

import (
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/hooklimit/hooklimit/report"
)

// sreq is a request in a serve test: at t ms, on key, of event id, answered
// status with Retry-After ra seconds.
type sreq struct {
	ms     int64
	key    string
	id     string
	status int
	ra     int64
}

func (q sreq) record(seq uint64) Record {
	r := Record{Seq: seq, Time: st0 + q.ms*int64(time.Millisecond), Key: q.key, Keyed: true, Size: 10,
		Status: q.status, Decided: true, Admitted: q.status == 200, RetryAfter: q.ra}
	if q.id != "" {
		r.EventID, r.EventHash, r.IDFrom = q.id, xxhash.Sum64String(q.id), IDHeader
	}
	return r
}

const st0 = int64(1_771_318_800_000_000_000) // 2026-02-17T09:00:00Z

func track(t *testing.T, giveUp time.Duration, reqs []sreq, endMS int64) report.ServeDelivery {
	t.Helper()
	tr := newEventTracker(giveUp, time.Hour, 1000)
	for i, q := range reqs {
		r := q.record(uint64(i + 1))
		tr.add(&r, r.Key)
	}
	d, _ := tr.delivery(st0 + endMS*int64(time.Millisecond))
	return d
}

func TestEventTracker(t *testing.T) {
	ms := func(v int64) *int64 { return &v }
	tests := []struct {
		name  string
		reqs  []sreq
		endMS int64
		want  report.ServeDelivery
	}{
		{
			name: "a retry at exactly t+d honors Retry-After",
			reqs: []sreq{{0, "t1", "e1", 429, 1}, {1000, "t1", "e1", 200, 0}},
			want: report.ServeDelivery{Events: 1, Attempts: 2, Accepted: 1, Rejected429: 1, Delivered: 1, Retries: 1,
				RetryAfterSent: 1, RetryAfterHonored: 1, MinRetrySlackMS: ms(0)},
		},
		{
			name: "an early retry and the partition violation it makes",
			reqs: []sreq{{0, "t1", "e1", 429, 1}, {200, "t1", "e1", 200, 0}},
			want: report.ServeDelivery{Events: 1, Attempts: 2, Accepted: 1, Rejected429: 1, Delivered: 1, Retries: 1,
				RetryAfterSent: 1, RetryAfterEarly: 1, PartitionViolations: 1, MinRetrySlackMS: ms(-800), MinPartitionSlackMS: ms(-800)},
		},
		{
			name: "another event on the partition inside the window violates it; another partition does not",
			reqs: []sreq{{0, "t1", "e1", 429, 2}, {500, "t1", "e2", 200, 0}, {600, "t2", "e3", 200, 0}, {2000, "t1", "e4", 200, 0}},
			want: report.ServeDelivery{Events: 4, Attempts: 4, Accepted: 3, Rejected429: 1, Delivered: 3, RetryAfterSent: 1,
				Pending: 1, PartitionViolations: 1, MinPartitionSlackMS: ms(-1500)},
		},
		{
			name: "an event accepted twice is a duplicate",
			reqs: []sreq{{0, "t1", "e1", 200, 0}, {10, "t1", "e1", 200, 0}, {20, "t1", "e1", 200, 0}},
			want: report.ServeDelivery{Events: 1, Attempts: 3, Accepted: 3, Delivered: 1, Duplicates: 2, Retries: 2},
		},
		{
			name:  "rejected and not back within the horizon after its Retry-After: given up",
			reqs:  []sreq{{0, "t1", "e1", 429, 1}},
			endMS: 1000 + 5000,
			want:  report.ServeDelivery{Events: 1, Attempts: 1, Rejected429: 1, RetryAfterSent: 1, GivenUp: 1},
		},
		{
			name:  "rejected, horizon not passed yet: pending",
			reqs:  []sreq{{0, "t1", "e1", 429, 1}},
			endMS: 1000 + 4999,
			want:  report.ServeDelivery{Events: 1, Attempts: 1, Rejected429: 1, RetryAfterSent: 1, Pending: 1},
		},
		{
			name:  "a 5xx not retried is given up; a 5xx then 2xx is delivered",
			reqs:  []sreq{{0, "t1", "e1", 503, 0}, {0, "t1", "e2", 503, 0}, {100, "t1", "e2", 200, 0}},
			endMS: 10_000,
			want:  report.ServeDelivery{Events: 2, Attempts: 3, Accepted: 1, Errors: 2, Delivered: 1, Retries: 1, GivenUp: 1},
		},
		{
			name:  "without an id every request is an event",
			reqs:  []sreq{{0, "t1", "", 200, 0}, {0, "t1", "", 429, 1}},
			endMS: 0,
			want:  report.ServeDelivery{Events: 2, Attempts: 2, Accepted: 1, Rejected429: 1, Delivered: 1, RetryAfterSent: 1, GivenUp: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := track(t, 5*time.Second, tt.reqs, tt.endMS)
			got.Amplification, got.Rate429, got.IDs = 0, 0, report.EventIDs{}
			if !sameDelivery(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", show(got), show(tt.want))
			}
		})
	}
}

func sameDelivery(a, b report.ServeDelivery) bool {
	eq := func(x, y *int64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	if !eq(a.MinRetrySlackMS, b.MinRetrySlackMS) || !eq(a.MinPartitionSlackMS, b.MinPartitionSlackMS) {
		return false
	}
	a.MinRetrySlackMS, a.MinPartitionSlackMS, b.MinRetrySlackMS, b.MinPartitionSlackMS = nil, nil, nil, nil
	return a == b
}

func show(d report.ServeDelivery) any {
	type plain report.ServeDelivery
	v := struct {
		plain
		Slack, Part int64
	}{plain: plain(d), Slack: -1 << 62, Part: -1 << 62}
	if d.MinRetrySlackMS != nil {
		v.Slack = *d.MinRetrySlackMS
	}
	if d.MinPartitionSlackMS != nil {
		v.Part = *d.MinPartitionSlackMS
	}
	return v
}

// TestEventTrackerBounded: past its memory bound the tracker forgets
// events, oldest generation first, and counts them.
func TestEventTrackerBounded(t *testing.T) {
	tr := newEventTracker(time.Second, time.Hour, 1000)
	for i := range 100_000 {
		r := Record{Seq: uint64(i), Time: st0 + int64(i)*int64(time.Millisecond), Key: "t1", Keyed: true,
			Status: 429, RetryAfter: 1, EventHash: uint64(i) + 1, IDFrom: IDHeader}
		tr.add(&r, r.Key)
		if tr.live() > 1000 {
			t.Fatalf("after %d events %d live, want at most 1000", i+1, tr.live())
		}
	}
	d, _ := tr.delivery(st0 + 200*int64(time.Second))
	if d.Events != 100_000 || d.GivenUp+d.Pending != 100_000 || d.Forgotten == 0 {
		t.Errorf("events %d given up %d pending %d forgotten %d", d.Events, d.GivenUp, d.Pending, d.Forgotten)
	}
}

// TestEventTrackerSenders: one id is one event only on one partition key
// from one sender (X-Hooklimit-Run); without a sender the id and the key
// decide.
func TestEventTrackerSenders(t *testing.T) {
	tr := newEventTracker(time.Second, time.Hour, 1000)
	for i, x := range []struct{ key, sender string }{
		{"t1", "run-a"}, {"t1", "run-b"}, {"t2", "run-a"}, {"t1", "run-a"}, {"t1", ""}, {"t1", ""},
	} {
		r := Record{Seq: uint64(i + 1), Time: st0 + int64(i), Key: x.key, Keyed: true, Status: 200,
			EventID: "evt-1", EventHash: xxhash.Sum64String("evt-1"), IDFrom: IDHeader, Sender: x.sender}
		tr.add(&r, r.Key)
	}
	d, _ := tr.delivery(st0 + int64(time.Minute))
	if d.Events != 4 || d.Duplicates != 2 || d.Retries != 2 || d.Senders != 2 {
		t.Errorf("events %d duplicates %d retries %d senders %d; want 4 2 2 2", d.Events, d.Duplicates, d.Retries, d.Senders)
	}
}
