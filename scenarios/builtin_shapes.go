package scenarios

import (
	"math"
	"math/bits"
	"strconv"
	"time"
)

// The parameters most shapes share, as listed by Builtins.
var (
	keysParam = ParamInfo{"keys", "1", `partition keys "t1".."tN", taken in turn`}
	sizeParam = ParamInfo{"size", "512", "body size in bytes"}
)

// shapes are the built-in shapes, in the order `hooklimit scenarios` lists them.
var shapes = []shapeDef{
	{
		info: ShapeInfo{
			Name:    "steady",
			Summary: "constant rate R for a duration, over K keys",
			Doc: "Event i (from 0) is at start + floor(i·per/n) for a rate of n per per, exactly in integers: " +
				"30/s for 60s is 1,800 events, 1/30 s apart. With a duration there are floor(duration·rate) events; " +
				"with events instead, that many.",
			Params: []ParamInfo{
				{"rate", strconv.Itoa(DefaultSteadyRate) + "/s", "events per period: 30, 1000/1m"},
				{"duration", "60s", "how long it lasts"},
				{"events", "", "how many events, instead of a duration"},
				keysParam, sizeParam,
			},
			Example: "hooklimit run steady --rate 30 --duration 60s --keys 3",
		},
		prepare: func(p *Params) *paramError {
			defRate(&p.Rate, DefaultSteadyRate, time.Second)
			return lengthDefault(p)
		},
		build: func(p Params) Source {
			n, end, _ := schedule(p)
			return newSteady(p.Start, int64(p.Rate.Per), uint64(p.Rate.N), n, keyNames(p.Keys), p.Size, end)
		},
	},
	{
		info: ShapeInfo{
			Name:    "poisson",
			Summary: "random arrivals at mean rate R: a 20/s Poisson source exceeds 25 in some seconds",
			Doc: "The gaps between events are independent and exponential with mean per/rate, rounded to the ns; " +
				"the first event comes one gap after the start. The same seed gives the same times.",
			Params: []ParamInfo{
				{"rate", strconv.Itoa(DefaultPoissonRate) + "/s", "mean events per period"},
				{"duration", "60s", "events until then"},
				{"events", "", "how many events, instead of a duration"},
				{"seed", "0", "random seed"},
				keysParam, sizeParam,
			},
			Example: "hooklimit run poisson --rate 20 --duration 10m --seed 7",
		},
		prepare: func(p *Params) *paramError {
			defRate(&p.Rate, DefaultPoissonRate, time.Second)
			if perr := lengthDefault(p); perr != nil {
				return perr
			}
			_, perr := span(p.Start, uint64(p.Duration), "duration")
			return perr
		},
		build: func(p Params) Source {
			until := int64(math.MaxInt64)
			if p.Events == 0 {
				until = p.Start + int64(p.Duration)
			}
			return newPoisson(p.Start, p.Rate, p.Seed, uint64(p.Events), until, keyNames(p.Keys), p.Size)
		},
	},
	{
		info: ShapeInfo{
			Name:    "ramp",
			Summary: "rate growing linearly from R1 to R2 over a duration",
			Doc: "Event i (from 0) is due when the integral of the rate reaches i: " +
				"t_i = 2i / (r1 + sqrt(r1² + 2·(r2−r1)·i/D)), rounded to the ns, so the first is at the start and " +
				"there are floor((r1+r2)·D/2) events. A ramp may also fall (to below rate).",
			Params: []ParamInfo{
				{"rate", "5/s", "rate at the start"},
				{"to", "50/s", "rate at the end"},
				{"duration", "60s", "how long the ramp lasts"},
				keysParam, sizeParam,
			},
			Example: "hooklimit run ramp --rate 5 --to 50 --duration 2m",
		},
		prepare: func(p *Params) *paramError {
			defRate(&p.Rate, 5, time.Second)
			defRate(&p.To, 50, time.Second)
			if p.Duration == 0 {
				p.Duration = time.Minute
			}
			if c := rampCount(p.Rate, p.To, int64(p.Duration)); !c.IsUint64() || c.Uint64() > maxEvents {
				return perrf("duration", "gives more than %d events", int64(maxEvents))
			}
			_, perr := span(p.Start, uint64(p.Duration), "duration")
			return perr
		},
		build: func(p Params) Source {
			n := rampCount(p.Rate, p.To, int64(p.Duration)).Uint64()
			return newRamp(p.Start, p.Rate, p.To, int64(p.Duration), n, keyNames(p.Keys), p.Size)
		},
	},
	{
		info: ShapeInfo{
			Name:    "burst",
			Summary: "N events at once, or within T (Workato's 18,020 in a second)",
			Doc:     "Event i (from 0) is at start + floor(i·over/events): all at the start when over is 0.",
			Params: []ParamInfo{
				{"events", "100", "how many events"},
				{"over", "0", "the time they are spread over; 0 is all at once"},
				keysParam, sizeParam,
			},
			Example: "hooklimit run burst --events 18020 --over 1s --profile workato",
		},
		prepare: func(p *Params) *paramError {
			if p.Events == 0 {
				p.Events = 100
			}
			_, perr := span(p.Start, uint64(p.Over), "over")
			return perr
		},
		build: func(p Params) Source {
			return newSteady(p.Start, int64(p.Over), uint64(p.Events), uint64(p.Events), keyNames(p.Keys), p.Size, p.Start+int64(p.Over))
		},
	},
	{
		info: ShapeInfo{
			Name:    "bulk",
			Summary: "a bulk operation: N record updates over T, then quiet",
			Doc: "Event i (from 0) is at start + floor(i·over/events); then nothing until the end of duration, " +
				"so retries and the next phase see the tail.",
			Params: []ParamInfo{
				{"events", strconv.Itoa(DefaultBulkEvents), "how many record updates"},
				{"over", "60s", "the time the updates are spread over"},
				{"duration", "2×over", "the whole phase, quiet time included"},
				keysParam, sizeParam,
			},
			Example: "hooklimit run bulk --events 5000 --over 5m --duration 15m",
		},
		prepare: func(p *Params) *paramError {
			if p.Events == 0 {
				p.Events = DefaultBulkEvents
			}
			if p.Over == 0 {
				p.Over = time.Minute
			}
			if p.Duration == 0 {
				p.Duration = 2 * p.Over
			}
			if p.Duration < p.Over {
				return perrf("duration", "must be at least over (%v): the quiet time comes after the updates", p.Over)
			}
			_, perr := span(p.Start, uint64(p.Duration), "duration")
			return perr
		},
		build: func(p Params) Source {
			return newSteady(p.Start, int64(p.Over), uint64(p.Events), uint64(p.Events), keyNames(p.Keys), p.Size, p.Start+int64(p.Duration))
		},
	},
	{
		info: ShapeInfo{
			Name:    "duplicate-storm",
			Summary: "each event delivered k times (several subscriptions, a misconfigured integration)",
			Doc: "A steady schedule whose every event is delivered copies times, with the same event number; " +
				"copy c is c·gap after the event's time, so with gap 0 the copies are sent together, back to back.",
			Params: []ParamInfo{
				{"rate", "10/s", "events per period (deliveries are copies times more)"},
				{"duration", "60s", "how long it lasts"},
				{"events", "", "how many events, instead of a duration"},
				{"copies", "3", "deliveries of each event"},
				{"gap", "0", "time between the copies of an event"},
				keysParam, sizeParam,
			},
			Example: "hooklimit run duplicate-storm --rate 10 --copies 3 --duration 60s",
		},
		prepare: func(p *Params) *paramError {
			defRate(&p.Rate, 10, time.Second)
			if p.Copies == 0 {
				p.Copies = 3
			}
			if perr := lengthDefault(p); perr != nil {
				return perr
			}
			_, end, _ := schedule(*p)
			hi, tail := bits.Mul64(uint64(p.Copies-1), uint64(p.Gap))
			if hi != 0 {
				return perrf("gap", "is too long")
			}
			_, perr := span(end, tail, "gap")
			return perr
		},
		build: func(p Params) Source {
			n, end, _ := schedule(p)
			return newDupStorm(p.Start, int64(p.Rate.Per), uint64(p.Rate.N), n, p.Copies, int64(p.Gap), keyNames(p.Keys), p.Size, end)
		},
	},
	{
		info: ShapeInfo{
			Name:    "retry-storm",
			Summary: "an outage ends and every sender's queued events come back at once",
			Doc: "The floor(over·rate) events that arrived at rate during an outage of over all come at the start, " +
				"as events 1..Q; then steady traffic at rate goes on for duration from the start (its first event " +
				"also at the start), numbered after them.",
			Params: []ParamInfo{
				{"rate", "20/s", "events per period, before and after the outage"},
				{"over", "1m", "how long the outage lasted"},
				{"duration", "60s", "how long traffic goes on after it"},
				keysParam, sizeParam,
			},
			Example: "hooklimit run retry-storm --rate 20 --over 5m --retry immediate",
		},
		prepare: func(p *Params) *paramError {
			defRate(&p.Rate, 20, time.Second)
			if p.Over == 0 {
				p.Over = time.Minute
			}
			if p.Duration == 0 {
				p.Duration = time.Minute
			}
			if q, ok := mulDiv(uint64(p.Over), uint64(p.Rate.N), uint64(p.Rate.Per)); !ok || q > maxEvents {
				return perrf("over", "queues more than %d events", int64(maxEvents))
			}
			_, _, perr := schedule(*p)
			return perr
		},
		build: func(p Params) Source {
			q, _ := mulDiv(uint64(p.Over), uint64(p.Rate.N), uint64(p.Rate.Per))
			n, end, _ := schedule(p)
			keys := keyNames(p.Keys)
			t := &twoPart{begin: p.Start}
			t.a = *newSteady(p.Start, 0, 1, q, keys, p.Size, p.Start)
			t.b = *newSteady(p.Start, int64(p.Rate.Per), uint64(p.Rate.N), n, keys, p.Size, end)
			t.b.ev0, t.b.k = q, int(q%uint64(len(keys)))
			return t
		},
	},
	{
		info: ShapeInfo{
			Name:    "replay",
			Summary: "recorded traffic, at its own pace or sped up",
			Doc: "Each record is one event, with its key and size. A record at t plays at " +
				"start + round((t − t_first)/speed), in exact integer arithmetic with speed to a millionth; " +
				"start defaults to the first record's own time.",
			Params: []ParamInfo{
				{"file", "", "the traffic file (JSON lines, CSV or access log)"},
				{"speed", "1", "how much faster than recorded: 2 is twice as fast"},
				{"size", "512", "body size of records that do not give one"},
			},
			Example: "hooklimit run replay --file traffic.jsonl --speed 10",
		},
		prepare: func(p *Params) *paramError {
			if p.Speed == 0 {
				p.Speed = 1
			}
			return nil
		},
		build: func(p Params) Source { return newReplay(p.Records, p.Start, p.Speed, p.Size) },
	},
}

