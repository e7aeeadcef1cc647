package scenarios

import (
	"math"
	"math/bits"
)

// decimal is the digits of a decimal number, split at its decimal point,
// with the point then moved by an exponent. It lets parseEpoch read any
// digit of the shifted number without building a new string.
type decimal struct {
	whole, frac []byte // the digits before and after the written point
}

// at returns digit k of the number's digit string (whole then frac), or 0
// outside it: the zeros an exponent shifts in on either side.
func (d *decimal) at(k int) uint64 {
	if k < 0 {
		return 0
	}
	if k < len(d.whole) {
		return uint64(d.whole[k] - '0')
	}
	k -= len(d.whole)
	if k < len(d.frac) {
		return uint64(d.frac[k] - '0')
	}
	return 0
}

// isDigit reports whether c is an ASCII decimal digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseEpoch parses an epoch time written [+-]digits[.digits][e[+-]digits]
// (a JSON number, or the same in a string). The unit follows from the
// integer part's magnitude; see secondsBelow. The conversion is exact
// integer arithmetic; digits below a nanosecond are truncated.
func parseEpoch(b []byte) (int64, timeErr) {
	i := 0
	neg := false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var d decimal
	start := i
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	d.whole = b[start:i]
	if len(d.whole) == 0 {
		return 0, timeSyntax
	}
	if i < len(b) && b[i] == '.' {
		i++
		start = i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		d.frac = b[start:i]
		if len(d.frac) == 0 {
			return 0, timeSyntax
		}
	}
	exp := 0
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		start = i
		for i < len(b) && isDigit(b[i]) {
			if exp < 1e6 { // beyond this any non-zero number is out of range anyway
				exp = exp*10 + int(b[i]-'0')
			}
			i++
		}
		if i == start {
			return 0, timeSyntax
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(b) {
		return 0, timeSyntax
	}

	var whole uint64
	point := len(d.whole) + exp // digits [0, point) are the integer part
	if exp == 0 && len(d.whole) <= 19 {
		// The usual case: the integer part as written, which fits.
		for _, c := range d.whole {
			whole = whole*10 + uint64(c-'0')
		}
	} else {
		n := len(d.whole) + len(d.frac)
		first := 0 // the first non-zero digit
		for first < n && d.at(first) == 0 {
			first++
		}
		if first == n {
			return 0, timeOK
		}
		if point > first {
			if point-first > 20 {
				return 0, timeRange
			}
			for k := first; k < point; k++ {
				if whole > (math.MaxUint64-9)/10 {
					return 0, timeRange
				}
				whole = whole*10 + d.at(k)
			}
		}
	}

	var unit uint64 // nanoseconds per unit
	var fracDigits int
	switch {
	case whole < secondsBelow:
		unit, fracDigits = 1e9, 9
	case whole < millisBelow:
		unit, fracDigits = 1e6, 6
	case whole < microsBelow:
		unit, fracDigits = 1e3, 3
	default:
		unit, fracDigits = 1, 0
	}
	var frac uint64
	for k := 0; k < fracDigits; k++ {
		frac = frac*10 + d.at(point+k)
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++ // -2^63 is representable
	}
	if hi, lo := bits.Mul64(whole, unit); hi != 0 || lo > limit-frac {
		return 0, timeRange
	}
	mag := whole*unit + frac
	if neg {
		return inRange(int64(-mag))
	}
	return inRange(int64(mag))
}
