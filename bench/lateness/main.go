// Command lateness measures how well a paced sender kept its schedule, the
// same way for hooklimit and for vegeta: it reads the time each request
// was sent, sorts them, and counts request i as due at start + i/rate (the
// open model's schedule). Neither tool sends a request before it is due,
// so the schedule started at the latest at the earliest of send_i − i/rate:
// that is the start it takes, which gives every request the least lateness
// its send time allows (the first send's own lateness, which the
// send times cannot tell, is not counted). It prints, on one line:
//
//	REQUESTS RATE P50 P99 MAX
//
// the requests read, the achieved rate (requests − 1 over the time from
// the first send to the last, so the start and end of a process do not
// count), and the 50th and 99th percentiles and the maximum of each send's
// lateness (its send time minus its due time) in milliseconds.
//
//	go run ./bench/lateness -rate 1000 < results.jsonl
//
// The input is JSON lines: hooklimit's results (`run --out FILE`: the
// "sent" of every line of type "attempt") or vegeta's (`vegeta encode
// -to json`: every line's "timestamp"). Lines with neither are skipped.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"
)

func main() {
	rate := flag.Float64("rate", 0, "the planned requests a second")
	flag.Parse()
	if *rate <= 0 {
		fmt.Fprintln(os.Stderr, "lateness: -rate must be > 0")
		os.Exit(2)
	}
	sent, err := read(bufio.NewReaderSize(os.Stdin, 1<<20))
	if err != nil {
		fmt.Fprintln(os.Stderr, "lateness:", err)
		os.Exit(1)
	}
	if len(sent) < 2 {
		fmt.Fprintln(os.Stderr, "lateness: fewer than 2 requests")
		os.Exit(1)
	}
	n, ach, p50, p99, mx := measure(sent, *rate)
	fmt.Printf("%d %.1f %.3f %.3f %.3f\n", n, ach, p50, p99, mx)
}

// read returns the send times, Unix ns, of every request in r.
func read(r *bufio.Reader) ([]int64, error) {
	var sent []int64
	dec := json.NewDecoder(r)
	for line := 1; ; line++ {
		var rec struct {
			Type      string    `json:"type"`
			Sent      time.Time `json:"sent"`
			Timestamp time.Time `json:"timestamp"`
		}
		if err := dec.Decode(&rec); err != nil {
			if errors.Is(err, io.EOF) {
				return sent, nil
			}
			return nil, fmt.Errorf("record %d: %v", line, err)
		}
		switch {
		case rec.Type == "attempt" && !rec.Sent.IsZero():
			sent = append(sent, rec.Sent.UnixNano())
		case rec.Type == "" && !rec.Timestamp.IsZero():
			sent = append(sent, rec.Timestamp.UnixNano())
		}
	}
}

// measure sorts sent and returns the requests, the achieved rate, and the
// 50th and 99th percentiles and the maximum of the lateness in ms.
func measure(sent []int64, rate float64) (n int, achieved, p50, p99, mx float64) {
	slices.Sort(sent)
	n = len(sent)
	due := func(i int) int64 { return int64(float64(i) * 1e9 / rate) }
	start := sent[0]
	for i, t := range sent {
		start = min(start, t-due(i))
	}
	late := make([]float64, n)
	for i, t := range sent {
		late[i] = float64(t-start-due(i)) / 1e6
	}
	slices.Sort(late)
	q := func(p float64) float64 { return late[int(p*float64(n-1))] }
	achieved = float64(n-1) / (float64(sent[n-1]-sent[0]) / 1e9)
	return n, achieved, q(0.50), q(0.99), late[n-1]
}
