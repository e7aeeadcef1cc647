package numfmt

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestNumberFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{WithCommas(0), "0"},
		{WithCommas(999), "999"},
		{WithCommas(1000), "1,000"},
		{WithCommas(-1234567), "-1,234,567"},
		{CommaDigits("20/1s, burst 18000"), "20/1s, burst 18,000"},
		{CommaDigits("30 MB/1m, burst 30 MB"), "30 MB/1m, burst 30 MB"},
		{CommaDigits("1.0005s"), "1.0005s"},
		{RatioPercent(1.04), "104.0%"},
		{RatioPercent(0.99999), "99.9%"},
		{RatioPercent(1), "100.0%"},
		{RatioPercent(18001.0 / 18000), "100.1%"},
		{RatioPercent(720), "72,000.0%"},
		{CountNoun(1, "key"), "1 key"},
		{CountNoun(12345, "record"), "12,345 records"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestShortDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{400 * time.Nanosecond, "0.4µs"},
		{850 * time.Microsecond, "850µs"},
		{time.Millisecond, "1ms"},
		{1234 * time.Microsecond, "1.23ms"},
		{230 * time.Millisecond, "230ms"},
		{999_400 * time.Microsecond, "999ms"},
		{999_600 * time.Microsecond, "1s"},
		{1234 * time.Millisecond, "1.23s"},
		{20 * time.Second, "20s"},
		{59_940 * time.Millisecond, "59.9s"},
		{59_960 * time.Millisecond, "1m00s"},
		{time.Minute, "1m00s"},
		{64 * time.Second, "1m04s"},
		{64_600 * time.Millisecond, "1m05s"},
		{5 * time.Minute, "5m00s"},
		{59*time.Minute + 59*time.Second, "59m59s"},
		{time.Hour, "1h00m"},
		{time.Hour + 5*time.Minute, "1h05m"},
		{time.Hour + 29*time.Second, "1h00m"},
		{time.Hour + 30*time.Second, "1h01m"},
		{59*time.Minute + 59*time.Second + 600*time.Millisecond, "1h00m"},
		{24 * time.Hour, "24h00m"},
		{1000 * time.Hour, "1,000h00m"},
		{-11 * time.Second, "-11s"},
		{-64 * time.Second, "-1m04s"},
	}
	for _, tt := range tests {
		if got := ShortDuration(tt.d); got != tt.want {
			t.Errorf("ShortDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
	if got := ShortMS(-11000); got != "-11s" {
		t.Errorf("ShortMS(-11000) = %q, want -11s", got)
	}
	if got := ShortDuration(math.MinInt64); !strings.HasPrefix(got, "-") {
		t.Errorf("ShortDuration(MinInt64) = %q", got)
	}
}
