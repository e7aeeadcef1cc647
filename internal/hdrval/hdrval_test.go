package hdrval

import (
	"net/http"
	"strconv"
	"testing"
)

// TestInt: every value reads as strconv writes it, on both sides of the
// shared range, and setting a shared one allocates nothing.
func TestInt(t *testing.T) {
	for _, n := range []int64{0, 1, 9, 10, 99, 100, smallInts - 1, smallInts, 1 << 40, -1, -smallInts} {
		v := Int(n)
		if len(v) != 1 || cap(v) != 1 || v[0] != strconv.FormatInt(n, 10) {
			t.Errorf("Int(%d) = %q (cap %d)", n, v, cap(v))
		}
	}
	h := http.Header{}
	if a := testing.AllocsPerRun(100, func() { h["Retry-After"] = Int(4095) }); a != 0 {
		t.Errorf("setting a shared value: %v allocations, want 0", a)
	}
}

// TestSharedValuesStayPut: adding to a header that holds a shared value
// leaves the shared value alone.
func TestSharedValuesStayPut(t *testing.T) {
	ct := Of("application/json")
	h := http.Header{"Content-Type": ct, "Retry-After": Int(7)}
	h.Add("Content-Type", "text/plain")
	h.Add("Retry-After", "8")
	if ct[0] != "application/json" || Int(7)[0] != "7" || Int(8)[0] != "8" || len(h["Retry-After"]) != 2 {
		t.Errorf("shared values changed: %q %q %q", ct, Int(7), Int(8))
	}
}
