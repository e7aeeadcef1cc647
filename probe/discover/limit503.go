package discover

import "net/http"

// A 503 Service Unavailable is what an application answers when it fails,
// and what some limiters (nginx's limit_req among them) answer instead of
// a 429. Discovery tells them apart by how they behave: a 503 is rate
// limiting when it carries a Retry-After of at least a second, or when
// limit503Run of them come in a row (in the order sent, with nothing
// admitted between), as they do once a limiter rejects everything sent
// faster than it admits. From the first such run on, the endpoint is
// known to use 503 for rate limiting and every later 503 counts as a
// rejection too. Any other 503, like every other 5xx, is an application
// error: counted, reported, and no reason to stop a step.

// limit503Run is how many 503s in a row make them rate limiting. At a 1%
// random error rate, three in a row come once in a million requests.
const limit503Run = 3

// streak503 follows the 503s in the order they were sent (Seq). Answers
// of requests in flight together can come back in another order: a 200
// answered after a 503 it was sent before does not break the 503's run.
//
// When a run confirms it, the earlier 503s of the same step count as rate
// limiting too: a limiter that refills while a burst is sent (on a busy
// machine, a burst takes longer than a token) admits a request between
// its first 503s, and those 503s were its rejections all the same.
type streak503 struct {
	run       []*ProbeRequest // the 503s sent after the last other answer's request
	step      string          // the step of the last answer
	inStep    []*ProbeRequest // the 503s of that step not yet taken for rate limiting
	confirmed bool            // the endpoint uses 503 for rate limiting
}

// classify decides whether p, just answered, is a 503 that behaves like
// rate limiting, and marks the earlier 503s of its run when it completes
// one.
func (s *streak503) classify(p *ProbeRequest) {
	if p.Step != s.step {
		s.step = p.Step
		clear(s.inStep)
		s.inStep = s.inStep[:0]
	}
	if p.Status != http.StatusServiceUnavailable {
		if p.Status != http.StatusTooManyRequests {
			// Only the 503s sent after p are still in a run with nothing
			// admitted between.
			rest := s.run[:0]
			for _, q := range s.run {
				if q.Seq > p.Seq {
					rest = append(rest, q)
				}
			}
			clear(s.run[len(rest):])
			s.run = rest
		}
		return
	}
	p.limit503 = s.confirmed || (p.HasRetryAfter && p.RetryAfter > 0)
	s.run = append(s.run, p)
	if !p.limit503 {
		s.inStep = append(s.inStep, p)
	}
	if len(s.run) >= limit503Run && !s.confirmed {
		s.confirmed = true
		for _, q := range s.inStep {
			q.limit503 = true
		}
		for _, q := range s.run {
			q.limit503 = true
		}
	}
}
