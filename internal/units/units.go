// Package units parses and formats the values people type for limits and
// traffic: durations ("90s", "1d"), rates ("25", "1000/1m") and sizes
// ("30MB", "64KiB"). Every parser returns an error that says what it
// expected, and none of them panics.
package units

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Day is 24 hours, the unit "d" of ParseDuration.
const Day = 24 * time.Hour

// ParseDuration parses a Go duration ("1.5s", "1m30s", "10m") or a whole
// number of days ("1d"). A bare number is rejected unless it is 0, because
// "60" could mean seconds or minutes.
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("empty duration (want e.g. 1s, 1m, 1h, 1d)")
	}
	if t == "0" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(t, "d"); ok {
		days, err := strconv.ParseInt(n, 10, 64)
		if err != nil || days < 0 || days > math.MaxInt64/int64(Day) {
			return 0, fmt.Errorf("cannot parse %q as a duration (want e.g. 1s, 1m, 1h, 1d)", s)
		}
		return time.Duration(days) * Day, nil
	}
	if _, err := strconv.ParseFloat(t, 64); err == nil {
		return 0, fmt.Errorf("duration %q needs a unit (e.g. %ss)", s, t)
	}
	d, err := time.ParseDuration(t)
	if err != nil {
		return 0, fmt.Errorf("cannot parse %q as a duration (want e.g. 1s, 1m, 1h, 1d)", s)
	}
	return d, nil
}

// FormatDuration writes d in its shortest exact form: "1s", "1m", "1h",
// "1d", "90s", or Go's form for anything else.
func FormatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return d.String()
	case d%Day == 0:
		return fmt.Sprintf("%dd", d/Day)
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

// ParseRate parses a rate as a whole number of events per period: "30"
// (per second), "1000/1m", "1000/m", "20/s", "10000/1h", "10000/1d". The
// result is exact; "0.5" is rejected in favour of "1/2s".
func ParseRate(s string) (n int64, per time.Duration, err error) {
	t := strings.TrimSpace(s)
	num, den, hasPer := strings.Cut(t, "/")
	n, err = strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n <= 0 {
		return 0, 0, fmt.Errorf("cannot parse %q as a rate (want a positive whole number per period, e.g. 30, 1000/1m, 1/2s)", s)
	}
	per = time.Second
	if hasPer {
		den = strings.TrimSpace(den)
		switch den {
		case "s", "sec", "second":
			per = time.Second
		case "m", "min", "minute":
			per = time.Minute
		case "h", "hour":
			per = time.Hour
		case "d", "day":
			per = Day
		default:
			per, err = ParseDuration(den)
			if err != nil || per <= 0 {
				return 0, 0, fmt.Errorf("cannot parse %q as a rate: the period %q is not a positive duration", s, den)
			}
		}
	}
	return n, per, nil
}

// FormatRate writes n per period as "25/s", "1000/1m" or "1/2s".
func FormatRate(n int64, per time.Duration) string {
	if per == time.Second {
		return fmt.Sprintf("%d/s", n)
	}
	return fmt.Sprintf("%d/%s", n, FormatDuration(per))
}

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"k", 1e3}, {"m", 1e6}, {"g", 1e9},
	{"b", 1},
}

// ParseSize parses a size in bytes: "512", "512B", "64KiB", "30MB", "30 MB",
// "1.5MB". KB, MB, GB and TB are powers of 10 (MB = 10^6 bytes, as the
// vendors use them); KiB, MiB, GiB and TiB are powers of 2. Units are not
// case sensitive. A fraction must come out to whole bytes.
func ParseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range sizeUnits {
		if v, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(v), u.mult
			break
		}
	}
	bad := fmt.Errorf("cannot parse %q as a size (want bytes, e.g. 512, 64KiB, 30MB)", s)
	whole, frac, hasFrac := strings.Cut(t, ".")
	if whole == "" || !Digits(whole) || (hasFrac && (frac == "" || !Digits(frac))) {
		return 0, bad
	}
	// (whole.frac) × mult, exactly: digits × mult / 10^len(frac).
	num, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok {
		return 0, bad
	}
	num.Mul(num, big.NewInt(mult))
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil)
	q, r := new(big.Int).QuoRem(num, scale, new(big.Int))
	if r.Sign() != 0 {
		return 0, fmt.Errorf("size %q is not a whole number of bytes", s)
	}
	if !q.IsInt64() {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return q.Int64(), nil
}

// Digits reports whether s is made of ASCII digits only; "" is.
func Digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatBytes writes n bytes in the largest decimal unit that divides it
// exactly: "30 MB", "1500 kB", "512 B".
func FormatBytes(n int64) string {
	switch {
	case n != 0 && n%1e12 == 0:
		return fmt.Sprintf("%d TB", n/1e12)
	case n != 0 && n%1e9 == 0:
		return fmt.Sprintf("%d GB", n/1e9)
	case n != 0 && n%1e6 == 0:
		return fmt.Sprintf("%d MB", n/1e6)
	case n != 0 && n%1e3 == 0:
		return fmt.Sprintf("%d kB", n/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// UnitName names a duration that is one of the clock's units, as people
// say "per second": "second", "minute", "hour" or "day"; any other
// duration is written as FormatDuration writes it ("10s").
func UnitName(d time.Duration) string {
	switch d {
	case time.Second:
		return "second"
	case time.Minute:
		return "minute"
	case time.Hour:
		return "hour"
	case Day:
		return "day"
	}
	return FormatDuration(d)
}
