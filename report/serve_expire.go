package report

import (
	"container/heap"
	"fmt"
	"slices"
)

// serveCompliance is an Analyzer whose idle keys are retired, so that a
// server's analysis keeps bounded memory under any number of distinct keys.
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
type serveCompliance struct {
	a       *Analyzer
	keep    int
	retired int64             // keys retired so far
	accs    []profileAcc      // per profile
	kept    []keptHeap        // per profile, the worst retired keys
	others  []PolicyRejection // per profile, retired keys not kept
	nothers []int64
}

func newServeCompliance(a *Analyzer, keep int) *serveCompliance {
	c := &serveCompliance{a: a, keep: max(keep, 1)}
	for _, p := range a.profiles {
		c.accs = append(c.accs, newProfileAcc(len(p.Limits)))
		c.kept = append(c.kept, nil)
		c.others = append(c.others, PolicyRejection{Profile: p.Name})
		c.nothers = append(c.nothers, 0)
	}
	return c
}

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

// retire retires the keys whose last arrival was at or before idleSince,
// and returns how many it retired.
func (c *serveCompliance) retire(idleSince int64) int {
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
func (c *serveCompliance) fold(pi int, k *keptKey) {
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
func (c *serveCompliance) other(pi int, p PolicyRejection) {
	o := &c.others[pi]
	c.nothers[pi]++
	o.Records += p.Records
	o.Rejected += p.Rejected
	if p.Rejected > 0 && (o.FirstRejected == 0 || p.FirstRejected < o.FirstRejected) {
		o.FirstRejected = p.FirstRejected
	}
}

// result is the Analyzer's Result with the retired keys folded back in.
func (c *serveCompliance) result() *CheckResult {
	a := c.a
	r := a.Result()
	if c.retired == 0 {
		return r
	}
	r.Input.Keys += int(c.retired)
	r.Limits, r.Summary, r.PolicyRejected = []LimitRow{}, []LimitSummary{}, []PolicyRejection{}
	var rejected, keysFailing int64
	peak, headroom := 0.0, 1.0
	for pi, p := range a.profiles {
		acc := c.accs[pi].clone()
		keys := map[string]*keptKey{}
		var list []*keptKey
		add := func(k *keptKey) {
			if into, ok := keys[k.key]; ok {
				into.merge(k) // a key that came back after it was retired
				return
			}
			keys[k.key] = k
			list = append(list, k)
		}
		for _, ks := range a.groups[a.groupOf[pi]].order {
			k := a.keyRows(pi, ks)
			acc.addKey(p.Limits, k.rows)
			add(k)
		}
		for _, old := range c.kept[pi] {
			cp := *old
			cp.rows = slices.Clone(old.rows)
			add(&cp)
		}
		slices.SortStableFunc(list, worse)
		for _, k := range list {
			r.Limits = append(r.Limits, k.rows...)
			r.PolicyRejected = append(r.PolicyRejected, k.pol)
			rejected += k.pol.Rejected
		}
		if n := c.nothers[pi]; n > 0 {
			o := c.others[pi]
			o.Key = fmt.Sprintf("(%s)", countNoun(n, "other expired key"))
			o.Note = "the sum over keys that went idle and were expired; their rows are in the summary only"
			r.PolicyRejected = append(r.PolicyRejected, o)
			rejected += o.Rejected
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
	r.settle()
	return r
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
