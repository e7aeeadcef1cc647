package report

import (
	"container/heap"
	"fmt"
	"slices"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/scenarios"
)

// BoundedCompliance is an Analyzer whose idle keys are retired and whose
// result holds the rows of the worst keys only, so that its memory stays
// bounded under any number of distinct keys: serve retires keys as it goes,
// and check (Analyzer.ResultWorst) keeps only the worst keys' rows.
//
// A key that has had no arrival for the profiles' idle horizon
// (limitsim.Profile.IdleHorizon) is retired: its rows are final, since
// every limit and interpretation has fully reset, and they are folded into
// running totals (the summary per limit, the metrics, what the profile
// would reject). The rows of the worst keep retired keys are kept for the
// report; the others are summed up in one policy_rejected entry. A retired
// key that comes back is analysed afresh (exactly, since its limits had
// reset); if its old rows were kept they are merged with the new ones,
// and otherwise it counts as a key once more.
type BoundedCompliance struct {
	a       *Analyzer
	keep    int
	retired int64             // keys retired so far
	accs    []profileAcc      // per profile
	kept    []keptHeap        // per profile, the worst retired keys
	others  []PolicyRejection // per profile, retired keys not kept
	nothers []int64
}

// NewBoundedCompliance returns the analysis of a, which keeps the rows of
// the worst keep retired keys (at least 1).
func NewBoundedCompliance(a *Analyzer, keep int) *BoundedCompliance {
	c := &BoundedCompliance{a: a, keep: max(keep, 1)}
	for _, p := range a.profiles {
		c.accs = append(c.accs, newProfileAcc(len(p.Limits)))
		c.kept = append(c.kept, nil)
		c.others = append(c.others, PolicyRejection{Profile: p.Name})
		c.nothers = append(c.nothers, 0)
	}
	return c
}

// Add analyses one arrival, as Analyzer.Add does.
func (c *BoundedCompliance) Add(r scenarios.Record) { c.a.Add(r) }

// Keys returns how many partition keys are analysed now, retired ones
// aside.
func (c *BoundedCompliance) Keys() int { return c.a.partitions() }

// Retired returns how many keys were retired so far.
func (c *BoundedCompliance) Retired() int64 { return c.retired }

// keptHeap holds the worst keys, the least bad on top.
type keptHeap []*keptKey

