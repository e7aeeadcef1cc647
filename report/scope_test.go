package report

import (
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/scenarios"
)

// roundRobin returns n arrivals evenly spread over span, the keys taken in
// turn; a key "k@w" is key k in workspace w.
func roundRobin(n int, span time.Duration, keys ...string) []scenarios.Record {
	out := make([]scenarios.Record, n)
	for i := range out {
		k, w, _ := strings.Cut(keys[i%len(keys)], "@")
		out[i] = scenarios.Record{Time: at(time.Duration(int64(i) * int64(span) / int64(n))), Key: k, Workspace: w, Size: 100, HasSize: true}
	}
	return out
}

var sevenTriggers = []string{"t0", "t1", "t2", "t3", "t4", "t5", "t6"}

// TestAnalyzerScope: each profile partitions the same traffic by its own
// scope. Workato's limits add up every trigger of a workspace; Rewst's
// stay per trigger.
func TestAnalyzerScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		profiles   []string
		arrivals   []scenarios.Record
		rejected   map[string]int64 // per profile, what it as documented rejects
		partitions map[string][]string
		verdict    Verdict
		note       bool // the summary says all traffic is one workspace
	}{{
		name: "18,020 in a second across 7 triggers fit Workato's workspace", profiles: []string{"workato"},
		arrivals: roundRobin(18020, time.Second, sevenTriggers...),
		rejected: map[string]int64{"workato": 0}, partitions: map[string][]string{"workato": {allTraffic}},
		verdict: VerdictPass, note: true,
	}, {
		name: "the 18,021st is the one rejected", profiles: []string{"workato"},
		arrivals: roundRobin(18021, time.Second, sevenTriggers...),
		rejected: map[string]int64{"workato": 1}, partitions: map[string][]string{"workato": {allTraffic}},
		verdict: VerdictFail, note: true,
	}, {
		name: "40/s over 3 triggers for 20 minutes lose the last 300 s at 20/s", profiles: []string{"workato"},
		arrivals: roundRobin(48000, 20*time.Minute, "trig-a", "trig-b", "trig-c"),
		rejected: map[string]int64{"workato": 6000}, partitions: map[string][]string{"workato": {allTraffic}},
		verdict: VerdictFail, note: true,
	}, {
		name: "Rewst is per trigger: 25 in a second on each of 7 pass", profiles: []string{"rewst"},
		arrivals: roundRobin(175, time.Second, sevenTriggers...),
		rejected: map[string]int64{"rewst": 0}, partitions: map[string][]string{"rewst": sevenTriggers},
		verdict: VerdictPass,
	}, {
		name: "rewst,workato: 26 on each of 7 triggers", profiles: []string{"rewst", "workato"},
		arrivals:   roundRobin(182, time.Second, sevenTriggers...),
		rejected:   map[string]int64{"rewst": 7, "workato": 0},
		partitions: map[string][]string{"rewst": sevenTriggers, "workato": {allTraffic}},
		verdict:    VerdictFail, note: true,
	}, {
		name: "named workspaces each have their own store", profiles: []string{"workato", "rewst"},
		arrivals:   roundRobin(36040, time.Second, "t0@acme", "t1@globex"),
		rejected:   map[string]int64{"workato": 0, "rewst": 36040 - 50},
		partitions: map[string][]string{"workato": {"workspace acme", "workspace globex"}, "rewst": {"t0", "t1"}},
		verdict:    VerdictFail,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ps []*limitsim.Profile
			for _, name := range tt.profiles {
				ps = append(ps, builtin(t, name))
			}
			r := analyze(t, ps, AnalyzerOptions{}, tt.arrivals)
			got := map[string]int64{}
			parts := map[string][]string{}
			for _, pr := range r.PolicyRejected {
				got[pr.Profile] += pr.Rejected
				parts[pr.Profile] = append(parts[pr.Profile], pr.Key)
			}
			for name, want := range tt.rejected {
				if got[name] != want {
					t.Errorf("%s rejects %d, want %d", name, got[name], want)
				}
				if !sameSet(parts[name], tt.partitions[name]) {
					t.Errorf("%s partitions %q, want %q", name, parts[name], tt.partitions[name])
				}
			}
			if r.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s", r.Verdict, tt.verdict)
			}
			noted := false
			for _, s := range r.Summary {
				noted = noted || strings.Contains(s.Note, OneWorkspaceNote)
			}
			if noted != tt.note {
				t.Errorf("note that all traffic is one workspace: %v, want %v", noted, tt.note)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		if seen[x]--; seen[x] < 0 {
			return false
		}
	}
	return true
}

// TestDeliveryPartitionViolationsByScope: after a 429 with Retry-After,
// a request to another trigger of the same workspace is a partition
// violation under Workato, and not under Rewst.
func TestDeliveryPartitionViolationsByScope(t *testing.T) {
	for _, tt := range []struct {
		profile string
		want    int64
	}{{"workato", 1}, {"rewst", 0}} {
		t.Run(tt.profile, func(t *testing.T) {
			coll := NewRunCollector(builtin(t, tt.profile), nil)
			s := int64(time.Second)
			for _, a := range []probe.Attempt{
				{Event: 1, Key: "t0", N: 1, Sent: at(0), Done: at(0), Status: 429, RetryAfter: time.Second, HasRetryAfter: true},
				{Event: 2, Key: "t1", N: 1, Sent: at(0) + s/2, Done: at(0) + s/2, Status: 200},
			} {
				a.Intended = a.Sent
				coll.Attempt(&a)
			}
			if got := coll.Result(RunMeta{}).Delivery.PartitionViolations; got != tt.want {
				t.Errorf("partition violations %d, want %d", got, tt.want)
			}
		})
	}
}