// defRate sets *r to n per per if it was not given.
func defRate(r *Rate, n int64, per time.Duration) {
	if r.IsZero() {
		*r = Rate{n, per}
	}
}

// lengthDefault checks that at most one of duration and events is given,
// defaults to a duration of 60s, and checks the schedule.
func lengthDefault(p *Params) *paramError {
	if p.Duration != 0 && p.Events != 0 {
		return perrf("events", "give duration or events, not both")
	}
	if p.Duration == 0 && p.Events == 0 {
		p.Duration = time.Minute
	}
	_, _, perr := schedule(*p)
	return perr
}

// schedule returns the number of events of a steady schedule at p.Rate,
// p.Events of them or those of p.Duration, and its end: start + duration,
// or the time the event after the last would be due.
func schedule(p Params) (n uint64, end int64, perr *paramError) {
	r := p.Rate
	if p.Events > 0 {
		d, ok := mulDiv(uint64(p.Events), uint64(r.Per), uint64(r.N))
		if !ok {
			return 0, 0, perrf("events", "take too long at %v", r)
		}
		end, perr = span(p.Start, d, "events")
		return uint64(p.Events), end, perr
	}
	n, ok := mulDiv(uint64(p.Duration), uint64(r.N), uint64(r.Per))
	if !ok || n > maxEvents {
		return 0, 0, perrf("duration", "gives more than %d events at %v", int64(maxEvents), r)
	}
	end, perr = span(p.Start, uint64(p.Duration), "duration")
	return n, end, perr
}
