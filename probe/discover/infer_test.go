package discover

import (
	"testing"
	"time"
)

const sec = int64(time.Second)

func TestMaxInWindow(t *testing.T) {
	tests := []struct {
		times []int64
		w     time.Duration
		want  int64
	}{
		{nil, time.Second, 0},
		{[]int64{0}, time.Second, 1},
		{[]int64{0, sec / 2, sec}, time.Second, 2},     // (t-1s, t]: 0 is out at t=1s
		{[]int64{0, 1, 2, 3, sec + 3}, time.Second, 4}, // 1,2,3,sec+3
		{[]int64{0, sec, 2 * sec, 3 * sec}, 2 * time.Second, 2},
		{[]int64{5, 5, 5}, time.Second, 3},
	}
	for _, tt := range tests {
		if got := MaxInWindow(tt.times, tt.w); got != tt.want {
			t.Errorf("MaxInWindow(%v, %s) = %d, want %d", tt.times, tt.w, got, tt.want)
		}
	}
}

func TestSnapWindow(t *testing.T) {
	tests := []struct {
		lo, hi time.Duration
		want   int64
	}{
		{0, time.Second, 1},
		{599 * time.Second, 600 * time.Second, 600},
		{59*time.Second + 300*time.Millisecond, 60*time.Second + 300*time.Millisecond, 60},
		{3420 * time.Second, 3600 * time.Second, 3600},
		{44 * time.Second, 45 * time.Second, 45}, // no usual length near: the middle, rounded
		{9800 * time.Millisecond, 10100 * time.Millisecond, 10},
	}
	for _, tt := range tests {
		if got := SnapWindow(tt.lo, tt.hi); got != tt.want {
			t.Errorf("SnapWindow(%s, %s) = %d, want %d", tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestWindowFromRetryAfter(t *testing.T) {
	t0 := int64(1_000) * sec
	tests := []struct {
		first, done int64
		ra          time.Duration
		want        int64
	}{
		// Rewst at 1,000: the first admitted at t0, the 1,001st rejected
		// 41.7 s later with Retry-After 19 (18.3 rounded up).
		{t0, t0 + 41_700*sec/1000, 19 * time.Second, 60},
		// Salesbuildr: 500 in 80 ms, then Retry-After 600.
		{t0, t0 + 80*sec/1000, 600 * time.Second, 600},
		// A per-second window: Retry-After 1 right after the burst.
		{t0, t0 + 5*sec/1000, time.Second, 1},
	}
	for _, tt := range tests {
		if got := WindowFromRetryAfter(tt.first, tt.done, tt.ra); got != tt.want {
			t.Errorf("WindowFromRetryAfter(+%s, %s) = %d, want %d", time.Duration(tt.done-tt.first), tt.ra, got, tt.want)
		}
	}
}

func trial(rate float64, held bool) Trial { return Trial{Rate: rate, Held: held} }

func TestNextTrialRate(t *testing.T) {
	tests := []struct {
		name   string
		est    float64
		trials []Trial
		want   float64
		ok     bool
	}{
		{"first: 10% under", 25, nil, 22.5, true},
		{"held: 10% over the estimate", 25, []Trial{trial(22.5, true)}, 27.5, true},
		{"bisect", 25, []Trial{trial(22.5, true), trial(27.5, false)}, 25, true},
		{"close enough", 25, []Trial{trial(22.5, true), trial(27.5, false), trial(25, false), trial(23.75, true)}, 0, false},
		{"nothing held: lower", 10, []Trial{trial(9, false)}, 6.3, true},
		{"always held: higher", 10, []Trial{trial(9, true), trial(11, true)}, 13.2, true},
		{"failed under held: held drops", 10, []Trial{trial(9, true), trial(11, false), trial(8, false)}, 5.6, true},
		{"no estimate", 0, nil, 0, false},
		{"enough trials", 10, []Trial{trial(1, true), trial(2, true), trial(3, true), trial(4, true), trial(5, true), trial(6, true)}, 0, false},
	}
	for _, tt := range tests {
		got, ok := NextTrialRate(tt.est, tt.trials)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: NextTrialRate = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPerSecondLimit(t *testing.T) {
	tests := []struct {
		name         string
		l1           int64
		held, failed float64
		want         int64
	}{
		{"sliding window: saturation count is exact", 25, 23.75, 25, 25},
		{"bucket: one over at saturation", 11, 9.9, 10.45, 10},
		{"bucket: held at the rate", 8, 5.04, 5.31, 5},
		{"no trials", 20, 0, 0, 20},
		{"never failed", 5, 7.9, 0, 7},
		{"nothing held", 5, 0, 4, 5},
		{"no whole rate between", 9, 4.2, 4.5, 4},
	}
	for _, tt := range tests {
		if got := PerSecondLimit(tt.l1, tt.held, tt.failed); got != tt.want {
			t.Errorf("%s: PerSecondLimit(%d, %v, %v) = %d, want %d", tt.name, tt.l1, tt.held, tt.failed, got, tt.want)
		}
	}
}

func TestBurstOf(t *testing.T) {
	req := func(seq int, sent, done int64, status int, ra time.Duration) *ProbeRequest {
		return &ProbeRequest{Seq: seq, Sent: sent, Done: done, Status: status, RetryAfter: ra, HasRetryAfter: ra > 0}
	}
	limit503 := req(4, 12, 25, 503, 0)
	limit503.limit503 = true // a 503 that behaves like rate limiting (see classify503)
	b, lim := BurstOf([]*ProbeRequest{
		req(1, 0, 10, 200, 0), req(2, 10, 20, 200, 0), req(3, 11, 30, 429, 2*time.Second),
		limit503, req(5, 13, 40, 200, 0),
	})
	want := Burst{Admitted: 3, Sent: 5, Limited: true, Status: 503, Elapsed: 25}
	if b != want || lim.Seq != 4 {
		t.Errorf("BurstOf = %+v (first rejection %d), want %+v (4)", b, lim.Seq, want)
	}
	if b, lim := BurstOf([]*ProbeRequest{req(1, 0, 1, 200, 0)}); b.Limited || lim != nil || b.Admitted != 1 {
		t.Errorf("BurstOf without rejection = %+v, %v", b, lim)
	}
}

func TestSaturatedPerSecond(t *testing.T) {
	even := func(n int, gap int64) []int64 {
		var ts []int64
		for i := range n {
			ts = append(ts, int64(i)*gap)
		}
		return ts
	}
	clumps := append(even(25, sec/50), append(even(25, sec/50), even(25, sec/50)...)...)
	for i := range clumps {
		clumps[i] += int64(i/25) * (sec + sec/100)
	}
	tests := []struct {
		name  string
		times []int64
		want  int64
	}{
		{"bucket at 10/s, one second holds 11", append(even(20, sec/10), 19*sec/10+sec/10-1), 10},
		{"sliding window of 25/s: clumps", clumps, 25},
		{"too few to average", []int64{0, 1}, 2},
		{"none", nil, 0},
	}
	for _, tt := range tests {
		if got := SaturatedPerSecond(tt.times); got != tt.want {
			t.Errorf("%s: SaturatedPerSecond = %d, want %d", tt.name, got, tt.want)
		}
	}
}
