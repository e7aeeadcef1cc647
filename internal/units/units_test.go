package units

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"1s", time.Second, ""},
		{"90s", 90 * time.Second, ""},
		{"1m30s", 90 * time.Second, ""},
		{"1.5s", 1500 * time.Millisecond, ""},
		{"1d", Day, ""},
		{"7d", 7 * Day, ""},
		{" 1h ", time.Hour, ""},
		{"0", 0, ""},
		{"60", 0, "needs a unit"},
		{"", 0, "empty duration"},
		{"1x", 0, "cannot parse"},
		{"-1d", 0, "cannot parse"},
		{"99999999999d", 0, "cannot parse"},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseDuration(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second: "1s", time.Minute: "1m", 10 * time.Minute: "10m", time.Hour: "1h",
		Day: "1d", 90 * time.Second: "90s", 1500 * time.Millisecond: "1.5s",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		n    int64
		per  time.Duration
		fail bool
	}{
		{"30", 30, time.Second, false},
		{"1000/1m", 1000, time.Minute, false},
		{"1000/m", 1000, time.Minute, false},
		{"20/s", 20, time.Second, false},
		{"1/2s", 1, 2 * time.Second, false},
		{"10000/1d", 10000, Day, false},
		{"500/10m", 500, 10 * time.Minute, false},
		{"0.5", 0, 0, true},
		{"0", 0, 0, true},
		{"-3", 0, 0, true},
		{"10/", 0, 0, true},
		{"10/0s", 0, 0, true},
		{"abc/s", 0, 0, true},
	}
	for _, tt := range tests {
		n, per, err := ParseRate(tt.in)
		if tt.fail {
			if err == nil {
				t.Errorf("ParseRate(%q) = %d/%v, want an error", tt.in, n, per)
			}
			continue
		}
		if err != nil || n != tt.n || per != tt.per {
			t.Errorf("ParseRate(%q) = %d, %v, %v; want %d, %v", tt.in, n, per, err, tt.n, tt.per)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		fail bool
	}{
		{"512", 512, false},
		{"512B", 512, false},
		{"30MB", 30_000_000, false},
		{"30 MB", 30_000_000, false},
		{"30mb", 30_000_000, false},
		{"64KiB", 65536, false},
		{"1MiB", 1 << 20, false},
		{"1.5MB", 1_500_000, false},
		{"1.5KiB", 1536, false},
		{"100kB", 100_000, false},
		{"1.0001KB", 0, true},
		{"1.5B", 0, true},
		{"", 0, true},
		{"MB", 0, true},
		{"1..5MB", 0, true},
		{"-1", 0, true},
		{"99999999999TB", 0, true},
		{"1e6", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if tt.fail {
			if err == nil {
				t.Errorf("ParseSize(%q) = %d, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{30_000_000: "30 MB", 1500: "1500 B", 1_500_000: "1500 kB", 0: "0 B", 2e9: "2 GB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"1s", "1d", "0", "60", "1m30s", "-5m", "9223372036s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d != 0 {
			back, err := ParseDuration(FormatDuration(d))
			if err != nil || back != d {
				t.Fatalf("round trip of %q: %v -> %q -> %v, %v", s, d, FormatDuration(d), back, err)
			}
		}
	})
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"30", "1000/1m", "20/s", "1/2s", "5/0s", "x/y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, per, err := ParseRate(s)
		if err != nil {
			return
		}
		if n <= 0 || per <= 0 {
			t.Fatalf("ParseRate(%q) = %d/%v: want positive values", s, n, per)
		}
		n2, per2, err := ParseRate(FormatRate(n, per))
		if err != nil || n2 != n || per2 != per {
			t.Fatalf("round trip of %q failed: %d/%v vs %d/%v (%v)", s, n, per, n2, per2, err)
		}
	})
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"512", "30MB", "1.5KiB", "1.0001KB", "9999999999999TB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseSize(%q) = %d, want >= 0", s, n)
		}
		back, err := ParseSize(strings.ReplaceAll(FormatBytes(n), " ", ""))
		if err != nil || back != n {
			t.Fatalf("round trip of %q: %d -> %q -> %d, %v", s, n, FormatBytes(n), back, err)
		}
	})
}

func TestUnitName(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Second: "second", time.Minute: "minute", time.Hour: "hour", Day: "day", 10 * time.Second: "10s", 90 * time.Second: FormatDuration(90 * time.Second)} {
		if got := UnitName(d); got != want {
			t.Errorf("UnitName(%v) = %q, want %q", d, got, want)
		}
	}
}
