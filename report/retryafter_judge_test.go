package report

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

const ns = time.Nanosecond

func msText(p *int64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatInt(*p, 10) + " ms"
}

// TestRetryAfterSlackMS: slacks are shown in whole milliseconds rounded
// down, so a negative slack never shows as 0.
func TestRetryAfterSlackMS(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want int64
	}{{0, 0}, {ns, 0}, {-ns, -1}, {999_999 * ns, 0}, {time.Millisecond, 1}, {-time.Millisecond, -1}, {-time.Millisecond - ns, -2}, {-999 * time.Millisecond, -999}} {
		c := RetryAfterCounts{MinRetrySlack: tc.d, HasRetrySlack: true}
		if got := c.MinRetrySlackMS(); got == nil || *got != tc.want {
			t.Errorf("%v: got %s, want %d ms", tc.d, msText(got), tc.want)
		}
	}
	if (RetryAfterCounts{}).MinRetrySlackMS() != nil || (RetryAfterCounts{}).MinPartitionSlackMS() != nil {
		t.Error("no slack seen must be nil")
	}
}

// TestRetryAfterJudgeBounded: the judge forgets followed, closed windows
// by itself, and events and partitions when told.
func TestRetryAfterJudgeBounded(t *testing.T) {
	j := NewRetryAfterJudge()
	for i := range 10_000 {
		at := st0 + int64(i)*int64(time.Second)
		// Each event is rejected once and retried on time, or 1 ns early
		// and then forgotten, as its owner does once it is settled.
		early := int64(i % 2)
		j.Add(RetryAfterAttempt{Partition: "p" + strconv.Itoa(i%10), Event: uint64(i), Sent: at, Answered: at, Status: 429, RetryAfter: time.Second, HasRetryAfter: true})
		j.Add(RetryAfterAttempt{Partition: "p" + strconv.Itoa(i%10), Event: uint64(i), Sent: at + int64(time.Second) - early, Answered: at + int64(time.Second), Status: 200})
		if early == 1 {
			j.Forget(uint64(i))
		}
		if _, events := j.live(); events != 0 {
			t.Fatalf("after event %d: %d events held, want 0", i, events)
		}
	}
	j.Add(RetryAfterAttempt{Partition: "x", Event: 1 << 40, Sent: st0 + 20_000*int64(time.Second), Status: 429, RetryAfter: time.Second, HasRetryAfter: true})
	j.Forget(1 << 40)
	j.Expire(st0 + 30_000*int64(time.Second))
	if parts, events := j.live(); parts != 0 || events != 0 {
		t.Errorf("after Forget and Expire: %d partitions, %d events held", parts, events)
	}
	if c := j.Counts(); c.Early != 5_000 || c.Honored != 5_000 || c.PartitionViolations != 5_000 {
		t.Errorf("counts %+v: every other retry came 1 ns early", c)
	}
}

// naiveJudge is the definition of RetryAfterJudge read literally, for
// TestRetryAfterJudgeMatchesDefinition: it keeps every attempt and every
// window, and looks at all of them for each attempt.
type naiveJudge struct {
	sent    []RetryAfterAttempt // the attempts so far, in order
	windows []naiveWindow
}

type naiveWindow struct {
	part        string
	event       uint64
	from, until int64
	after       int // the attempts before it opened: n.sent[:after]
}

func (n *naiveJudge) add(a RetryAfterAttempt) RetryAfterVerdict {
	var v RetryAfterVerdict
	s := a.Sent
	var until int64
	for _, w := range n.windows {
		if w.event != a.Event || w.from > s {
			continue
		}
		followed := false // an attempt of the event was sent since w opened
		for _, b := range n.sent[w.after:] {
			followed = followed || b.Event == a.Event && b.Sent >= w.from
		}
		if !followed || s < w.until {
			if !v.FollowsRetryAfter || w.until > until {
				until = w.until
			}
			v.FollowsRetryAfter = true
		}
	}
	if v.FollowsRetryAfter {
		v.RetrySlack = time.Duration(s - until)
		v.Early = v.RetrySlack < 0
	}
	inside := s
	for _, w := range n.windows {
		if w.part == a.Partition && w.from < s {
			inside = max(inside, w.until)
		}
	}
	if v.Early {
		inside = max(inside, until)
	}
	if s < inside {
		v.Violation, v.PartitionSlack = true, time.Duration(s-inside)
	}
	n.sent = append(n.sent, a)
	if a.Status == 429 && a.HasRetryAfter && a.RetryAfter > 0 {
		from := max(a.Answered, s)
		n.windows = append(n.windows, naiveWindow{a.Partition, a.Event, from, from + int64(a.RetryAfter), len(n.sent)})
	}
	return v
}

