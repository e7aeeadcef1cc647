package report

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// bursts returns arrivals in time order: keys bursts of 5 to 60 requests
// within a second or two, one key starting every 7 s, and with back set,
// every third key back for a second burst an hour later.
func bursts(seed uint64, keys int, back bool) []scenarios.Record {
	rng := rand.New(rand.NewPCG(seed, 1))
	var out []scenarios.Record
	for k := range keys {
		starts := []int64{int64(k) * int64(7*time.Second)}
		if back && k%3 == 0 {
			starts = append(starts, starts[0]+int64(time.Hour))
		}
		for _, s := range starts {
			n := 5 + rng.IntN(56)
			span := int64(time.Second) + rng.Int64N(int64(time.Second))
			for range n {
				out = append(out, scenarios.Record{Time: st0 + s + rng.Int64N(span), Key: "k" + itoa(k), Size: 100, HasSize: true})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b scenarios.Record) int { return int(a.Time - b.Time) })
	return out
}

// retiring feeds arrivals to a BoundedCompliance that retires idle keys
// every second of arrival time.
func retiring(p *limitsim.Profile, arr []scenarios.Record, keep int) (*BoundedCompliance, int) {
	c := NewBoundedCompliance(NewAnalyzer([]*limitsim.Profile{p}, AnalyzerOptions{}), keep)
	horizon := int64(p.IdleHorizon() + time.Second)
	next, most := int64(0), 0
	for _, a := range arr {
		if a.Time >= next {
			c.Retire(a.Time - horizon)
			next = a.Time + int64(time.Second)
		}
		c.a.Add(a)
		most = max(most, c.a.partitions())
	}
	return c, most
}

func plain(p *limitsim.Profile, arr []scenarios.Record) *CheckResult {
	a := NewAnalyzer([]*limitsim.Profile{p}, AnalyzerOptions{})
	for _, x := range arr {
		a.Add(x)
	}
	return a.Result()
}

// TestServeComplianceMatchesAnalyzer: retiring idle keys changes nothing
// in the result when every retired key is kept, and nothing in the summary
// and metrics when few are.
func TestServeComplianceMatchesAnalyzer(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"rewst", "salesbuildr", "workato"} {
		t.Run(name, func(t *testing.T) {
			p, err := limitsim.LoadProfile(name)
			if err != nil {
				t.Fatal(err)
			}
			if p.Aggregates() {
				p.Scope = limitsim.ScopeTrigger // per key, so that keys go idle and retire
			}
			arr := bursts(3, 400, false)
			want := plain(p, arr)
			c, most := retiring(p, arr, 1000)
			if c.retired == 0 || most >= 400 {
				t.Fatalf("retired %d, at most %d live: nothing was expired", c.retired, most)
			}
			got := c.Result(0)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("keeping every key:\ngot  %+v\nwant %+v", got.Summary, want.Summary)
				for i := range min(len(got.Limits), len(want.Limits)) {
					if !reflect.DeepEqual(got.Limits[i], want.Limits[i]) {
						t.Fatalf("row %d:\ngot  %+v\nwant %+v", i, got.Limits[i], want.Limits[i])
					}
				}
				t.Fatalf("metrics %v / %v; inputs %+v / %+v", got.Metrics, want.Metrics, got.Input, want.Input)
			}

			c, _ = retiring(p, arr, 5)
			got = c.Result(0)
			if !reflect.DeepEqual(got.Summary, want.Summary) || !reflect.DeepEqual(got.Metrics, want.Metrics) ||
				got.Verdict != want.Verdict || !reflect.DeepEqual(got.Input, want.Input) {
				t.Errorf("keeping 5:\nsummary %+v\nwant    %+v\nmetrics %v\nwant    %v", got.Summary, want.Summary, got.Metrics, want.Metrics)
			}
			if keys := len(got.PolicyRejected); keys > 5+c.a.partitions()+1 {
				t.Errorf("%d policy entries, want at most the kept, the live and one for the others", keys)
			}
			var rej, wrej int64
			for _, pr := range got.PolicyRejected {
				rej += pr.Rejected
			}
			for _, pr := range want.PolicyRejected {
				wrej += pr.Rejected
			}
			if rej != wrej {
				t.Errorf("rejected %d, want %d", rej, wrej)
			}
		})
	}
}

