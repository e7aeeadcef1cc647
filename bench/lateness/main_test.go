package main

import (
	"bufio"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/testmain"
)

// TestMain exits without the race detector's second of waiting (see
// package internal/testmain).
func TestMain(m *testing.M) { testmain.Run(m) }

func TestMeasure(t *testing.T) {
	ms := int64(1e6)
	tests := []struct {
		name string
		sent []int64
		rate float64
		want measures
	}{
		// On time, given in any order: no lateness.
		{"on time", []int64{2 * ms, 0, 3 * ms, 1 * ms}, 1000, measures{n: 4, achieved: 1000}},
		// The first send is late: the start is the earliest send_i − i/rate.
		{"first late", []int64{1 * ms, 1 * ms, 2 * ms, 3 * ms}, 1000, measures{n: 4, achieved: 1500, max: 1}},
		// A stall of 5 ms that shifts every later send: one stall.
		{"shifted", []int64{0, 6 * ms, 7 * ms, 8 * ms}, 1000, measures{n: 4, achieved: 375, p50: 5, p99: 5, max: 5, stalls: 1, stalled: 5}},
		// The same stall, caught up in a burst: the same one stall.
		{"caught up", []int64{0, 6 * ms, 6 * ms, 6 * ms, 6 * ms}, 1000, measures{n: 5, achieved: 4000. / 6, p50: 3, p99: 4, max: 5, stalls: 1, stalled: 5}},
		// Growth of exactly 1 ms is not a stall.
		{"1 ms", []int64{0, 2 * ms}, 1000, measures{n: 2, achieved: 500, p50: 0, p99: 0, max: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := measure(tt.sent, tt.rate); got != tt.want {
				t.Errorf("measure = %+v, want %+v", got, tt.want)
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
