package report

import (
	"slices"
	"strings"

	"github.com/hooklimit/hooklimit/internal/numfmt"
)

// SenderShare is one sender's part of a run with several senders (a plan
// with senders:), in the JSON result's "senders" array: its share of the
// traffic, its 429s, its lost events and how it kept the Retry-Afters.
// Over all senders, each count sums to the run's total in Delivery.
//
// Attribution. An attempt, and the event it carries, belong to the sender
// that sent it. Early retries are the sender's own: a retry of one of its
// events before the Retry-After its 429 carried. A partition violation is
// charged to the sender of the attempt that broke the pause, whoever got
// the 429 that opened it: the senders share the target's partitions, and
// the target counts the attempt against them whoever sent it.
type SenderShare struct {
	Name   string `json:"name"`
	Sender string `json:"sender"` // its model: a preset and its spec, or "parallel"
	Retry  string `json:"retry"`  // its retry policy, in full
	// DisabledAt is when the sender disabled itself (its disable-after);
	// every one of its deliveries due after it was lost.
	DisabledAt          Timestamp `json:"disabled_at,omitempty"`
	Events              int64     `json:"events"`
	Attempts            int64     `json:"attempts"`
	AttemptShare        float64   `json:"attempt_share"` // its attempts / all attempts
	Accepted            int64     `json:"accepted"`
	Rejected429         int64     `json:"rejected_429"`
	Errors              int64     `json:"errors"`
	Lost                int64     `json:"lost"`
	RetryAfterEarly     int64     `json:"retry_after_early"`
	PartitionViolations int64     `json:"partition_violations"`
}

// AddCounts adds x's counts (events, attempts, accepted, 429s, errors,
// lost, early retries, partition violations) to s's; the name, model,
// retry policy, disabled time and share are left as they are.
func (s *SenderShare) AddCounts(x SenderShare) {
	s.Events += x.Events
	s.Attempts += x.Attempts
	s.Accepted += x.Accepted
	s.Rejected429 += x.Rejected429
	s.Errors += x.Errors
	s.Lost += x.Lost
	s.RetryAfterEarly += x.RetryAfterEarly
	s.PartitionViolations += x.PartitionViolations
}

// SenderMeta describes one sender of a run, for its result.
type SenderMeta struct {
	Name, Sender, Retry string
	Disabled            bool
	DisabledAt          int64 // Unix ns, if Disabled
}

// senderTally counts the shares of a run's senders by name, as the
// attempts and events come.
type senderTally struct {
	ix     map[string]int
	shares []SenderShare
}

// of returns the share of sender name, adding it when new.
func (t *senderTally) of(name string) *SenderShare {
	i, ok := t.ix[name]
	if !ok {
		if t.ix == nil {
			t.ix = map[string]int{}
		}
		i = len(t.shares)
		t.ix[name] = i
		t.shares = append(t.shares, SenderShare{Name: name})
	}
	return &t.shares[i]
}

// attempt counts an attempt of sender name and the judge's verdict of it.
func (t *senderTally) attempt(name string, accepted, rejected bool, v RetryAfterVerdict) {
	s := t.of(name)
	s.Attempts++
	switch {
	case accepted:
		s.Accepted++
	case rejected:
		s.Rejected429++
	default:
		s.Errors++
	}
	if v.Early {
		s.RetryAfterEarly++
	}
	if v.Violation {
		s.PartitionViolations++
	}
}

// event counts an event of sender name, lost or not.
func (t *senderTally) event(name string, lost bool) {
	s := t.of(name)
	s.Events++
	if lost {
		s.Lost++
	}
}

// result returns the shares in the order of senders, each with its model
// from there, and their share of total attempts. A sender seen in the
// attempts but not in senders comes after them.
func (t *senderTally) result(senders []SenderMeta, total int64) []SenderShare {
	var out []SenderShare
	seen := map[string]bool{}
	for _, m := range senders {
		s := *t.of(m.Name)
		s.Sender, s.Retry = m.Sender, m.Retry
		if m.Disabled {
			s.DisabledAt = Timestamp(m.DisabledAt)
		}
		out = append(out, s)
		seen[m.Name] = true
	}
	for _, s := range t.shares {
		if !seen[s.Name] {
			out = append(out, s)
		}
	}
	for i := range out {
		if total > 0 {
			out[i].AttemptShare = numfmt.Round3(float64(out[i].Attempts) / float64(total))
		}
	}
	return out
}

// MergeSenders adds up the senders of several runs (each run's Senders)
// into the senders of their merge. Senders of the same name are the same
// sender: a plan names its senders, so the runs of one plan (its parts,
// or its runs from several machines) share them. Their counts add up, in
// the order the names first come; a model or retry policy that differs
// between the runs is joined with " + "; DisabledAt is the earliest. Each
// sender's AttemptShare is of the merged attempts, so the counts of the
// merged senders sum to the sums of the runs'.
func MergeSenders(runs [][]SenderShare) []SenderShare {
	var t senderTally
	for _, ss := range runs {
		for _, s := range ss {
			m := t.of(s.Name)
			m.Sender, m.Retry = joinDistinct(m.Sender, s.Sender), joinDistinct(m.Retry, s.Retry)
			if s.DisabledAt != 0 && (m.DisabledAt == 0 || s.DisabledAt < m.DisabledAt) {
				m.DisabledAt = s.DisabledAt
			}
			m.AddCounts(s)
		}
	}
	var total int64
	for _, s := range t.shares {
		total += s.Attempts
	}
	return t.result(nil, total)
}

// Metas returns the SenderMeta of each of ss.
func Metas(ss []SenderShare) []SenderMeta {
	var out []SenderMeta
	for _, s := range ss {
		out = append(out, SenderMeta{Name: s.Name, Sender: s.Sender, Retry: s.Retry, Disabled: s.DisabledAt != 0, DisabledAt: int64(s.DisabledAt)})
	}
	return out
}

// joinDistinct joins b to a with " + ", unless a is empty, or b is
// empty or already one of a's parts.
func joinDistinct(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "" || slices.Contains(strings.Split(a, " + "), b):
		return a
	}
	return a + " + " + b
}
