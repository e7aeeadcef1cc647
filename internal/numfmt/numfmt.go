// Package numfmt writes numbers and counts for people to read: thousands
// separators, percentages that never round to 100%, and "1 key" against
// "12,345 keys". Analysis messages and renderers share it.
package numfmt

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// WithCommas writes n with comma thousands separators: 12345 is "12,345".
func WithCommas(n int64) string {
	return CommaDigits(strconv.FormatInt(n, 10))
}

// CommaDigits puts comma thousands separators into every run of four or
// more digits in s that is not the fraction of a decimal number:
// "20/1s, burst 18000" becomes "20/1s, burst 18,000".
func CommaDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i {
			b.WriteByte(s[i])
			i++
			continue
		}
		run := s[i:j]
		fraction := i > 0 && s[i-1] == '.'
		if !fraction && len(run) >= 4 {
			for k, c := range run {
				if k > 0 && (len(run)-k)%3 == 0 {
					b.WriteByte(',')
				}
				b.WriteRune(c)
			}
		} else {
			b.WriteString(run)
		}
		i = j
	}
	return b.String()
}

// RatioPercent writes a ratio as a percentage with one decimal, rounded away
// from 100% so that a ratio under 1 never shows as 100.0% and one over 1
// never does either: 1.04 is "104.0%", 18001/18000 is "100.1%".
func RatioPercent(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return fmt.Sprint(r)
	}
	v := math.Floor(r*1000+1e-9) / 10
	if r > 1 {
		v = math.Ceil(r*1000-1e-9) / 10
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	return CommaDigits(whole) + "." + frac + "%"
}

// CountNoun writes "1 key", "12,345 records".
func CountNoun(n int64, word string) string {
	return WithCommas(n) + " " + NounFor(n, word)
}

// NounFor writes word, or its plural with an s when n is not 1.
func NounFor(n int64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// DashIfEmpty writes s, or "-" when it is empty.
func DashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ShortFloat writes a metric value as briefly as it is exact.
func ShortFloat(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// ShortDuration writes a duration the one way hooklimit writes them: to
// 3 significant digits under a minute (850µs, 230ms, 1.23s, 59.9s, and 0s
// for none), then in minutes and seconds (1m00s, 1m04s) and from an hour
// on in hours and minutes (1h05m, 76h00m), the second unit always two
// digits, so a column of them lines up. Hours are the largest unit: no
// 1d beside 24h.
func ShortDuration(d time.Duration) string {
	if d < 0 {
		if d == math.MinInt64 {
			d++
		}
		return "-" + ShortDuration(-d)
	}
	for _, u := range []struct {
		below, unit time.Duration
		suffix      string
	}{{time.Millisecond, time.Microsecond, "µs"}, {time.Second, time.Millisecond, "ms"}, {time.Minute, time.Second, "s"}} {
		if d >= u.below {
			continue
		}
		r := d.Round(sigStep(d, u.unit))
		if r >= u.below {
			continue // 999.6ms is 1s
		}
		if r == 0 {
			return "0s"
		}
		return strconv.FormatFloat(float64(r)/float64(u.unit), 'f', -1, 64) + u.suffix
	}
	if r := d.Round(time.Second); r < time.Hour {
		return fmt.Sprintf("%dm%02ds", r/time.Minute, r%time.Minute/time.Second)
	}
	r := d.Round(time.Minute)
	return fmt.Sprintf("%sh%02dm", WithCommas(int64(r/time.Hour)), r%time.Hour/time.Minute)
}

// sigStep returns the step d is rounded to for 3 significant digits of
// unit: unit/100 under 10 units, unit/10 under 100, unit from 100.
func sigStep(d, unit time.Duration) time.Duration {
	switch {
	case d < 10*unit:
		return max(unit/100, 1)
	case d < 100*unit:
		return max(unit/10, 1)
	}
	return unit
}

// TrimFloat writes f to 3 significant digits, or as a whole number from
// 100 up: 1.23, 45.7, 850.
func TrimFloat(f float64) string {
	if f >= 100 {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%.3g", f)
}

// ShortMS writes ms milliseconds as ShortDuration does: "0s", "230ms",
// "-11s".
func ShortMS(ms float64) string {
	return ShortDuration(time.Duration(ms * float64(time.Millisecond)))
}

// CountRetries writes "1 retry", "12 retries".
func CountRetries(n int64) string {
	if n == 1 {
		return "1 retry"
	}
	return WithCommas(n) + " retries"
}

// Round3 rounds f to 3 decimals, as results hold ratios and rates.
func Round3(f float64) float64 { return math.Round(f*1000) / 1000 }