func (h keptHeap) Len() int           { return len(h) }
func (h keptHeap) Less(i, j int) bool { return worse(h[i], h[j]) > 0 }
func (h keptHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *keptHeap) Push(x any)        { *h = append(*h, x.(*keptKey)) }
func (h *keptHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Retire retires the keys whose last arrival was at or before idleSince,
// and returns how many it retired.
func (c *BoundedCompliance) Retire(idleSince int64) int {
	a := c.a
	n := 0
	for _, g := range a.groups {
		j, retired := 0, 0
		for _, ks := range g.order {
			if ks.last > idleSince {
				g.order[j] = ks
				j++
				continue
			}
			for _, pi := range g.profiles {
				c.fold(pi, a.keyRows(pi, ks))
			}
			delete(g.keys, ks.key)
			if g.prev == ks {
				g.prev = nil
			}
			retired++
		}
		clear(g.order[j:])
		g.order = g.order[:j]
		n = max(n, retired) // partitions count as a.partitions() counts them
	}
	c.retired += int64(n)
	return n
}

// fold adds a retired key's rows to the totals and offers it to the kept.
func (c *BoundedCompliance) fold(pi int, k *keptKey) {
	c.accs[pi].addKey(c.a.profiles[pi].Limits, k.rows)
	h := &c.kept[pi]
	if h.Len() < c.keep {
		heap.Push(h, k)
		return
	}
	if worse(k, (*h)[0]) < 0 {
		k, (*h)[0] = (*h)[0], k
		heap.Fix(h, 0)
	}
	c.other(pi, k.pol)
}

// other sums a policy rejection into the entry of retired keys not kept.
func (c *BoundedCompliance) other(pi int, p PolicyRejection) {
	c.nothers[pi]++
	addRejection(&c.others[pi], p)
}

// Result is the Analyzer's Result with the retired keys folded back in,
// and the rows of the worst show keys (every key when show <= 0). The
// summary, the metrics and the policy rejections are over every key;
// the keys not shown are summed up in one policy_rejected entry. Memory
// and time grow with show, and time with the live keys, never memory:
// each key's rows are made, counted and dropped unless among the worst.
func (c *BoundedCompliance) Result(show int) *CheckResult {
	a := c.a
	if c.retired == 0 && (show <= 0 || a.partitions() <= show) {
		return a.Result()
	}
	r := a.resultHead()
	r.Input.Keys += int(c.retired)
	var rejected, keysFailing int64
	peak, headroom := 0.0, 1.0
	for pi, p := range a.profiles {
		acc := c.accs[pi].clone()
		old := make(map[string]*keptKey, len(c.kept[pi]))
		for _, k := range c.kept[pi] {
			cp := *k
			cp.rows = slices.Clone(k.rows)
			if o, ok := old[k.key]; ok {
				o.merge(&cp) // retired more than once
				continue
			}
			old[k.key] = &cp
		}
		top := worstKeys{show: show}
		hidden, nhidden := c.others[pi], c.nothers[pi]
		offer := func(k *keptKey) {
			if out := top.offer(k); out != nil {
				nhidden++
				addRejection(&hidden, out.pol)
			}
		}
		for _, ks := range a.groups[a.groupOf[pi]].order {
			k := a.keyRows(pi, ks)
			acc.addKey(p.Limits, k.rows)
			if o, ok := old[k.key]; ok {
				k.merge(o) // a key that came back after it was retired
				delete(old, k.key)
			}
			offer(k)
		}
		for _, k := range c.kept[pi] {
			if o, ok := old[k.key]; ok {
				offer(o)
				delete(old, k.key)
			}
		}
		list := top.sorted()
		for _, k := range list {
			r.Limits = append(r.Limits, k.rows...)
			r.PolicyRejected = append(r.PolicyRejected, k.pol)
			rejected += k.pol.Rejected
		}
		if nhidden > 0 {
			hidden.Key = fmt.Sprintf("(%s)", numfmt.CountNoun(nhidden, "other key"))
			hidden.Note = fmt.Sprintf("the sum over the keys not shown (only the worst %s are, and expired keys beyond the worst %s); their rows are in the summary only",
				numfmt.WithCommas(int64(show)), numfmt.WithCommas(int64(c.keep)))
			if nhidden == c.nothers[pi] {
				hidden.Key = fmt.Sprintf("(%s)", numfmt.CountNoun(nhidden, "other expired key"))
				hidden.Note = "the sum over keys that went idle and were expired; their rows are in the summary only"
			}
			r.PolicyRejected = append(r.PolicyRejected, hidden)
			rejected += hidden.Rejected
		}
		for li, l := range p.Limits {
			s := acc.limits[li].summary(p.Name, l)
			s.Note = a.scopeNote(p, s.Note)
			r.Summary = append(r.Summary, s)
		}
		keysFailing += int64(acc.keysFailing)
		if acc.known {
			peak = max(peak, acc.peak)
			headroom = min(headroom, acc.headroom)
		}
	}
	rate := 0.0
	if n := r.Input.Records * int64(len(a.profiles)); n > 0 {
		rate = float64(rejected) / float64(n)
	}
	r.Metrics = map[string]float64{
		MetricPeakRatio:    peak,
		MetricHeadroom:     headroom,
		MetricRejected:     float64(rejected),
		MetricRejectedRate: rate,
		MetricKeysFailing:  float64(keysFailing),
	}
	r.Settle()
	return r
}

// addRejection sums p into o.
func addRejection(o *PolicyRejection, p PolicyRejection) {
	o.Records += p.Records
	o.Rejected += p.Rejected
	if p.Rejected > 0 && (o.FirstRejected == 0 || p.FirstRejected < o.FirstRejected) {
		o.FirstRejected = p.FirstRejected
	}
}

// worstKeys keeps the worst show keys offered (every key when show <= 0).
type worstKeys struct {
	show int
	h    keptHeap
}

// offer adds k, and returns the key that is no longer among the worst
// (k itself, or one offered before), or nil.
func (w *worstKeys) offer(k *keptKey) *keptKey {
	if w.show <= 0 || w.h.Len() < w.show {
		heap.Push(&w.h, k)
		return nil
	}
	if worse(k, w.h[0]) < 0 {
		k, w.h[0] = w.h[0], k
		heap.Fix(&w.h, 0)
	}
	return k
}

// sorted returns the keys kept, the worst first.
func (w *worstKeys) sorted() []*keptKey {
	list := []*keptKey(w.h)
	slices.SortStableFunc(list, worse)
	return list
}

// merge adds the rows of an earlier period of the same key: peaks are the
// larger, rejections add up (the key's limits had reset in between).
func (k *keptKey) merge(old *keptKey) {
	for i := range k.rows {
		if i >= len(old.rows) {
			break
		}
		n, o := &k.rows[i], old.rows[i]
		n.Peak = max(n.Peak, o.Peak)
		n.Rejected += o.Rejected
		if o.FirstViolation != 0 && (n.FirstViolation == 0 || o.FirstViolation < n.FirstViolation) {
			n.FirstViolation = o.FirstViolation
		}
		n.PeakRatio = float64(n.Peak) / float64(max(n.Allowed, 1))
		n.Headroom = float64(n.Allowed-n.Peak) / float64(max(n.Allowed, 1))
		if n.Allowed == 0 {
			n.Headroom = 1 - n.PeakRatio
		}
		switch {
		case n.Verdict == VerdictUnknown || o.Verdict == VerdictUnknown:
			n.Verdict = VerdictUnknown
		case n.Peak <= n.Allowed:
			n.Verdict = VerdictPass
		default:
			n.Verdict = VerdictFail
		}
	}
	k.doc, k.alt = max(k.doc, old.doc), max(k.alt, old.alt)
	k.pol.Records += old.pol.Records
	k.pol.Rejected += old.pol.Rejected
	if old.pol.FirstRejected != 0 && (k.pol.FirstRejected == 0 || old.pol.FirstRejected < k.pol.FirstRejected) {
		k.pol.FirstRejected = old.pol.FirstRejected
	}
}
