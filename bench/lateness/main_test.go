package main

import (
	"bufio"
	"strings"
	"testing"
)

func TestMeasure(t *testing.T) {
	ms := int64(1e6)
	tests := []struct {
		name           string
		sent           []int64
		rate           float64
		p50, p99, most float64
		achieved       float64
	}{
		// On time, given in any order: no lateness.
		{"on time", []int64{2 * ms, 0, 3 * ms, 1 * ms}, 1000, 0, 0, 0, 1000},
		// The first send is late: the start is the earliest send_i − i/rate.
		{"first late", []int64{1 * ms, 1 * ms, 2 * ms, 3 * ms}, 1000, 0, 0, 1, 1500},
		// A stall of 5 ms that shifts every later send.
		{"shifted", []int64{0, 6 * ms, 7 * ms, 8 * ms}, 1000, 5, 5, 5, 375},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ach, p50, p99, mx := measure(tt.sent, tt.rate)
			if n != len(tt.sent) || ach != tt.achieved || p50 != tt.p50 || p99 != tt.p99 || mx != tt.most {
				t.Errorf("measure = %d %v %v %v %v, want %d %v %v %v %v", n, ach, p50, p99, mx, len(tt.sent), tt.achieved, tt.p50, tt.p99, tt.most)
			}
		})
	}
}

func TestRead(t *testing.T) {
	in := `{"type":"start","run":{}}
{"type":"attempt","sent":"2026-11-29T02:43:53.000000002Z"}
{"attack":"","timestamp":"2026-11-29T02:43:53.000000001Z","code":200}
{"type":"outcome"}
`
	sent, err := read(bufio.NewReader(strings.NewReader(in)))
	if err != nil || len(sent) != 2 || sent[0]%10 != 2 || sent[1]%10 != 1 {
		t.Fatalf("read = %v, %v; want the two send times", sent, err)
	}
	if _, err := read(bufio.NewReader(strings.NewReader("{\"type\":\"x\"}\nnot json\n"))); err == nil || !strings.Contains(err.Error(), "record 2") {
		t.Errorf("read of a bad record: %v, want an error naming record 2", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(`{"type":"attempt","sent":"2026-11-29T02:43:53.000000002Z"}`)
	f.Add(`{"timestamp":"2026-11-29T02:43:53Z"}`)
	f.Fuzz(func(t *testing.T, in string) {
		_, _ = read(bufio.NewReader(strings.NewReader(in)))
	})
}
