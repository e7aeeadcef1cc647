package numfmt

import "testing"

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
