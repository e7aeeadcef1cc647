package receiver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// serveOn runs rv on a loopback port until the returned stop is called,
// which returns Serve's error once every request is recorded; stop is safe
// to call twice.
func serveOn(t *testing.T, rv *Receiver, so ServerOptions) (url string, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- rv.Serve(ctx, ln, so) }()
	return "http://" + ln.Addr().String(), sync.OnceValue(func() error { cancel(); return <-errc })
}

// TestServeGracefulShutdown: requests in flight when the server stops are
// answered and recorded; every answer a client got is in the report.
func TestServeGracefulShutdown(t *testing.T) {
	rv, _, _ := newReceiver(t, Options{Now: time.Now, Latency: 20 * time.Millisecond})
	url, stop := serveOn(t, rv, ServerOptions{})
	var answered atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 5 * time.Second}
	for c := range 32 {
		wg.Go(func() {
			for i := 0; i < 1000; i++ {
				resp, err := client.Post(fmt.Sprintf("%s/hooks/t%d", url, c), "application/json", strings.NewReader(fmt.Sprintf(`{"id":"%d-%d"}`, c, i)))
				if err != nil {
					return // the server has stopped
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 || resp.StatusCode == 429 {
					answered.Add(1)
				}
			}
		})
	}
	// Stop once answers are coming and more requests are in flight: not
	// after a fixed time, which on a loaded machine can pass before the
	// first answer (the deadline only keeps a broken server from hanging).
	for deadline := time.Now().Add(5 * time.Second); answered.Load() < 64 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	res := rv.Result(false)
	if answered.Load() == 0 || res.Requests.Total != answered.Load() || res.Requests.Dropped != 0 {
		t.Errorf("clients got %d answers, the report has %d requests (%d dropped)", answered.Load(), res.Requests.Total, res.Requests.Dropped)
	}
}

// TestServeSlowClients: a client that never finishes its headers, or
// trickles its body, is cut off by the timeouts.
func TestServeSlowClients(t *testing.T) {
	rv, _, _ := newReceiver(t, Options{Now: time.Now})
	url, stop := serveOn(t, rv, ServerOptions{ReadHeaderTimeout: 100 * time.Millisecond, ReadTimeout: 300 * time.Millisecond})
	defer stop()
	addr := strings.TrimPrefix(url, "http://")

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "POST /t1 HTTP/1.1\r\nHost: x\r\n") // and never the end of the headers
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(conn); err != nil {
		t.Errorf("headers never finished: %v, want the server to close the connection", err)
	}

	conn2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	fmt.Fprint(conn2, "POST /t1 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"id\":")
	conn2.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn2), nil)
	if err != nil || resp.StatusCode != 400 {
		t.Fatalf("body never finished: %v %v, want 400", err, resp)
	}
	// A request is recorded once its answer is written, which the client
	// may see first: stopping the server waits for every record.
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := rv.Result(false).Requests.ByStatus["400"]; n != 1 {
		t.Errorf("400s recorded: %d", n)
	}
}

// TestReceiverMemoryBounded: distinct keys, one every 50 ms, leave at
// most the idle horizon's worth of partitions and analysed keys.
func TestReceiverMemoryBounded(t *testing.T) {
	// 300 s of requests, each to a new key, 20 a second: five horizons.
	n, step := 6_000, 50*time.Millisecond
	rv, c, _ := newReceiver(t, Options{})
	most := 0
	for i := range n {
		c.Add(step)
		send(rv, "POST", fmt.Sprintf("/hooks/k%d", i), "{}")
		if i%1_000 == 0 {
			// Counted on the recorder's goroutine once it has taken every
			// record sent so far: what it holds then does not depend on
			// how far this machine let it fall behind.
			rv.pipe.do(func() { most = max(most, rv.sim.Keys()) }, false)
		}
	}
	res := rv.Result(false)
	// The horizon is 61 s plus a second of slack, expired every 15 s by the
	// recorder's goroutine as it hands records over, and the records within
	// the reorder window are not handed over yet: 1,540 keys and that
	// window. Unbounded, the checks would have seen 5,000.
	if bound := int(77*time.Second/step) + 1_000; most > bound || res.Input.Keys != n || res.Requests.Total != int64(n) {
		t.Errorf("at most %d partitions; %d keys and %d requests in the report", most, res.Input.Keys, res.Requests.Total)
	}
}
