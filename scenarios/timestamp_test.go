package scenarios

import (
	"math"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
)

// unix returns the Unix nanoseconds of a UTC date and time.
func unix(y int, mo time.Month, d, h, mi, s, ns int) int64 {
	return time.Date(y, mo, d, h, mi, s, ns, time.UTC).UnixNano()
}

// t0 is 2023-11-14T22:13:20Z, Unix second 1700000000.
var t0 = unix(2023, 11, 14, 22, 13, 20, 0)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		// RFC 3339 and its variants.
		{"2023-11-14T22:13:20Z", t0},
		{"2023-11-14T22:13:20z", t0},
		{"2023-11-14t22:13:20Z", t0},
		{"2023-11-14 22:13:20Z", t0},
		{"  2023-11-14T22:13:20Z\t", t0},
		{"2023-11-14T22:13:20.25Z", t0 + 250e6},
		{"2023-11-14T22:13:20,25Z", t0 + 250e6},
		{"2023-11-14T22:13:20.000000001Z", t0 + 1},
		{"2023-11-14T22:13:20.1234567899999Z", t0 + 123456789},
		{"2023-11-15T00:13:20+02:00", t0},
		{"2023-11-15T00:13:20.5+0200", t0 + 500e6},
		{"2023-11-15T00:13:20+02", t0},
		{"2023-11-14T17:13:20-05:00", t0},
		{"2023-11-14T16:43:20-05:30", t0},
		{"2023-11-14T22:13:20+00:00", t0},
		{"2024-02-29T00:00:00Z", unix(2024, 2, 29, 0, 0, 0, 0)},
		{"2000-02-29T00:00:00Z", unix(2000, 2, 29, 0, 0, 0, 0)},
		{"1970-01-01T00:00:00Z", 0},
		{"1969-12-31T23:59:59.5Z", -500e6},
		// The first and the last time accepted, exactly.
		{"2189-12-31T23:59:59.999999999Z", limitsim.MaxTime},
		{"1900-01-01T00:00:00Z", limitsim.MinTime},
		{"2190-01-01T00:59:59.999999999+01:00", limitsim.MaxTime},
		{"1899-12-31T23:00:00-01:00", limitsim.MinTime},

		// Epoch numbers, unit by magnitude.
		{"1700000000", t0},
		{"1700000000.25", t0 + 250e6},
		{"1700000000.123456789", t0 + 123456789},
		{"1700000000.1234567891", t0 + 123456789},
		{"1700000000250", t0 + 250e6},
		{"1700000000250.5", t0 + 250500e3},
		{"1700000000250000", t0 + 250e6},
		{"1700000000250000.5", t0 + 250000500},
		{"1700000000250000000", t0 + 250e6},
		{"1700000000250000000.9", t0 + 250e6},
		{"6942585599", 6942585599e9},               // the last second accepted
		{"6942585599.999999999", limitsim.MaxTime}, // the last nanosecond accepted
		{"-2208988800", limitsim.MinTime},          // the first second accepted
		{"100000000000", 100000000000e6},           // 1e11: milliseconds
		{"6942585599999", 6942585599999e6},         // the last millisecond accepted
		{"-2208988800000", limitsim.MinTime},       // the first millisecond accepted
		{"100000000000000", 100000000000000e3},     // 1e14: microseconds
		{"6942585599999999", 6942585599999999e3},   // the last microsecond accepted
		{"100000000000000000", 100000000000000000}, // 1e17: nanoseconds
		{"6942585599999999999", limitsim.MaxTime},  // the last nanosecond accepted
		{"-2208988800000000000", limitsim.MinTime}, // the first nanosecond accepted
		{"0", 0},
		{"-0", 0},
		{"0.5", 500e6},
		{"-1.5", -1500e6},
		{"-1700000000", -t0},
		{"1.7e9", t0},
		{"1.70000000025E9", t0 + 250e6},
		{"17e+8", t0},
		{"1700000000250e-3", t0 + 250e6},
		{"0.0017e12", t0},
		{"1e-30", 0},
		{"0e999999999", 0},
		{"+1700000000", t0},
		{"001700000000", t0},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseTime(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseTimeErrors(t *testing.T) {
	const want = " as a time (want RFC 3339 or epoch seconds/ms/µs/ns)"
	const rng = " is out of range (want a time from 1900-01-01T00:00:00Z to 2189-12-31T23:59:59.999999999Z)"
	tests := []struct{ in, msg string }{
		{"", `cannot parse ""` + want},
		{"abc", `cannot parse "abc"` + want},
		{"2023-11-14T22:13:20", `"2023-11-14T22:13:20" has no time zone: add Z for UTC or the offset it was written in, such as +02:00 (or give epoch seconds)`},
		{"2023-11-14 22:13:20.25", `"2023-11-14 22:13:20.25" has no time zone: add Z for UTC or the offset it was written in, such as +02:00 (or give epoch seconds)`},
		{"2023-02-29T22:13:20", `cannot parse "2023-02-29T22:13:20"` + want}, // a bad date is a bad date, zone or not
		{"2023-11-14", `cannot parse "2023-11-14"` + want},
		{"2023-11-14T22:13", `cannot parse "2023-11-14T22:13"` + want},
		{"2023-13-14T22:13:20Z", `cannot parse "2023-13-14T22:13:20Z"` + want},
		{"2023-02-29T22:13:20Z", `cannot parse "2023-02-29T22:13:20Z"` + want},
		{"1900-02-29T22:13:20Z", `cannot parse "1900-02-29T22:13:20Z"` + want},
		{"2023-04-31T22:13:20Z", `cannot parse "2023-04-31T22:13:20Z"` + want},
		{"2023-11-00T22:13:20Z", `cannot parse "2023-11-00T22:13:20Z"` + want},
		{"2023-11-14T24:00:00Z", `cannot parse "2023-11-14T24:00:00Z"` + want},
		{"2023-11-14T22:60:00Z", `cannot parse "2023-11-14T22:60:00Z"` + want},
		{"2023-11-14T22:13:60Z", `cannot parse "2023-11-14T22:13:60Z"` + want},
		{"2023-11-14T22:13:20.Z", `cannot parse "2023-11-14T22:13:20.Z"` + want},
		{"2023-11-14T22:13:20ZZ", `cannot parse "2023-11-14T22:13:20ZZ"` + want},
		{"2023-11-14T22:13:20+2:00", `cannot parse "2023-11-14T22:13:20+2:00"` + want},
		{"2023-11-14T22:13:20+24:00", `cannot parse "2023-11-14T22:13:20+24:00"` + want},
		{"2023-11-14T22:13:20+02:60", `cannot parse "2023-11-14T22:13:20+02:60"` + want},
		{"2023-11-14X22:13:20Z", `cannot parse "2023-11-14X22:13:20Z"` + want},
		{"2023-1a-14T22:13:20Z", `cannot parse "2023-1a-14T22:13:20Z"` + want},
		{"1700000000.", `cannot parse "1700000000."` + want},
		{".5", `cannot parse ".5"` + want},
		{"1e", `cannot parse "1e"` + want},
		{"1e+", `cannot parse "1e+"` + want},
		{"1700000000s", `cannot parse "1700000000s"` + want},
		{"0x10", `cannot parse "0x10"` + want},
		{"-", `cannot parse "-"` + want},
		{"NaN", `cannot parse "NaN"` + want},
		{"1 700", `cannot parse "1 700"` + want},
		{"a very long value that goes on and on and on and on", `cannot parse "a very long value that goes on and on an..."` + want},
		{"9223372036854775808", `"9223372036854775808"` + rng},
		{"-9223372036854775809", `"-9223372036854775809"` + rng},
		{"99999999999999999999999", `"99999999999999999999999"` + rng},
		{"9999999999", `"9999999999"` + rng}, // seconds, in the year 2286
		{"6942585600", `"6942585600"` + rng}, // 2190-01-01, one second too late
		{"6942585600000000000", `"6942585600000000000"` + rng},
		{"-2208988800000000001", `"-2208988800000000001"` + rng},
		{"-2208988800.000000001", `"-2208988800.000000001"` + rng},
		{"9223372036854775807", `"9223372036854775807"` + rng},
		{"-9223372036854775808", `"-9223372036854775808"` + rng},
		{"-9223370000000000000", `"-9223370000000000000"` + rng},
		{"2190-01-01T00:00:00Z", `"2190-01-01T00:00:00Z"` + rng},
		{"1899-12-31T23:59:59.999999999Z", `"1899-12-31T23:59:59.999999999Z"` + rng},
		{"1900-01-01T00:59:59.999999999+01:00", `"1900-01-01T00:59:59.999999999+01:00"` + rng},
		{"1677-09-21T00:12:43.145224192Z", `"1677-09-21T00:12:43.145224192Z"` + rng},
		{"99999999999999", `"99999999999999"` + rng},       // milliseconds
		{"99999999999999999", `"99999999999999999"` + rng}, // microseconds
		{"1e999999999999", `"1e999999999999"` + rng},
		{"9999-12-31T23:59:59Z", `"9999-12-31T23:59:59Z"` + rng},
		{"0000-01-01T00:00:00Z", `"0000-01-01T00:00:00Z"` + rng},
		{"2262-04-11T23:47:16.854775808Z", `"2262-04-11T23:47:16.854775808Z"` + rng},
		{"1677-09-21T00:12:43.145224191Z", `"1677-09-21T00:12:43.145224191Z"` + rng},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if err == nil || err.Error() != tt.msg {
			t.Errorf("ParseTime(%q) = %d, %v; want error %q", tt.in, got, err, tt.msg)
		}
	}
}

func TestParseAccessTime(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  timeErr
	}{
		{"10/Oct/2000:13:55:36 -0700", unix(2000, 10, 10, 20, 55, 36, 0), timeOK},
		{"14/Nov/2023:22:13:20 +0000", t0, timeOK},
		{"15/Nov/2023:00:13:20 +0200", t0, timeOK},
		{"14/Nov/2023:16:43:20 -0530", t0, timeOK},
		{"29/Feb/2024:00:00:00 +0000", unix(2024, 2, 29, 0, 0, 0, 0), timeOK},
		{"29/Feb/2023:00:00:00 +0000", 0, timeSyntax},
		{"10/oct/2000:13:55:36 -0700", unix(2000, 10, 10, 20, 55, 36, 0), timeOK},
		{"10/Oct/2000:1:55:36 -0700", 0, timeSyntax},
		{"10/Okt/2000:13:55:36 -0700", 0, timeSyntax},
		{"10/Oct/2000:13:55:36 -07:00", 0, timeSyntax},
		{"10/Oct/2000:13:55:36", 0, timeSyntax},
		{"10/Oct/2000 13:55:36 -0700", 0, timeSyntax},
		{"10/Oct/2000:25:55:36 -0700", 0, timeSyntax},
		{"", 0, timeSyntax},
		{"01/Jan/9999:00:00:00 +0000", 0, timeRange},
	}
	for _, tt := range tests {
		got, err := parseAccessTime([]byte(tt.in))
		if got != tt.want || err != tt.err {
			t.Errorf("parseAccessTime(%q) = %d, %d; want %d, %d", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1432", 1432, true},
		{" 7 ", 7, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"9223372036854775808", 0, false},
		{"", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"1e3", 0, false},
		{"12a", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseSize([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseSize(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
