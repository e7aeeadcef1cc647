package limitsim

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestAdmitIsDecideInto drives two partitions of every built-in profile,
// counting rejections and not, with the same random requests (bursts, gaps,
// times going back, sizes up to past the byte limits): one always through
// DecideInto, the other through Admit, and through DecideInto every
// seventh request. Admit must give the same verdict and leave the limits
// exactly as DecideInto does: every full decision of the second partition
// is the first's.
func TestAdmitIsDecideInto(t *testing.T) {
	for _, p := range Builtins() {
		for _, countRejected := range []bool{false, true} {
			prof := *p
			prof.CountRejected = countRejected
			r := rand.New(rand.NewPCG(uint64(len(p.Name)), 9))
			a, b := prof.NewPartition(), prof.NewPartition()
			var da, db Decision
			now := t0
			for i := range 3000 {
				switch r.IntN(8) {
				case 0:
					now -= r.Int64N(int64(2 * time.Second)) // earlier than the last
				case 1:
					now += r.Int64N(int64(3 * time.Minute)) // a long gap
				default:
					now += r.Int64N(int64(50 * time.Millisecond))
				}
				size := r.Int64N(4 << 20)
				a.DecideInto(&da, now, size)
				if i%7 == 0 {
					b.DecideInto(&db, now, size)
					if !decisionsEqual(&da, &db) {
						t.Fatalf("%s (count rejected %v), request %d: after Admit, DecideInto gives %+v, want %+v", p.Name, countRejected, i, db, da)
					}
					continue
				}
				if got := b.Admit(now, size); got != da.Admitted {
					t.Fatalf("%s (count rejected %v), request %d: Admit = %v, DecideInto admitted %v", p.Name, countRejected, i, got, da.Admitted)
				}
			}
		}
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
