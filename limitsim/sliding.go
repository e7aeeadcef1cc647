package limitsim

// sliding is a sliding window log: it remembers the time and cost of every
// request counted in the last Per and admits a request when the costs in
// (now-Per, now] plus its own stay within Quota. Memory is one entry per
// counted request in the window, kept in a ring that grows by doubling.
type sliding struct {
	quota, per    int64
	countRejected bool
	unit          bool // every cost is 1: costs is not kept

	times []int64 // ring of entry times
	costs []int64 // ring of entry costs, nil when unit
	head  int     // index of the oldest entry
	n     int     // number of entries
	sum   int64   // total cost of the entries
	last  int64   // latest time seen
}

func newSliding(l Limit, countRejected bool) *sliding {
	return &sliding{quota: l.Quota, per: int64(l.Per), countRejected: countRejected, unit: l.Unit != Bytes, last: MinTime}
}

// advance moves the clock to now (never backwards) and drops the entries
// that left the window: those at or before now-per.
func (w *sliding) advance(now int64) int64 {
	if now < w.last {
		now = w.last
	}
	w.last = now
	edge := now - w.per
	for w.n > 0 && w.times[w.head] <= edge {
		w.sum -= w.cost(w.head)
		w.head++
		if w.head == len(w.times) {
			w.head = 0
		}
		w.n--
	}
	return now
}

func (w *sliding) cost(i int) int64 {
	if w.unit {
		return 1
	}
	return w.costs[i]
}

func (w *sliding) Check(now, cost int64) (bool, int64) {
	now = w.advance(now)
	if w.sum+cost <= w.quota {
		return true, now
	}
	if cost > w.quota {
		return false, Never
	}
	// Find the oldest entry whose departure makes room.
	s := w.sum
	i := w.head
	for k := 0; k < w.n; k++ {
		s -= w.cost(i)
		if s+cost <= w.quota {
			return false, w.times[i] + w.per
		}
		i++
		if i == len(w.times) {
			i = 0
		}
	}
	return false, Never // unreachable: an empty window holds any cost <= quota
}

func (w *sliding) Take(now, cost int64, admitted bool) {
	if !admitted && !w.countRejected {
		return
	}
	now = w.advance(now)
	if cost == 0 {
		return
	}
	if w.n == len(w.times) {
		w.grow()
	}
	i := w.head + w.n
	if i >= len(w.times) {
		i -= len(w.times)
	}
	w.times[i] = now
	if !w.unit {
		w.costs[i] = cost
	}
	w.n++
	w.sum += cost
}

func (w *sliding) grow() {
	size := 2 * len(w.times)
	if size == 0 {
		size = 4
	}
	times := make([]int64, size)
	var costs []int64
	if !w.unit {
		costs = make([]int64, size)
	}
	for k := 0; k < w.n; k++ {
		j := (w.head + k) % len(w.times)
		times[k] = w.times[j]
		if !w.unit {
			costs[k] = w.costs[j]
		}
	}
	w.times, w.costs, w.head = times, costs, 0
}

func (w *sliding) Allow(now, cost int64) bool { return allow(w, now, cost) }

func (w *sliding) Remaining(now int64) int64 {
	w.advance(now)
	return max(0, w.quota-w.sum)
}

func (w *sliding) ResetAt(now int64) int64 {
	now = w.advance(now)
	if w.n == 0 {
		return now
	}
	newest := w.head + w.n - 1
	if newest >= len(w.times) {
		newest -= len(w.times)
	}
	return w.times[newest] + w.per
}
