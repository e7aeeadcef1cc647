package retry

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/units"
)

// MaxRetryAfter is the longest wait ParseRetryAfter returns: 2^31 seconds,
// about 68 years. RFC 9111 section 1.2.2 tells a cache to read a
// delta-seconds value it cannot represent, or one whose arithmetic
// overflows, as 2^31; ParseRetryAfter does the same for every larger value
// rather than fail, since the target did say "not soon".
const MaxRetryAfter = (1 << 31) * time.Second

// ErrRetryAfter is wrapped by every error ParseRetryAfter returns.
var ErrRetryAfter = errors.New("invalid Retry-After")

// ParseRetryAfter reads the value of a Retry-After header field and returns
// how long after now the sender is asked to wait. RFC 9110 section 10.2.3
// allows two forms, and a third is accepted leniently:
//
//   - delay-seconds, a whole number of seconds: "120";
//   - an HTTP-date, in any of the three forms http.ParseTime accepts:
//     "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate), "Sunday, 06-Nov-94
//     08:49:37 GMT" (RFC 850) and "Sun Nov  6 08:49:37 1994" (asctime).
//     The wait is the date minus now, exactly; a date not after now is 0;
//   - a decimal number of seconds such as "2.0" or "1.5", which some
//     servers send. Digits are required on both sides of the point, and a
//     fraction finer than a nanosecond rounds up to the next nanosecond, so
//     the wait is never shorter than the server asked.
//
// Spaces and tabs around the value are ignored. Negative numbers, signs,
// exponents, empty values, lists and anything else are errors wrapping
// ErrRetryAfter. Waits longer than MaxRetryAfter are returned as
// MaxRetryAfter. ParseRetryAfter never panics.
func ParseRetryAfter(v string, now time.Time) (time.Duration, error) {
	s := strings.Trim(v, " \t")
	switch {
	case s == "":
		return 0, fmt.Errorf("%w: empty value", ErrRetryAfter)
	case s[0] == '-' && len(s) > 1 && isDigit(s[1]):
		return 0, fmt.Errorf("%w %q: negative", ErrRetryAfter, v)
	case units.Digits(s):
		return wholeSeconds(s), nil
	}
	if whole, frac, ok := strings.Cut(s, "."); ok && units.Digits(whole) && units.Digits(frac) && whole != "" && frac != "" {
		return decimalSeconds(whole, frac), nil
	}
	t, err := http.ParseTime(s)
	if err != nil {
		return 0, fmt.Errorf("%w %q: want delay-seconds (e.g. 120) or an HTTP-date (e.g. Sun, 06 Nov 1994 08:49:37 GMT)", ErrRetryAfter, v)
	}
	if !t.After(now) {
		return 0, nil
	}
	return min(t.Sub(now), MaxRetryAfter), nil
}

// wholeSeconds converts a string of digits to seconds, capped at
// MaxRetryAfter.
func wholeSeconds(digits string) time.Duration {
	const capSeconds = int64(MaxRetryAfter / time.Second)
	var n int64
	for i := 0; i < len(digits); i++ {
		n = n*10 + int64(digits[i]-'0')
		if n >= capSeconds {
			return MaxRetryAfter
		}
	}
	return time.Duration(n) * time.Second
}

// decimalSeconds converts whole.frac seconds to a duration, rounding a
// fraction of a nanosecond up, capped at MaxRetryAfter.
func decimalSeconds(whole, frac string) time.Duration {
	d := wholeSeconds(whole)
	if d >= MaxRetryAfter {
		return MaxRetryAfter
	}
	var ns int64
	for i := 0; i < 9; i++ {
		ns *= 10
		if i < len(frac) {
			ns += int64(frac[i] - '0')
		}
	}
	if len(frac) > 9 && strings.Trim(frac[9:], "0") != "" {
		ns++
	}
	return min(d+time.Duration(ns), MaxRetryAfter)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
