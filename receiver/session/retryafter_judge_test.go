package session

import (
	"strconv"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/report"
)

// raStep is one attempt of a Retry-After case: sent at sent after st0, on
// partition part, of event ev; answered status with Retry-After ra (none
// when 0), lag after it was sent (0 for at once).
type raStep struct {
	sent   time.Duration
	part   string
	ev     uint64
	status int
	ra     time.Duration
	lag    time.Duration
}

// raCase is a case of the one definition of Retry-After violations, with
// what it must count.
type raCase struct {
	name  string
	steps []raStep
	want  report.RetryAfterCounts
	// senderOnly: some answer comes back later than it was sent, which only
	// the sender (run) can see; serve is not fed the case.
	senderOnly bool
}

const ns = time.Nanosecond

var raCases = []raCase{
	{
		name:  "a retry at exactly t+d is on time, slack 0",
		steps: []raStep{{0, "p1", 1, 429, time.Second, 0}, {time.Second, "p1", 1, 200, 0, 0}},
		want:  report.RetryAfterCounts{Honored: 1, HasRetrySlack: true},
	},
	{
		name:  "a retry 1 ns before t+d is early, and a partition violation",
		steps: []raStep{{0, "p1", 1, 429, time.Second, 0}, {time.Second - ns, "p1", 1, 200, 0, 0}},
		want: report.RetryAfterCounts{Early: 1, PartitionViolations: 1, MinRetrySlack: -ns, MinPartitionSlack: -ns,
			HasRetrySlack: true, HasPartitionSlack: true},
	},
	{
		name:  "a retry after t+d has a positive slack",
		steps: []raStep{{0, "p1", 1, 429, time.Second, 0}, {1250 * time.Millisecond, "p1", 1, 200, 0, 0}},
		want:  report.RetryAfterCounts{Honored: 1, MinRetrySlack: 250 * time.Millisecond, HasRetrySlack: true},
	},
	{
		name: "another event at exactly t is outside the window; 1 ns after t inside",
		steps: []raStep{{0, "p1", 1, 429, time.Second, 0}, {0, "p1", 2, 200, 0, 0}, {ns, "p1", 3, 200, 0, 0},
			{time.Second, "p1", 4, 200, 0, 0}},
		want: report.RetryAfterCounts{PartitionViolations: 1, MinPartitionSlack: -time.Second + ns, HasPartitionSlack: true},
	},
	{
		name:  "a retry sent the instant the 429 came back is early by all of d, and a violation",
		steps: []raStep{{0, "p1", 1, 429, time.Second, 0}, {0, "p1", 1, 429, time.Second, 0}, {0, "p1", 2, 200, 0, 0}},
		want: report.RetryAfterCounts{Early: 1, PartitionViolations: 1, MinRetrySlack: -time.Second, MinPartitionSlack: -time.Second,
			HasRetrySlack: true, HasPartitionSlack: true},
	},
	{
		name:  "a request to another partition inside the window is not a violation",
		steps: []raStep{{0, "p1", 1, 429, 2 * time.Second, 0}, {500 * time.Millisecond, "p2", 2, 200, 0, 0}},
		want:  report.RetryAfterCounts{},
	},
	{
		name:  "a 429 without Retry-After opens no window",
		steps: []raStep{{0, "p1", 1, 429, 0, 0}, {ns, "p1", 1, 200, 0, 0}, {2 * ns, "p1", 2, 200, 0, 0}},
		want:  report.RetryAfterCounts{},
	},
	{
		name: "overlapping 429s: the slack is to the latest end among the windows that hold the request",
		steps: []raStep{
			{0, "p1", 1, 429, 2 * time.Second, 0},                   // window (0, 2s)
			{500 * time.Millisecond, "p1", 2, 429, time.Second, 0},  // inside: -1.5s; opens (0.5s, 1.5s)
			{1500 * time.Millisecond, "p1", 2, 200, 0, 0},           // on time for e2 (slack 0), inside (0, 2s): -0.5s
			{1800 * time.Millisecond, "p1", 3, 429, time.Second, 0}, // inside: -0.2s; opens (1.8s, 2.8s)
			{2 * time.Second, "p1", 1, 200, 0, 0},                   // on time for e1, inside (1.8s, 2.8s): -0.8s
			{2800 * time.Millisecond, "p1", 3, 200, 0, 0},           // on time, outside every window
			{2800*time.Millisecond + ns, "p1", 4, 200, 0, 0},        // outside
		},
		want: report.RetryAfterCounts{Honored: 3, PartitionViolations: 4, MinPartitionSlack: -1500 * time.Millisecond,
			HasRetrySlack: true, HasPartitionSlack: true},
	},
	{
		name: "a longer window opened later extends the partition's; a shorter one does not shorten it",
		steps: []raStep{
			{0, "p1", 1, 429, 3 * time.Second, 0},
			{2 * time.Second, "p1", 2, 429, time.Second, 0}, // inside (0, 3s): -1s; opens (2s, 3s)
			{2999 * time.Millisecond, "p1", 3, 200, 0, 0},   // inside: -1ms
			{3 * time.Second, "p1", 2, 200, 0, 0},           // on time for e2, outside
		},
		want: report.RetryAfterCounts{Honored: 1, PartitionViolations: 2, MinPartitionSlack: -time.Second,
			HasRetrySlack: true, HasPartitionSlack: true},
	},
	{
		name: "every attempt of the event inside its window is early; once followed and closed, no longer judged",
		steps: []raStep{
			{0, "p1", 1, 429, time.Second, 0},
			{300 * time.Millisecond, "p1", 1, 503, 0, 0}, // early -700ms
			{600 * time.Millisecond, "p1", 1, 503, 0, 0}, // still inside: early -400ms
			{2 * time.Second, "p1", 1, 200, 0, 0},        // the window was followed and has closed
		},
		want: report.RetryAfterCounts{Early: 2, PartitionViolations: 2, MinRetrySlack: -700 * time.Millisecond,
			MinPartitionSlack: -700 * time.Millisecond, HasRetrySlack: true, HasPartitionSlack: true},
	},
	{
		name: "a request sent while the 429 was on its way back is not judged by it",
		steps: []raStep{
			{0, "p1", 1, 429, time.Second, 100 * time.Millisecond}, // answered at 100ms: window (100ms, 1.1s)
			{50 * time.Millisecond, "p1", 2, 200, 0, 0},            // sent before the answer came back
			{100 * time.Millisecond, "p1", 3, 200, 0, 0},           // at exactly t
			{150 * time.Millisecond, "p1", 4, 200, 0, 0},           // inside: -950ms
			{1100 * time.Millisecond, "p1", 1, 200, 0, 0},          // on time
		},
		want: report.RetryAfterCounts{Honored: 1, PartitionViolations: 1, MinPartitionSlack: -950 * time.Millisecond,
			HasRetrySlack: true, HasPartitionSlack: true},
		senderOnly: true,
	},
	{
		name: "a slow 429 still opens its window after a later, faster one replaced the partition's latest",
		steps: []raStep{
			{0, "p1", 1, 429, time.Second, 300 * time.Millisecond},                   // window (300ms, 1.3s)
			{10 * time.Millisecond, "p1", 2, 429, time.Second, 5 * time.Millisecond}, // window (15ms, 1.015s)
			{20 * time.Millisecond, "p1", 3, 200, 0, 0},                              // inside (15ms, 1.015s): -995ms
			{1200 * time.Millisecond, "p1", 4, 200, 0, 0},                            // inside (300ms, 1.3s): -100ms
		},
		want:       report.RetryAfterCounts{PartitionViolations: 2, MinPartitionSlack: -995 * time.Millisecond, HasPartitionSlack: true},
		senderOnly: true,
	},
}

