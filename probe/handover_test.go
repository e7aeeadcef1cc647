package probe

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
	"unsafe"
)

// callLog records every call an Observer gets, values copied.
type callLog struct{ calls []any }

func (c *callLog) Attempt(a *Attempt) { c.calls = append(c.calls, *a) }
func (c *callLog) Outcome(o *Outcome) { c.calls = append(c.calls, *o) }

// TestHandoverPassesEveryCallInOrder: random runs of attempts and
// outcomes, across several batches, some attempts with what the record
// cannot hold (errors, headers, numbers past 32 bits), reach the other
// Observer as they were made, every field equal, in the same order.
func TestHandoverPassesEveryCallInOrder(t *testing.T) {
	if unsafe.Sizeof(handoverRecord{}) != 64 {
		t.Fatalf("a record is %d bytes, not one 64-byte line", unsafe.Sizeof(handoverRecord{}))
	}
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 1))
			n := []int{0, 1, handoverSize, 3*handoverSize + 17}[seed]
			keys := []string{"a", "b", "a-long-key"}
			var want callLog
			got := &callLog{}
			h := NewHandover(got)
			for i := range n {
				if rng.IntN(4) == 0 {
					o := Outcome{Event: rng.Uint64(), Copy: rng.IntN(3), Key: keys[rng.IntN(3)], At: rng.Int64(), Attempts: rng.IntN(9), Fate: Delivered}
					want.Outcome(&o)
					h.Outcome(&o)
				}
				a := Attempt{Event: uint64(i), Copy: rng.IntN(3), Key: keys[rng.IntN(2)], Workspace: keys[rng.IntN(3)], Sender: keys[rng.IntN(2)],
					Size: rng.Int64(), N: rng.IntN(100), Intended: rng.Int64(), Sent: rng.Int64(), Done: rng.Int64(), Status: []int{200, 429, 413}[rng.IntN(3)],
					RetryAfter: time.Duration(rng.Int64()), HasRetryAfter: rng.IntN(2) == 0, Late: rng.IntN(2) == 0}
				switch rng.IntN(40) {
				case 0:
					a.Err, a.Status = "connection refused", 0
				case 1:
					a.RateLimit = map[string]string{"X-RateLimit-Remaining": "0"}
				case 2:
					a.N = math.MaxInt32 + 1
				case 3:
					a.Status = math.MinInt32 - 1
				}
				want.Attempt(&a)
				h.Attempt(&a)
				a = Attempt{Key: "changed after the call"} // the caller reuses its value
			}
			h.Close()
			h.Close()
			if len(got.calls) != len(want.calls) {
				t.Fatalf("%d calls passed on, want %d", len(got.calls), len(want.calls))
			}
			for i := range want.calls {
				if !reflect.DeepEqual(got.calls[i], want.calls[i]) {
					t.Fatalf("call %d: got %+v, want %+v", i, got.calls[i], want.calls[i])
				}
			}
		})
	}
}
