// Command lateness measures how well a paced sender kept its schedule, the
// same way for hooklimit and for vegeta: it reads the time each request
// was sent, sorts them, and counts request i as due at start + i/rate (the
// open model's schedule). Neither tool sends a request before it is due,
// so the schedule started at the latest at the earliest of send_i − i/rate:
// that is the start it takes, which gives every request the least lateness
// its send time allows (the first send's own lateness, which the
// send times cannot tell, is not counted). It prints, on one line:
//
//	REQUESTS RATE P50 P99 MAX STALLS STALLED
//
// the requests read, the achieved rate (requests − 1 over the time from
// the first send to the last, so the start and end of a process do not
// count), the 50th and 99th percentiles and the maximum of each send's
// lateness (its send time minus its due time) in milliseconds, and the
// stalls: the sends that left more than 1 ms later, after the send before
// them, than the schedule's gap (a send whose lateness grew by more than
// 1 ms), and the sum of that growth in ms. Stalls are counted the same
// for a sender that catches up after one at once (vegeta, in a burst
// without bound) and for one that catches up within bounds (hooklimit,
// which may hold some sends a window after a catch-up): they tell how
// often the sends were held up, by the machine or by the sender's own
// bound, whatever the sender does next.
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
	m := measure(sent, *rate)
	fmt.Printf("%d %.1f %.3f %.3f %.3f %d %.3f\n", m.n, m.achieved, m.p50, m.p99, m.max, m.stalls, m.stalled)
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

// measures are what measure returns; times in ms.
type measures struct {
	n             int
	achieved      float64
	p50, p99, max float64
	stalls        int
	stalled       float64
}

// stallOver is how much more than the schedule's gap a send must leave
// after the one before it to count as a stall.
const stallOver = 1.0 // ms

// measure sorts sent and returns its measures.
func measure(sent []int64, rate float64) measures {
	slices.Sort(sent)
	n := len(sent)
	due := func(i int) int64 { return int64(float64(i) * 1e9 / rate) }
	start := sent[0]
	for i, t := range sent {
		start = min(start, t-due(i))
	}
	m := measures{n: n}
	late := make([]float64, n)
	for i, t := range sent {
		late[i] = float64(t-start-due(i)) / 1e6
		if i > 0 && late[i]-late[i-1] > stallOver {
			m.stalls++
			m.stalled += late[i] - late[i-1]
		}
	}
	slices.Sort(late)
	q := func(p float64) float64 { return late[int(p*float64(n-1))] }
	m.achieved = float64(n-1) / (float64(sent[n-1]-sent[0]) / 1e9)
	m.p50, m.p99, m.max = q(0.50), q(0.99), late[n-1]
	return m
}
