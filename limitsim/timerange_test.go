package limitsim

import (
	"math"
	"testing"
	"time"
)

func TestTimeRangeBounds(t *testing.T) {
	if got := time.Unix(0, MinTime).UTC().Format(time.RFC3339Nano); got != "1900-01-01T00:00:00Z" {
		t.Errorf("MinTime = %s", got)
	}
	if got := time.Unix(0, MaxTime).UTC().Format(time.RFC3339Nano); got != "2189-12-31T23:59:59.999999999Z" {
		t.Errorf("MaxTime = %s", got)
	}
	// Every t ± k·Per stays in an int64, and any two times subtract.
	span := int64(MaxPeriods) * int64(MaxPer)
	if MinTime < math.MinInt64+span || MaxTime > math.MaxInt64-span {
		t.Errorf("MaxPeriods·MaxPer does not fit on both sides of the range")
	}
	if MaxTime-MinTime < 0 {
		t.Errorf("MaxTime - MinTime overflows")
	}
	for _, c := range []struct {
		t    int64
		want bool
	}{{MinTime - 1, false}, {MinTime, true}, {0, true}, {MaxTime, true}, {MaxTime + 1, false}} {
		if got := InTimeRange(c.t); got != c.want {
			t.Errorf("InTimeRange(%d) = %v, want %v", c.t, got, c.want)
		}
	}
}

func TestRetryAtSaturates(t *testing.T) {
	// A credit store that takes more ticks to refill than an int64 of
	// nanoseconds holds, and a slow bucket at the end of the range.
	c := NewLimiter(Limit{Name: "c", Kind: Credits, Quota: 1, Per: MaxPer, Burst: 1 << 40}, false)
	c.Allow(MaxTime, 1<<40)
	if ok, at := c.Check(MaxTime, 1<<40); ok || at < MaxTime {
		t.Errorf("credits Check = %v, %d; want a refusal no earlier than MaxTime", ok, at)
	}
	if at := c.ResetAt(MaxTime); at < MaxTime {
		t.Errorf("credits ResetAt = %d, before MaxTime", at)
	}
	b := NewLimiter(Limit{Name: "b", Kind: Bucket, Quota: 1, Per: MaxPer, Burst: 72}, false)
	b.Allow(MaxTime, 72)
	if ok, at := b.Check(MaxTime, 72); ok || at < MaxTime {
		t.Errorf("bucket Check = %v, %d; want a refusal no earlier than MaxTime", ok, at)
	}
	if at := b.ResetAt(MaxTime); at < MaxTime {
		t.Errorf("bucket ResetAt = %d, before MaxTime", at)
	}
}

// TestBefore1970 checks that limits decide traffic before 1970 (negative
// Unix times, which the readers accept from MinTime on) as they decide the
// same traffic shifted into 2026: no limiter takes the Unix epoch for a
// time already seen.
func TestBefore1970(t *testing.T) {
	shift := time.Date(2026, 2, 17, 9, 0, 0, 0, time.UTC).Sub(time.Date(1960, 2, 17, 9, 0, 0, 0, time.UTC))
	for _, name := range BuiltinNames() {
		p, _ := Builtin(name)
		early, late := p.NewPartition(), p.NewPartition()
		t0 := time.Date(1960, 2, 17, 9, 0, 0, 0, time.UTC).UnixNano()
		for i := range 3000 {
			at := t0 + int64(i)*int64(40*time.Millisecond)
			a, b := early.Decide(at, 100), late.Decide(at+int64(shift), 100)
			if a.Admitted != b.Admitted || a.Now != at {
				t.Fatalf("%s: request %d at %s: admitted %v (decided at %d), in 2026 %v", name, i, time.Unix(0, at).UTC(), a.Admitted, a.Now, b.Admitted)
			}
		}
	}
}
