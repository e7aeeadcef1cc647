// Package intmath holds the integer arithmetic that exact limits need:
// greatest common divisors, divisions that round down or up, and the
// spans of windows.
package intmath

import "math"

// GCD returns the greatest common divisor of a and b (non-negative).
func GCD(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// FloorDiv divides a by b (b != 0), rounding toward negative infinity, so
// that window and tick indexes stay right before the Unix epoch.
func FloorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// CeilDiv divides non-negative a by positive b, rounding up, without the
// overflow of (a+b-1)/b.
func CeilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 {
		q++
	}
	return q
}

// Span returns the times of window k of length per (positive), [k·per,
// (k+1)·per): the times t with FloorDiv(t, per) == k. When they do not
// fit in int64 it returns an empty span (from == to), which holds no
// time. A caller that keeps the span of the window it found last can tell
// whether a later time is still in it without a division.
func Span(k, per int64) (from, to int64) {
	if k <= math.MinInt64/per || k >= math.MaxInt64/per-1 {
		return 0, 0
	}
	return k * per, (k + 1) * per
}
