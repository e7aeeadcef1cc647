package progress

import (
	"sync"
	"testing"
	"time"
)

var t0 = time.Unix(1_700_000_000, 0)

func TestFraction(t *testing.T) {
	tests := []struct {
		begin, end, at int64
		want           float64
	}{
		{0, 100, -5, 0},
		{0, 100, 0, 0},
		{0, 100, 1, 0.01},
		{0, 100, 37, 0.37},
		{0, 100, 99, 0.99},
		{0, 100, 100, 1},
		{0, 100, 250, 1},
		{100, 100, 100, 0}, // an empty span
		{100, 50, 70, 0},
	}
	for _, tt := range tests {
		if got := Fraction(tt.begin, tt.end, tt.at); got != tt.want {
			t.Errorf("Fraction(%d, %d, %d) = %v, want %v", tt.begin, tt.end, tt.at, got, tt.want)
		}
	}
}

func TestLeft(t *testing.T) {
	tests := []struct {
		elapsed time.Duration
		done    float64
		want    time.Duration
		ok      bool
	}{
		{10 * time.Second, 0, 0, false}, // no pace yet
		{0, 0.5, 0, true},
		{10 * time.Second, 0.25, 30 * time.Second, true},
		{10 * time.Second, 0.5, 10 * time.Second, true},
		{70 * time.Second, 0.875, 10 * time.Second, true},
		{10 * time.Second, 1, 0, true},
		{10 * time.Second, 1.5, 0, true},
		{time.Hour, 1e-300, 1<<63 - 1, true}, // does not overflow
	}
	for _, tt := range tests {
		got, ok := Left(tt.elapsed, tt.done)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Left(%v, %v) = %v, %v, want %v, %v", tt.elapsed, tt.done, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFormatLeft(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0s"},
		{0, "0s"},
		{200 * time.Millisecond, "1s"},
		{45 * time.Second, "45s"},
		{59*time.Second + time.Millisecond, "1m00s"},
		{64 * time.Second, "1m04s"},
		{59*time.Minute + 59*time.Second, "59m59s"},
		{time.Hour, "1h00m"},
		{2*time.Hour + 5*time.Minute + 59*time.Second, "2h06m"},
		{24 * time.Hour, "24h00m"},
		{76*time.Hour + 4*time.Minute, "76h04m"},
		{1000 * 24 * time.Hour, "24,000h00m"},
	}
	for _, tt := range tests {
		if got := FormatLeft(tt.d); got != tt.want {
			t.Errorf("FormatLeft(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestVirtual follows a simulator run of a 24 h scenario: the bar shows
// the scenario time covered, and the time left follows the real pace.
func TestVirtual(t *testing.T) {
	const h = int64(time.Hour)
	begin := int64(1e18)
	tr := NewVirtual(t0, begin, begin+24*h)
	if st := tr.Status(t0.Add(time.Second)); st.Done != 0 || st.LeftKnown || st.Line() != "0% · 0 attempts · 0 accepted · 0 × 429" {
		t.Fatalf("before any attempt: %+v, %q", st, st.Line())
	}
	tr.Observe(begin+6*h, true, false)
	tr.Observe(begin+5*h, false, true) // a retry due earlier does not move the bar back
	for range 1233 {
		tr.Observe(begin+6*h, false, false)
	}
	st := tr.Status(t0.Add(10 * time.Second))
	if st.Done != 0.25 || !st.LeftKnown || st.Left != 30*time.Second {
		t.Fatalf("a quarter covered in 10 s: done %v, left %v (%v), want 0.25, 30s", st.Done, st.Left, st.LeftKnown)
	}
	if got, want := st.Line(), "25% · 1,235 attempts · 1 accepted · 1 × 429 · 30s left"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	tr.Observe(begin+30*h, true, false) // a retry after the scenario's end
	if st := tr.Status(t0.Add(40 * time.Second)); st.Done != 1 || st.Left != 0 {
		t.Errorf("past the end: done %v, left %v, want 1, 0", st.Done, st.Left)
	}
}

// TestReal follows a --target run of 1 min plus a 1 min drain: elapsed
// against planned, from the first second.
func TestReal(t *testing.T) {
	tr := NewReal(t0, time.Minute, time.Minute)
	tests := []struct {
		at   time.Duration
		done float64
		left string
	}{
		{0, 0, "2m00s left"},
		{time.Second, 1.0 / 120, "1m59s left"},
		{30 * time.Second, 0.25, "1m30s left"},
		{90 * time.Second, 0.75, "30s left"},
		{119*time.Second + 500*time.Millisecond, 119.5 / 120, "1s left"},
		{3 * time.Minute, 1, "0s left"},
	}
	for _, tt := range tests {
		st := tr.Status(t0.Add(tt.at))
		if st.Done != tt.done || st.LeftText() != tt.left {
			t.Errorf("at +%v: done %v, %q, want %v, %q", tt.at, st.Done, st.LeftText(), tt.done, tt.left)
		}
	}
}

// TestSteps follows a probe: step k of n by name, and the share of the
// caps used, whichever cap is nearer.
func TestSteps(t *testing.T) {
	tr := NewSteps(t0, []string{"advertised", "burst", "retry-after", "rate"}, 1000, 100*time.Second)
	if got, want := tr.Status(t0).Line(), "0% · step 1 of 4: advertised · 0 requests · 0 × 429 · at most 1m40s left"; got != want {
		t.Errorf("at the start: %q, want %q", got, want)
	}
	tr.Step("burst")
	for i := range 500 {
		tr.Observe(0, i < 400, i >= 400)
	}
	if got, want := tr.Status(t0.Add(10*time.Second)).Line(), "50% · step 2 of 4: burst · 500 requests · 100 × 429 · at most 1m30s left"; got != want {
		t.Errorf("requests cap nearer: %q, want %q", got, want)
	}
	tr.Step("rate")
	tr.Step("burst") // steps never go back
	tr.Step("no such step")
	if got, want := tr.Status(t0.Add(80*time.Second)).Line(), "80% · step 4 of 4: rate · 500 requests · 100 × 429 · at most 20s left"; got != want {
		t.Errorf("time cap nearer: %q, want %q", got, want)
	}
}

func TestUnknown(t *testing.T) {
	tr := NewUnknown(t0)
	tr.Observe(5, true, false)
	if got, want := tr.Status(t0.Add(time.Hour)).Line(), "1 attempt · 1 accepted · 0 × 429"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
}

// TestConcurrent observes from several goroutines while reading the
// status, for the race detector; the counts and the covered time add up.
func TestConcurrent(t *testing.T) {
	tr := NewVirtual(t0, 0, 4000)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 1000 {
				tr.Observe(int64(g*1000+i+1), true, false)
			}
		})
	}
	for range 100 {
		_ = tr.Status(t0)
	}
	wg.Wait()
	if st := tr.Status(t0.Add(time.Second)); st.Attempts != 4000 || st.Accepted != 4000 || st.Done != 1 {
		t.Errorf("after 4,000 attempts: %+v", st)
	}
}