// TestRetryAfterJudge runs the shared cases through the judge itself, the
// run's DeliveryCollector and serve's event tracker: the three must count
// the same.
func TestRetryAfterJudge(t *testing.T) {
	for _, tc := range raCases {
		t.Run(tc.name, func(t *testing.T) {
			j := report.NewRetryAfterJudge()
			for _, s := range tc.steps {
				j.Add(report.RetryAfterAttempt{Partition: s.part, Event: s.ev, Sent: st0 + int64(s.sent), Answered: st0 + int64(s.sent+s.lag),
					Status: s.status, RetryAfter: s.ra, HasRetryAfter: s.ra > 0})
			}
			if got := j.Counts(); got != tc.want {
				t.Errorf("judge:\n got %+v\nwant %+v", got, tc.want)
			}
			wantRetry, wantPart := tc.want.MinRetrySlackMS(), tc.want.MinPartitionSlackMS()

			run := report.NewDeliveryCollector()
			n := map[uint64]int{}
			for _, s := range tc.steps {
				n[s.ev]++
				run.Attempt(&probe.Attempt{Event: s.ev, Key: s.part, N: n[s.ev], Intended: st0 + int64(s.sent), Sent: st0 + int64(s.sent),
					Done: st0 + int64(s.sent+s.lag), Status: s.status, RetryAfter: s.ra, HasRetryAfter: s.ra > 0})
			}
			d := run.Delivery()
			if d.RetryAfterHonored != tc.want.Honored || d.RetryAfterEarly != tc.want.Early || d.PartitionViolations != tc.want.PartitionViolations ||
				!sameMS(d.MinRetrySlackMS, wantRetry) || !sameMS(d.MinPartitionSlackMS, wantPart) {
				t.Errorf("run: honored %d early %d violations %d slack %s / %s", d.RetryAfterHonored, d.RetryAfterEarly,
					d.PartitionViolations, msText(d.MinRetrySlackMS), msText(d.MinPartitionSlackMS))
			}
			if tc.senderOnly {
				return
			}
			tr := newEventTracker(time.Minute, time.Hour, 1000)
			for i, s := range tc.steps {
				if s.ra%time.Second != 0 {
					t.Fatalf("serve sends Retry-After in whole seconds, not %v", s.ra)
				}
				id := "e" + strconv.FormatUint(s.ev, 10)
				r := Record{Seq: uint64(i + 1), Time: st0 + int64(s.sent), Key: s.part, Keyed: true, Status: s.status,
					RetryAfter: int64(s.ra / time.Second), EventID: id, EventHash: xxhash.Sum64String(id), IDFrom: IDHeader}
				tr.add(&r, r.Key)
			}
			sd, _ := tr.delivery(st0 + int64(time.Hour))
			if sd.RetryAfterHonored != tc.want.Honored || sd.RetryAfterEarly != tc.want.Early || sd.PartitionViolations != tc.want.PartitionViolations ||
				!sameMS(sd.MinRetrySlackMS, wantRetry) || !sameMS(sd.MinPartitionSlackMS, wantPart) {
				t.Errorf("serve: honored %d early %d violations %d slack %s / %s", sd.RetryAfterHonored, sd.RetryAfterEarly,
					sd.PartitionViolations, msText(sd.MinRetrySlackMS), msText(sd.MinPartitionSlackMS))
			}
		})
	}
}

func sameMS(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func msText(p *int64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatInt(*p, 10) + " ms"
}

// TestRetryAfterSlackMS: slacks are shown in whole milliseconds rounded
// down, so a negative slack never shows as 0.
