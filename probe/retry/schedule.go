package retry

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/units"
)

// Schedule waits a listed time before each retry: Waits[0] before the
// first, Waits[1] before the second, and Then before every retry after
// the list, up to Max retries in all. QuickBooks Online documents such a
// schedule: "10s, 20s, 30s, 5m, 20m, 2h, 4h, 6h, and then on stays at
// 6-hour intervals". With Then 0 the event is given up after the list.
type Schedule struct {
	Waits []time.Duration // the waits before retries 1 to len(Waits)
	Then  time.Duration   // the wait before every later retry; 0 for none
	Max   int             // retries after the first attempt
}

// Name returns "schedule".
func (Schedule) Name() string { return "schedule" }

// String returns the spec, e.g. "schedule,waits=10s/20s/30s,then=6h,max=100".
func (p Schedule) String() string {
	w := make([]string, len(p.Waits))
	for i, d := range p.Waits {
		w[i] = units.FormatDuration(d)
	}
	s := "schedule,waits=" + strings.Join(w, "/")
	if p.Then > 0 {
		s += ",then=" + units.FormatDuration(p.Then)
	}
	return s + ",max=" + strconv.Itoa(p.Max)
}

// Next returns the wait before retry N while fewer than Max retries were
// made and the schedule has one.
func (p Schedule) Next(f Failure, _ *rand.Rand) (time.Duration, bool) {
	n := attemptOf(&f)
	switch {
	case !retryable(&f.Response) || n > p.Max:
		return 0, false
	case n <= len(p.Waits):
		return p.Waits[n-1], true
	case p.Then > 0:
		return p.Then, true
	}
	return 0, false
}

// waits reads a list of durations separated by "/", each as duration
// reads one.
func (a *args) waits(name string) []time.Duration {
	v := a.vals[name]
	parts := strings.Split(v, "/")
	if len(parts) > MaxRetries {
		a.fail(name, "more waits than "+strconv.Itoa(MaxRetries))
		return nil
	}
	out := make([]time.Duration, 0, len(parts))
	for _, s := range parts {
		d, err := units.ParseDuration(strings.TrimSpace(s))
		if err != nil || d < 0 || d > maxSpecDays*units.Day {
			a.fail(name, "cannot use "+strconv.Quote(v)+"; want durations from 0 to 365d separated by /, e.g. 10s/20s/30s/5m")
			return nil
		}
		out = append(out, d)
	}
	return out
}