// TestServeComplianceKeyComesBack: a key retired and back has its kept
// rows merged, exactly as if it had never left (its limits had reset).
func TestServeComplianceKeyComesBack(t *testing.T) {
	p, _ := limitsim.LoadProfile("rewst")
	arr := bursts(5, 60, true)
	want := plain(p, arr)
	c, _ := retiring(p, arr, 1000)
	got := c.Result(0)
	for i := range max(len(got.Limits), len(want.Limits)) {
		if i >= len(got.Limits) || i >= len(want.Limits) || !reflect.DeepEqual(got.Limits[i], want.Limits[i]) {
			t.Fatalf("row %d differs:\ngot  %+v\nwant %+v", i, got.Limits[i:min(i+1, len(got.Limits))], want.Limits[i:min(i+1, len(want.Limits))])
		}
	}
	if !reflect.DeepEqual(got.PolicyRejected, want.PolicyRejected) {
		t.Errorf("policy rejections differ:\ngot  %+v\nwant %+v", got.PolicyRejected, want.PolicyRejected)
	}
	if got.Metrics[MetricPeakRatio] != want.Metrics[MetricPeakRatio] || got.Verdict != want.Verdict {
		t.Errorf("metrics %v, want %v", got.Metrics, want.Metrics)
	}
}

// TestServeComplianceShowsWorstKeys: a result that shows the worst n keys
// has exactly the rows of the n worst keys of the full result, one entry
// summing up the others, and the same summary, metrics and verdict; with
// keys expired or not.
func TestServeComplianceShowsWorstKeys(t *testing.T) {
	t.Parallel()
	p, _ := limitsim.LoadProfile("rewst")
	arr := bursts(3, 400, false)
	want := plain(p, arr)
	perKey := len(want.Limits) / want.Input.Keys
	for _, expire := range []bool{false, true} {
		for _, show := range []int{1, 5, 20, 399} {
			c, _ := retiring(p, arr, 1000)
			if !expire {
				c = NewBoundedCompliance(NewAnalyzer([]*limitsim.Profile{p}, AnalyzerOptions{}), 1000)
				for _, x := range arr {
					c.a.Add(x)
				}
			}
			got := c.Result(show)
			if !reflect.DeepEqual(got.Limits, want.Limits[:show*perKey]) {
				t.Errorf("expire %v, show %d: rows differ from the worst keys'", expire, show)
			}
			if !reflect.DeepEqual(got.Summary, want.Summary) || !reflect.DeepEqual(got.Metrics, want.Metrics) ||
				got.Verdict != want.Verdict || !reflect.DeepEqual(got.Input, want.Input) {
				t.Errorf("expire %v, show %d: summary, metrics or input differ", expire, show)
			}
			if len(got.PolicyRejected) != show+1 || !reflect.DeepEqual(got.PolicyRejected[:show], want.PolicyRejected[:show]) {
				t.Fatalf("expire %v, show %d: %d policy entries", expire, show, len(got.PolicyRejected))
			}
			var recs, rej int64
			for _, pr := range want.PolicyRejected[show:] {
				recs, rej = recs+pr.Records, rej+pr.Rejected
			}
			o := got.PolicyRejected[show]
			if wantKey := "(" + numfmt.CountNoun(int64(400-show), "other key") + ")"; o.Key != wantKey || o.Records != recs || o.Rejected != rej {
				t.Errorf("expire %v, show %d: others %+v, want %s with %d records, %d rejected", expire, show, o, wantKey, recs, rej)
			}
		}
	}
}
