package probe

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/scenarios"
)

// tickSource emits n events, every apart (0: all at once), with no slice
// behind them.
type tickSource struct {
	n, i  int
	every time.Duration
}

func (s *tickSource) Next() (scenarios.Emission, error) {
	if s.i == s.n {
		return scenarios.Emission{}, io.EOF
	}
	s.i++
	return scenarios.Emission{Time: int64(s.i-1) * int64(s.every), Event: uint64(s.i), Copies: 1, Key: "t1"}, nil
}

// sendTimes records, per attempt, how late it left and when.
type sendTimes struct {
	late, sent []int64
	ok         int
}

func (s *sendTimes) Attempt(a *Attempt) {
	s.late = append(s.late, a.Sent-a.Intended)
	s.sent = append(s.sent, a.Sent)
	if a.Accepted() {
		s.ok++
	}
}

func (s *sendTimes) Outcome(*Outcome) {}

func okServer(b *testing.B) string {
	return server(b, func(w http.ResponseWriter, r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }).URL
}

// BenchmarkHTTPEngine sends b.N events due at the same instant to a
// loopback server that answers 200: the engine's throughput, bounded by
// MaxInFlight (256) requests in flight.
func BenchmarkHTTPEngine(b *testing.B) {
	target := okServer(b)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	st, err := (&Engine{Source: &tickSource{n: b.N}, Policy: retry.None{}, Observer: &countOnly{}, Target: &HTTPTarget{URL: target}}).Run(context.Background())
	elapsed := time.Since(start)
	if err != nil || st.Attempts != int64(b.N) {
		b.Fatalf("Run: %v, %d attempts of %d", err, st.Attempts, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
}

// countOnly is the cheapest Observer.
type countOnly struct{ attempts, ok int }

func (c *countOnly) Attempt(a *Attempt) {
	c.attempts++
	if a.Accepted() {
		c.ok++
	}
}

func (c *countOnly) Outcome(*Outcome) {}

// BenchmarkPacing sends 1,000 and 5,000 requests a second for 2.5 s to a
// loopback server, judged against rewst's profile as run --target is by
// default (so the sender catches up after a stall, within its windows),
// and reports how late they left (p50, p99 and max of Sent − Intended, in
// µs), how many were Late, and the most sent in any 1-second window,
// which must not exceed what the schedule holds in a window of 1 s plus
// the tolerance (1,001 at 1,000/s, 5,006 at 5,000/s).
func BenchmarkPacing(b *testing.B) {
	for _, rate := range []int{1000, 5000} {
		b.Run(strconv.Itoa(rate)+"/s", func(b *testing.B) { benchPacing(b, rate) })
	}
}

func benchPacing(b *testing.B, rate int) {
	n := rate * 5 / 2
	rewst, _ := limitsim.Builtin("rewst") // as run --target's default profile
	target := okServer(b)
	var rec *sendTimes
	var st Stats
	b.ReportAllocs()
	for range b.N {
		rec = &sendTimes{late: make([]int64, 0, n), sent: make([]int64, 0, n)}
		var err error
		st, err = (&Engine{Source: &tickSource{n: n, every: time.Second / time.Duration(rate)}, Policy: retry.None{}, Observer: rec, Target: &HTTPTarget{URL: target}, Profile: rewst}).Run(context.Background())
		if err != nil || rec.ok != n {
			b.Fatalf("Run: %v, %d of %d accepted", err, rec.ok, n)
		}
	}
	late := slices.Clone(rec.late)
	slices.Sort(late)
	q := func(p float64) float64 { return float64(late[int(p*float64(len(late)-1))]) / 1e3 }
	window := maxWindow(rec.sent, int64(time.Second))
	b.ReportMetric(q(0.50), "p50-late-µs")
	b.ReportMetric(q(0.99), "p99-late-µs")
	b.ReportMetric(q(1), "max-late-µs")
	b.ReportMetric(float64(st.Late), "late-sends")
	b.ReportMetric(float64(window), "max-per-1s")
	if most := int64(rate)*int64(time.Second+DefaultLateTolerance)/int64(time.Second) + 1; int64(window) > most {
		b.Errorf("%d sends in a 1-second window at %d/s, more than %d", window, rate, most)
	}
}

// BenchmarkHTTPTarget is bench/http.sh's way to measure the engine alone
// against its sink: it runs only when HOOKLIMIT_BENCH_URL names a loopback
// URL, and sends HOOKLIMIT_BENCH_RATE requests a second (default 1,000)
// for HOOKLIMIT_BENCH_SECONDS (default 10), open model, and reports the
// achieved requests a second (attempts over the run's wall time), the
// requests sent and the p99 of Sent − Intended.
func BenchmarkHTTPTarget(b *testing.B) {
	target := os.Getenv("HOOKLIMIT_BENCH_URL")
	if target == "" {
		b.Skip("HOOKLIMIT_BENCH_URL not set")
	}
	u, err := url.Parse(target)
	if ip := net.ParseIP(u.Hostname()); err != nil || ip == nil || !ip.IsLoopback() {
		b.Fatalf("HOOKLIMIT_BENCH_URL %q is not a loopback URL", target)
	}
	rate, secs := envInt("HOOKLIMIT_BENCH_RATE", 1000), envInt("HOOKLIMIT_BENCH_SECONDS", 10)
	rewst, _ := limitsim.Builtin("rewst") // as run --target's default profile
	n := rate * secs
	for range b.N {
		rec := &sendTimes{late: make([]int64, 0, n), sent: make([]int64, 0, n)}
		start := time.Now()
		st, err := (&Engine{Source: &tickSource{n: n, every: time.Second / time.Duration(rate)}, Policy: retry.None{}, Observer: rec, Target: &HTTPTarget{URL: target}, Profile: rewst}).Run(context.Background())
		elapsed := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		slices.Sort(rec.late)
		b.ReportMetric(float64(st.Attempts)/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(st.Attempts), "requests")
		b.ReportMetric(float64(rec.ok), "accepted")
		b.ReportMetric(float64(rec.late[len(rec.late)*99/100])/1e3, "p99-late-µs")
		b.ReportMetric(float64(st.Late), "late-sends")
		b.ReportMetric(float64(maxWindow(rec.sent, int64(time.Second))), "max-per-1s")
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
