package retry

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/units"
)

// raNow is the time the Retry-After tests receive their responses: Rewst's
// transition date, half a second into a minute.
var raNow = time.Date(2026, 2, 17, 9, 0, 0, 500_000_000, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	const s = time.Second
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"120", 120 * s},
		{"0", 0},
		{"1", s},
		{" 5 ", 5 * s},
		{"\t7\t", 7 * s},
		{"007", 7 * s},
		{"2.0", 2 * s},
		{"1.5", 1500 * time.Millisecond},
		{"0.25", 250 * time.Millisecond},
		{"0.000000001", 1},
		{"0.0000000001", 1},    // rounds up to a whole nanosecond
		{"0.0000000010", 1},    // trailing zeros are exact
		{"1.0000000000000", s}, // so are these
		{"0.1234567891", 123456790},
		{"2147483647", 2147483647 * s},
		{"2147483648", MaxRetryAfter},
		{"99999999999999999999999999", MaxRetryAfter},
		{"2147483647.5", 2147483647*s + 500*time.Millisecond},
		{"2147483648.0", MaxRetryAfter},
		{"9999999999.5", MaxRetryAfter},
		{"Tue, 17 Feb 2026 09:01:00 GMT", 59500 * time.Millisecond},   // IMF-fixdate
		{"Tuesday, 17-Feb-26 09:00:30 GMT", 29500 * time.Millisecond}, // RFC 850
		{"Tue Feb 17 09:00:10 2026", 9500 * time.Millisecond},         // asctime
		{"Tue Feb 17 09:00:10 2026 ", 9500 * time.Millisecond},        // trailing space
		{"Tue, 17 Feb 2026 09:00:00 GMT", 0},                          // half a second ago
		{"Sun, 06 Nov 1994 08:49:37 GMT", 0},                          // long ago
		{"Fri, 31 Dec 9999 23:59:59 GMT", MaxRetryAfter},              // too far
	}
	for _, tt := range tests {
		got, err := ParseRetryAfter(tt.in, raNow)
		if err != nil || got != tt.want {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseRetryAfterErrors(t *testing.T) {
	for _, in := range []string{
		"", " ", "-1", "-1.5", "-0", "+5", "1e3", "1.", ".5", "1..5", "1.5.2", "abc", "1,2", "5 s", "5s",
		"0x10", "NaN", "Inf", "１２", "Tue, 17 Feb 2026 09:01:00", "17 Feb 2026", "-",
	} {
		if d, err := ParseRetryAfter(in, raNow); !errors.Is(err, ErrRetryAfter) {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want an ErrRetryAfter", in, d, err)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "2.0", "1.5", "0.0000000001", "2147483648", "-1", "Tue, 17 Feb 2026 09:01:00 GMT",
		"Tuesday, 17-Feb-26 09:00:30 GMT", "Tue Feb 17 09:00:10 2026", "garbage", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseRetryAfter(s, raNow)
		if err != nil {
			if !errors.Is(err, ErrRetryAfter) {
				t.Fatalf("ParseRetryAfter(%q) error %v does not wrap ErrRetryAfter", s, err)
			}
			return
		}
		if d < 0 || d > MaxRetryAfter {
			t.Fatalf("ParseRetryAfter(%q) = %v, out of [0, %v]", s, d, MaxRetryAfter)
		}
		// Short digit strings must agree with strconv.
		if len(s) > 0 && len(s) <= 9 && units.Digits(s) {
			n, _ := strconv.Atoi(s)
			if d != time.Duration(n)*time.Second {
				t.Fatalf("ParseRetryAfter(%q) = %v, want %ds", s, d, n)
			}
		}
	})
}

func BenchmarkParseRetryAfter(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _ = ParseRetryAfter("120", raNow)
		_, _ = ParseRetryAfter("Tue, 17 Feb 2026 09:01:00 GMT", raNow)
	}
}
