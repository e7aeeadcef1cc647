package report

import (
	"strconv"
	"testing"
)

// st0 is the time the fixtures start at: 2026-02-17T09:00:00Z.
const st0 = int64(1_771_318_800_000_000_000)

// mustThreshold parses s, a threshold.
func mustThreshold(t *testing.T, s string) Threshold {
	t.Helper()
	th, err := ParseThreshold(s)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

func itoa(n int) string { return strconv.Itoa(n) }
