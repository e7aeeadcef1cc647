// Command gentraffic writes a recorded-traffic file in JSON lines for
// benchmarks: -n records over -keys partition keys at -rate records a
// second, starting 2026-02-17T09:00:00Z, deterministic for -seed.
//
//	go run ./bench/gentraffic -n 10000000 -keys 1000 > /tmp/traffic.jsonl
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
)

func main() {
	n := flag.Int("n", 1_000_000, "records to write")
	keys := flag.Int("keys", 1000, "partition keys")
	rate := flag.Int("rate", 2000, "records a second, over all keys")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *n < 0 || *keys < 1 || *rate < 1 {
		fmt.Fprintln(os.Stderr, "gentraffic: -n must be >= 0, -keys and -rate >= 1")
		os.Exit(2)
	}
	rng := rand.New(rand.NewPCG(*seed, 7))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	const start = int64(1771318800) * 1e9 // 2026-02-17T09:00:00Z
	step := int64(1e9) / int64(*rate)
	var buf []byte
	for i := 0; i < *n; i++ {
		t := start + int64(i)*step + rng.Int64N(step)
		buf = buf[:0]
		buf = append(buf, `{"time":`...)
		buf = strconv.AppendInt(buf, t/1e9, 10)
		buf = append(buf, '.')
		frac := strconv.AppendInt(nil, t%1e9+1e9, 10)[1:]
		buf = append(buf, frac...)
		buf = append(buf, `,"key":"t`...)
		buf = strconv.AppendInt(buf, int64(rng.IntN(*keys)), 10)
		buf = append(buf, `","size":`...)
		buf = strconv.AppendInt(buf, 200+rng.Int64N(2000), 10)
		buf = append(buf, "}\n"...)
		if _, err := w.Write(buf); err != nil {
			fmt.Fprintln(os.Stderr, "gentraffic:", err)
			os.Exit(3)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gentraffic:", err)
		os.Exit(3)
	}
}