// TestRetryAfterJudgeMatchesDefinition: on random attempts (few events and
// partitions, times and Retry-Afters a few ns apart, so that ties and
// window edges are common, answers at once or later), the judge's verdict
// of every attempt is the definition's, read literally, and its counts
// sum up the definition's verdicts; partitions whose windows closed are
// expired now and then, as a server does.
func TestRetryAfterJudgeMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 1))
	for round := range 1500 {
		j, n := NewRetryAfterJudge(), &naiveJudge{}
		var wantCounts RetryAfterCounts
		s := st0
		for i := range 24 {
			s += rng.Int64N(3)
			a := RetryAfterAttempt{Partition: "p" + strconv.Itoa(rng.IntN(2)), Event: uint64(rng.IntN(3)), Sent: s, Answered: s, Status: 200}
			if rng.IntN(4) == 0 {
				a.Answered += rng.Int64N(4)
			}
			if rng.IntN(3) > 0 {
				a.Status, a.RetryAfter, a.HasRetryAfter = 429, time.Duration(rng.Int64N(6)), true
			}
			got, want := j.Add(a), n.add(a)
			if rng.IntN(5) == 0 {
				j.Expire(s) // no later attempt is sent before s
			}
			if !got.FollowsRetryAfter {
				got.RetrySlack = 0 // meaningless then
			}
			if got != want {
				t.Fatalf("round %d, attempt %d %+v: judge %+v, definition %+v", round, i, a, got, want)
			}
			wantCounts.add(want)
			if c := j.Counts(); c != wantCounts {
				t.Fatalf("round %d, attempt %d %+v: counts %+v, from the definition's verdicts %+v", round, i, a, c, wantCounts)
			}
		}
	}
}

// add sums up v as the judge's counts do.
func (c *RetryAfterCounts) add(v RetryAfterVerdict) {
	if v.FollowsRetryAfter {
		if v.Early {
			c.Early++
		} else {
			c.Honored++
		}
		if !c.HasRetrySlack || v.RetrySlack < c.MinRetrySlack {
			c.MinRetrySlack, c.HasRetrySlack = v.RetrySlack, true
		}
	}
	if v.Violation {
		c.PartitionViolations++
		if !c.HasPartitionSlack || v.PartitionSlack < c.MinPartitionSlack {
			c.MinPartitionSlack, c.HasPartitionSlack = v.PartitionSlack, true
		}
	}
}

// TestRetryAfterJudgeShortIsLong judges random retry storms twice, with
// the short way of the attempts it fits (addShort) and every attempt the
// long way: every field of every verdict, the counts and what the judge
// holds must be the same. The events are many (the ring grows and moves),
// some numbered far from the others (held in a map), retried on time, a
// few ns early or late, or given up and forgotten; the partitions are
// two, the answers 429 with a Retry-After, without one, or 2xx, at once
// or later.
func TestRetryAfterJudgeShortIsLong(t *testing.T) {
	t.Parallel()
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 3))
		short, long := NewRetryAfterJudge(), NewRetryAfterJudge()
		long.noShort = true
		type due struct {
			at    int64
			event uint64
		}
		var queue []due
		next := uint64(1)
		s := st0
		for i := range 3000 {
			var a RetryAfterAttempt
			if len(queue) > 0 && rng.IntN(4) > 0 {
				k := rng.IntN(min(len(queue), 3))
				d := queue[k]
				queue = append(queue[:k], queue[k+1:]...)
				s = max(s, d.at+rng.Int64N(3)-1)
				a.Event = d.event
			} else {
				a.Event = next
				if rng.IntN(50) == 0 {
					a.Event += 1 << 40 // far from the ring
				}
				next++
			}
			s += rng.Int64N(2) * rng.Int64N(5)
			a.Partition, a.Sent, a.Answered, a.Status = "p"+strconv.Itoa(rng.IntN(2)), s, s+rng.Int64N(2)*rng.Int64N(3), 200
			if rng.IntN(5) > 0 {
				a.Status = 429
				if rng.IntN(6) > 0 {
					a.RetryAfter, a.HasRetryAfter = time.Duration(rng.Int64N(8)), true
				}
			}
			vs, vl := short.Add(a), long.Add(a)
			if vs != vl {
				t.Fatalf("seed %d, attempt %d %+v: short %+v, long %+v", seed, i, a, vs, vl)
			}
			switch {
			case a.Status == 429 && rng.IntN(10) > 0:
				queue = append(queue, due{a.Answered + int64(a.RetryAfter), a.Event})
			default:
				short.Forget(a.Event)
				long.Forget(a.Event)
			}
			if cs, cl := short.Counts(), long.Counts(); cs != cl {
				t.Fatalf("seed %d, attempt %d: counts %+v, the long way %+v", seed, i, cs, cl)
			}
			ps, es := short.live()
			pl, el := long.live()
			if ps != pl || es != el {
				t.Fatalf("seed %d, attempt %d: holds %d partitions and %d events, the long way %d and %d", seed, i, ps, es, pl, el)
			}
		}
	}
}

// TestRetryAfterJudgeEarlyRetriesBounded: an event retried early again
// and again, each retry answered 429 with Retry-After, holds two windows
// however many 429s it got: the followed one that ends last and the newest.
func TestRetryAfterJudgeEarlyRetriesBounded(t *testing.T) {
	j := NewRetryAfterJudge()
	for i := range int64(10_000) {
		at := st0 + i*int64(time.Millisecond)
		v := j.Add(RetryAfterAttempt{Partition: "p", Event: 1, Sent: at, Answered: at, Status: 429, RetryAfter: time.Second, HasRetryAfter: true})
		if i > 0 && (!v.Early || v.RetrySlack != time.Duration(-999*int64(time.Millisecond))) {
			t.Fatalf("retry %d: %+v, want early by 999 ms", i, v)
		}
		if n := len(j.events[1]); n > 2 {
			t.Fatalf("after retry %d: %d windows held, want at most 2", i, n)
		}
	}
	if c := j.Counts(); c.Early != 9_999 || c.PartitionViolations != 9_999 {
		t.Errorf("counts %+v: want 9,999 early retries and violations", c)
	}
}
