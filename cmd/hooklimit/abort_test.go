package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWatchSignals: the first signal cancels, the second aborts, each
// once.
func TestWatchSignals(t *testing.T) {
	sigs := make(chan os.Signal, 3)
	var cancels, aborts int
	sigs <- os.Interrupt
	sigs <- os.Interrupt
	sigs <- os.Interrupt
	close(sigs)
	watchSignals(sigs, func() { cancels++ }, func() { aborts++ })
	if cancels != 1 || aborts != 2 {
		t.Errorf("%d cancels and %d aborts for three signals; want 1 and 2", cancels, aborts)
	}
}

// TestServeSecondInterruptKeepsWholeLines: serve has recorded three
// requests, whose lines are buffered (for up to a second), when Ctrl-C
// comes twice. The second closes the results file before the process
// would end: it holds the three request lines, whole, where it used to be
// empty.
func TestServeSecondInterruptKeepsWholeLines(t *testing.T) {
	out := filepath.Join(t.TempDir(), "serve.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, _, _ := newTestDeps()
	d.IO = NewIOStreams(nil, &syncBuffer{}, &syncBuffer{})
	d.Now = time.Now
	ready, done := make(chan string, 1), make(chan error, 1)
	cmd := newServeCmd(d, func(o *serveOptions) { o.ready = func(u string) { ready <- u } })
	cmd.SetArgs([]string{"--listen", "127.0.0.1:0", "--format", "json", "--out", out, "--latency", "0s"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	url := <-ready
	for _, id := range []string{"e1", "e2", "e3"} {
		resp, err := http.Post(url+"/hooks/t1", "application/json", strings.NewReader(`{"id":"`+id+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for { // the recorder has counted, and so written, the three
		resp, err := http.Get(url + "/_hooklimit/report?format=json")
		if err != nil {
			t.Fatal(err)
		}
		var res struct{ Requests struct{ Total int64 } }
		json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if res.Requests.Total == 3 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	sigs := make(chan os.Signal, 2)
	aborted := make(chan struct{})
	go watchSignals(sigs, cancel, func() { d.IO.results.closeAll(); close(aborted) })
	sigs <- os.Interrupt
	sigs <- os.Interrupt
	<-aborted
	data, err := os.ReadFile(out) // what the file holds when the process ends here
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] != "" {
		t.Fatalf("the file ends inside a line: %q", data)
	}
	lines = lines[:len(lines)-1]
	if len(lines) > 0 && strings.HasPrefix(lines[0], `{"type":"start",`) {
		lines = lines[1:] // the session's start line
	}
	if len(lines) < 3 {
		t.Fatalf("%d lines after the second Ctrl-C, want the 3 requests:\n%s", len(lines), data)
	}
	for i := range 3 {
		if !strings.HasPrefix(lines[i], `{"type":"request","seq":`) {
			t.Errorf("line %d: %q", i+1, lines[i])
		}
	}
	close(sigs)
	<-done
}
