package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// withCommas writes n with comma thousands separators: 12345 is "12,345".
func withCommas(n int64) string {
	return commaDigits(strconv.FormatInt(n, 10))
}

// commaDigits puts comma thousands separators into every run of four or
// more digits in s that is not the fraction of a decimal number:
// "20/1s, burst 18000" becomes "20/1s, burst 18,000".
func commaDigits(s string) string {
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

// ratioPercent writes a ratio as a percentage with one decimal, rounded away
// from 100% so that a ratio under 1 never shows as 100.0% and one over 1
// never does either: 1.04 is "104.0%", 18001/18000 is "100.1%".
func ratioPercent(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return fmt.Sprint(r)
	}
	v := math.Floor(r*1000+1e-9) / 10
	if r > 1 {
		v = math.Ceil(r*1000-1e-9) / 10
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	return commaDigits(whole) + "." + frac + "%"
}

// utcTimeOfDay writes a Timestamp as its UTC time of day to the millisecond,
// or "-" for none.
func utcTimeOfDay(t Timestamp) string {
	if t == 0 {
		return "-"
	}
	return t.Time().Format("15:04:05.000")
}

// tableVerdict writes a verdict for a table, shouting the failures.
func tableVerdict(v Verdict) string {
	switch v {
	case VerdictFail, VerdictPartial:
		return strings.ToUpper(string(v))
	}
	return string(v)
}

// countNoun writes "1 key", "12,345 records".
func countNoun(n int64, word string) string {
	return withCommas(n) + " " + nounFor(n, word)
}

func nounFor(n int64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// shortFloat writes a metric value as briefly as it is exact.
func shortFloat(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}
