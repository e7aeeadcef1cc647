// Package intmath holds the integer arithmetic that exact limits need:
// greatest common divisors and divisions that round down or up.
package intmath

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
