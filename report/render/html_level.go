package render

import (
	"fmt"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/report"
)

// levelSeries is the level of a bucket or credit limit over time.
type levelSeries struct {
	limit    limitsim.Limit
	values   []float64 // units available at the end of each step
	capacity float64   // the most there can be
}

// maxLevelSubslots is how many instants a step's admitted requests are
// spread over for a continuous token bucket: a timeline does not say when
// in the step they came.
const maxLevelSubslots = 20

// levels replays what the timeline says was admitted (and, for a profile
// that counts them, rejected) through each bucket and credit limit of
// its profile, one partition for all keys, and returns the level at the
// end of each step, going on after the last step until the limit is full
// again (MaxTimelinePoints steps in all at most).
//
// For a credit limit whose tick is a whole number of steps this is exact
// for one partition: credits depend only on how many came in each tick.
// For a token bucket the requests of a step are spread evenly over it,
// an approximation. Byte limits use the bytes sent, scaled by the share
// of requests admitted.
func levels(t *report.Timeline) []levelSeries {
	if t == nil || t.Profile == nil || t.Len() == 0 {
		return nil
	}
	step := t.Step()
	var out []levelSeries
	for i, lj := range t.Profile.Limits {
		l, err := t.Profile.Limit(i)
		if err != nil || (l.Kind != limitsim.Bucket && l.Kind != limitsim.Credits) {
			continue
		}
		bytes := lj.Unit == string(limitsim.Bytes)
		if bytes && t.Bytes == nil {
			continue
		}
		lim := limitsim.NewLimiter(l, t.Profile.CountRejected)
		ls := levelSeries{limit: l, capacity: float64(l.Burst)}
		if l.Kind == limitsim.Credits {
			ls.capacity = float64(l.Burst + l.Quota)
		}
		slots := int64(1)
		if l.Kind == limitsim.Bucket {
			slots = maxLevelSubslots
		}
		n := t.Len()
		for k := 0; k < report.MaxTimelinePoints; k++ {
			at := int64(t.Start) + int64(k)*step
			if k < n {
				adm, rej := t.Admitted[k], t.Rejected429[k]
				if bytes {
					adm, rej = shareOf(t.Bytes[k], adm, t.Sent[k]), shareOf(t.Bytes[k], rej, t.Sent[k])
				}
				spread(lim, at, step, slots, adm, true)
				spread(lim, at, step, slots, rej, false)
			}
			v := float64(lim.Remaining(at + step - 1))
			ls.values = append(ls.values, v)
			if k >= n && v >= ls.capacity {
				break // full again: the store and the fresh units
			}
		}
		out = append(out, ls)
	}
	return out
}

// shareOf returns total·part/whole, rounded down, without overflow.
func shareOf(total, part, whole int64) int64 {
	if whole <= 0 || part >= whole {
		return total
	}
	return int64(float64(total) * float64(part) / float64(whole))
}

// spread takes cost units at slots evenly spaced instants of the step
// starting at at.
func spread(lim limitsim.Limiter, at, step, slots, cost int64, admitted bool) {
	if cost <= 0 {
		return
	}
	slots = min(slots, cost)
	for j := range slots {
		c := cost / slots
		if j < cost%slots {
			c++
		}
		lim.Take(at+j*step/slots, c, admitted)
	}
}

// levelChart draws the level of one limit.
func levelChart(t *report.Timeline, ls levelSeries, keys int) (htmlChart, error) {
	xs, _, xl := timeAxis(len(ls.values), t.StepSeconds, t.Start)
	l := ls.limit
	what, unit := "tokens in the bucket", "requests"
	if l.Kind == limitsim.Credits {
		what = "credits available (fresh + store)"
	}
	scale := 1.0
	if l.Unit == limitsim.Bytes {
		unit = "MB"
		scale = 1e6
	}
	ys := make([]float64, len(ls.values))
	for i, v := range ls.values {
		ys[i] = v / scale
	}
	label := fmt.Sprintf("capacity %s", levelAmount(ls.capacity, l.Unit))
	if l.Kind == limitsim.Credits {
		label = fmt.Sprintf("the most there can be: %s (a store of %s and %s fresh)", levelAmount(ls.capacity, l.Unit),
			levelAmount(float64(l.Burst), l.Unit), levelAmount(float64(l.Quota), l.Unit))
	}
	lines := []chartLine{{label: label, y: ls.capacity / scale, color: colLimits[0]}}
	title := fmt.Sprintf("%s: %s over time", l.Name, what)
	ch, err := lineChart(title, xl, unit, xs, 0, []chartSeries{{name: what, ys: ys, color: colLevel}}, lines)
	ch.Caption = fmt.Sprintf("%s, %s: what was admitted, replayed through the limit, and on until it is full again", l.Name, report.LimitSpec(l))
	if keys > 1 {
		noun := t.Profile.PartitionNoun()
		ch.Caption += fmt.Sprintf("; the traffic of all %s as if one partition (each %s has a limit of its own)", numfmt.CountNoun(int64(keys), noun), noun)
	}
	if l.Kind == limitsim.Bucket || t.StepSeconds*int64(time.Second) > int64(l.Per) {
		ch.Caption += fmt.Sprintf("; approximate, from counts per %s", stepUnitLong(time.Duration(t.Step())))
	}
	ch.Caption += "."
	return ch, err
}

func levelAmount(v float64, u limitsim.Unit) string {
	if u == limitsim.Bytes {
		return units.FormatBytes(int64(v))
	}
	return numfmt.WithCommas(int64(v))
}

func stepUnitLong(step time.Duration) string { return units.UnitName(step) }
