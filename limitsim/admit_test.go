package limitsim

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestAdmitIsDecideInto drives two partitions of every built-in profile,
// counting rejections and not, with the same random requests (bursts, gaps,
// times going back, sizes up to past the byte limits): one always through
// DecideInto, the other through a shorter decision (Admit, DecideShort),
// and through DecideInto every seventh request. The shorter decision must
// give the same answer and leave the limits exactly as DecideInto does:
// every full decision of the second partition is the first's. The
// second partition of DecideShort is a solo one, as the simulator of a
// run uses it.
func TestAdmitIsDecideInto(t *testing.T) {
	for _, tc := range []struct {
		name string
		solo bool // the second partition is a solo one
		// short decides with the shorter decision and says what differs
		// from want, DecideInto's, or "".
		short func(pt *Partition, now, size int64, want *Decision) string
	}{
		{"Admit", false, func(pt *Partition, now, size int64, want *Decision) string {
			if got := pt.Admit(now, size); got != want.Admitted {
				return fmt.Sprintf("Admit = %v, DecideInto admitted %v", got, want.Admitted)
			}
			return ""
		}},
		{"DecideShort", true, func(pt *Partition, now, size int64, want *Decision) string {
			var d Decision
			pt.DecideShort(&d, now, size)
			if d.Admitted != want.Admitted || d.Now != want.Now || d.RetryAt != want.RetryAt || d.NextAt != 0 || d.Limits != nil {
				return fmt.Sprintf("DecideShort gives %+v, DecideInto %+v", d, *want)
			}
			return ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rejected, decided := 0, 0
			for _, p := range Builtins() {
				for _, countRejected := range []bool{false, true} {
					prof := *p
					prof.CountRejected = countRejected
					r := rand.New(rand.NewPCG(uint64(len(p.Name)), 9))
					a, b := prof.NewPartition(), prof.NewPartition()
					if tc.solo {
						b = prof.NewSoloPartition()
					}
					var da, db Decision
					now := t0
					for i := range 3000 {
						switch k := r.IntN(64); {
						case k < 8:
							now -= r.Int64N(int64(2 * time.Second)) // earlier than the last
						case k < 9:
							now += r.Int64N(int64(3 * time.Minute)) // a long gap
						case k < 32:
							now += r.Int64N(int64(time.Millisecond)) // a burst
						default:
							now += r.Int64N(int64(50 * time.Millisecond))
						}
						size := r.Int64N(4 << 20)
						a.DecideInto(&da, now, size)
						decided++
						if !da.Admitted {
							rejected++
						}
						if i%7 == 0 {
							b.DecideInto(&db, now, size)
							if !decisionsEqual(&da, &db) {
								t.Fatalf("%s (count rejected %v), request %d: after %s, DecideInto gives %+v, want %+v", p.Name, countRejected, i, tc.name, db, da)
							}
							continue
						}
						if diff := tc.short(b, now, size, &da); diff != "" {
							t.Fatalf("%s (count rejected %v), request %d: %s", p.Name, countRejected, i, diff)
						}
					}
				}
			}
			if rejected == 0 || rejected == decided {
				t.Fatalf("%d of %d requests rejected; the traffic must mix both answers", rejected, decided)
			}
		})
	}
}

// decisionsEqual compares two decisions, their limits' statuses included.
func decisionsEqual(x, y *Decision) bool {
	if x.Now != y.Now || x.Admitted != y.Admitted || x.RetryAt != y.RetryAt || x.NextAt != y.NextAt || len(x.Limits) != len(y.Limits) {
		return false
	}
	for i := range x.Limits {
		if x.Limits[i] != y.Limits[i] {
			return false
		}
	}
	return true
}
