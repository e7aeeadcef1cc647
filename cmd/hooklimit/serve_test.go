package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/report"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serving is a `hooklimit serve` running in the test, on a free loopback
// port (or a pipeListener), with the clock time.Now reads.
type serving struct {
	URL       string
	out, errb *syncBuffer
	stop      chan struct{}
	done      chan error
}

// startServe runs `hooklimit serve --listen 127.0.0.1:0 --format json`
// with the extra flags, and returns once it listens.
func startServe(t *testing.T, ctx context.Context, flags ...string) *serving {
	t.Helper()
	return startServeWith(t, ctx, nil, flags...)
}

// startServeWith is startServe, with hook called on the options too.
func startServeWith(t *testing.T, ctx context.Context, hook func(*serveOptions), flags ...string) *serving {
	t.Helper()
	s := &serving{out: &syncBuffer{}, errb: &syncBuffer{}, stop: make(chan struct{}), done: make(chan error, 1)}
	d, _, _ := newTestDeps()
	d.IO = NewIOStreams(nil, s.out, s.errb)
	d.Now = time.Now
	ready := make(chan string, 1)
	cmd := newServeCmd(d, func(o *serveOptions) {
		o.ready = func(u string) { ready <- u }
		o.stop = s.stop
		if hook != nil {
			hook(o)
		}
	})
	cmd.SetArgs(append([]string{"--listen", "127.0.0.1:0", "--format", "json"}, flags...))
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	go func() { s.done <- cmd.ExecuteContext(ctx) }()
	select {
	case s.URL = <-ready:
	case err := <-s.done:
		t.Fatalf("serve ended before listening: %v\n%s", err, s.errb)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not listen")
	}
	return s
}

// finish stops the server as --duration would and returns its result.
func (s *serving) finish(t *testing.T) (*report.ServeResult, error) {
	t.Helper()
	close(s.stop)
	err := <-s.done
	return s.result(t), err
}

// result reads serve's JSON output once it has ended: the listening line
// (the first of standard error), then the result, which must be the only
// document on standard output.
func (s *serving) result(t *testing.T) *report.ServeResult {
	t.Helper()
	first, _, _ := strings.Cut(s.errb.String(), "\n")
	rest := s.out.String()
	var l struct{ Type, URL string }
	if err := json.Unmarshal([]byte(first), &l); err != nil || l.Type != "listening" || !strings.HasPrefix(l.URL, "http://127.0.0.1:") {
		t.Fatalf("first line %q: %v", first, err)
	}
	var res report.ServeResult
	if err := json.Unmarshal([]byte(rest), &res); err != nil {
		t.Fatalf("result: %v\n%s", err, rest)
	}
	return &res
}

// startServeMem is startServe on a pipeListener, for a test inside a
// synctest bubble: the requests sent through the transport it returns
// reach serve's HTTP server in memory, in virtual time.
func startServeMem(t *testing.T, flags ...string) (*serving, *http.Transport) {
	t.Helper()
	l := newPipeListener()
	s := startServeWith(t, context.Background(), func(o *serveOptions) { o.listen = l.listen }, flags...)
	return s, l.transport()
}

// runSender runs the project's own sender, `hooklimit run steady --target`,
// in this process, its requests carried by rt.
func runSender(t *testing.T, rt http.RoundTripper, target, rate, duration, retry string) string {
	t.Helper()
	d, out, errOut := newTestDeps()
	d.Now = time.Now
	d.Transport, d.Clock = rt, memhttp.Clock{}
	code := execute(context.Background(), newRootCmd(d), errOut, []string{"run", "steady", "--rate", rate, "--duration", duration,
		"--target", target, "--retry", retry, "--drain", "10s", "--quiet", "--format", "json"})
	if code != 0 && code != 1 {
		t.Fatalf("run exited %d: %s", code, errOut)
	}
	return out.String()
}

// TestServeJudgesRun: hooklimit run, sending over HTTP to hooklimit serve,
// is judged by it as it should be. Both run in a synctest bubble, the
// connections in memory: seconds of sending take no time, and no retry is
// late because this machine is slow.
func TestServeJudgesRun(t *testing.T) {
	tests := []struct {
		name, rate, duration, retry string
		wait                        time.Duration // after the sender, before the report
		check                       func(t *testing.T, res *report.ServeResult)
	}{
		{"20/s passes rewst", "20", "3s", "none", 0, func(t *testing.T, res *report.ServeResult) {
			d := res.Delivery
			if res.Verdict != report.VerdictPass || d.Rejected429 != 0 || d.Events != 60 || d.Attempts != 60 {
				t.Errorf("verdict %s, 429s %d, events %d, attempts %d", res.Verdict, d.Rejected429, d.Events, d.Attempts)
			}
			if res.Limits[0].Peak > 21 || res.RetrySchedule.Resembles != "" {
				t.Errorf("peak %d, schedule %q", res.Limits[0].Peak, res.RetrySchedule.Resembles)
			}
		}},
		{"40/s gets 429s and fails", "40", "2s", "none", 1500 * time.Millisecond, func(t *testing.T, res *report.ServeResult) {
			d := res.Delivery
			// Every rejected event is given up: the report came more than
			// Retry-After (1s) and --giveup-after (100ms) after the last.
			if res.Verdict != report.VerdictFail || d.Rejected429 < 20 || d.Retries != 0 || d.GivenUp != d.Rejected429 || d.Pending != 0 {
				t.Errorf("verdict %s, 429s %d, retries %d, given up %d, pending %d", res.Verdict, d.Rejected429, d.Retries, d.GivenUp, d.Pending)
			}
			if res.RetrySchedule.Resembles != "none" {
				t.Errorf("schedule %+v", res.RetrySchedule)
			}
		}},
		{"a retry-after sender has no early retries", "40", "2s", "retry-after", 0, func(t *testing.T, res *report.ServeResult) {
			d := res.Delivery
			if d.Rejected429 == 0 || d.RetryAfterHonored == 0 || d.RetryAfterEarly != 0 || d.Delivered != 80 || d.GivenUp != 0 {
				t.Errorf("429s %d, honored %d, early %d, delivered %d, given up %d", d.Rejected429, d.RetryAfterHonored, d.RetryAfterEarly, d.Delivered, d.GivenUp)
			}
			if res.RetrySchedule.Resembles != "retry-after" {
				t.Errorf("schedule %+v", res.RetrySchedule)
			}
		}},
		{"an immediate-retry sender is reported early", "40", "2s", "immediate,max=3", 0, func(t *testing.T, res *report.ServeResult) {
			d := res.Delivery
			if d.RetryAfterEarly == 0 || d.MinRetrySlackMS == nil || *d.MinRetrySlackMS > -500 || d.PartitionViolations == 0 {
				t.Errorf("early %d, violations %d, slack %v", d.RetryAfterEarly, d.PartitionViolations, d.MinRetrySlackMS)
			}
			if res.RetrySchedule.Resembles != "immediate" || res.Verdict != report.VerdictFail {
				t.Errorf("schedule %+v, verdict %s", res.RetrySchedule, res.Verdict)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				s, tr := startServeMem(t, "--profile", "rewst", "--key-from", "/hooks/{key}", "--giveup-after", "100ms")
				sent := runSender(t, tr, s.URL+"/hooks/t1", tt.rate, tt.duration, tt.retry)
				tr.CloseIdleConnections()
				time.Sleep(tt.wait)
				res, err := s.finish(t)
				judgeServedRun(t, sent, res, err)
				tt.check(t, res)
			})
		})
	}
}

// judgeServedRun checks what TestServeJudgesRun asks of every case: the
// verdict and the exit agree, serve saw what run sent, and ids were read
// from the header.
func judgeServedRun(t *testing.T, sent string, res *report.ServeResult, err error) {
	t.Helper()
	if res.Verdict == report.VerdictPass && err != nil || res.Verdict == report.VerdictFail && err == nil {
		t.Errorf("verdict %s, error %v", res.Verdict, err)
	}
	// What serve saw is what run sent.
	var run report.RunResult
	if err := json.Unmarshal([]byte(sent), &run); err != nil {
		t.Fatalf("run's output: %v", err)
	}
	if run.Delivery.Attempts != res.Delivery.Attempts || run.Delivery.Accepted != res.Delivery.Accepted ||
		run.Delivery.Rejected429 != res.Delivery.Rejected429 || run.Delivery.Events != res.Delivery.Events ||
		run.Delivery.RetryAfterEarly != res.Delivery.RetryAfterEarly {
		t.Errorf("run sent %+v\nserve saw %+v", run.Delivery, res.Delivery)
	}
	if res.Requests.Dropped != 0 || res.Input.Keys != 1 || res.Delivery.IDs.Header != res.Delivery.Events {
		t.Errorf("requests %+v, ids %+v", res.Requests, res.Delivery.IDs)
	}
}

// TestServeTellsRunsApart: two runs with one seed against one serve, over
// HTTP in memory and in virtual time, are 2N events: no retry, no
// duplicate, two senders.
func TestServeTellsRunsApart(t *testing.T) {
	synctest.Test(t, testServeTellsRunsApart)
}

func testServeTellsRunsApart(t *testing.T) {
	s, tr := startServeMem(t, "--profile", "rewst", "--key-from", "/hooks/{key}")
	defer tr.CloseIdleConnections()
	var ids []string
	for range 2 {
		var run report.RunResult
		if err := json.Unmarshal([]byte(runSender(t, tr, s.URL+"/hooks/t1", "5", "1s", "none")), &run); err != nil {
			t.Fatalf("run's output: %v", err)
		}
		if run.Delivery.Events != 5 {
			t.Fatalf("run sent %d events, want 5", run.Delivery.Events)
		}
		ids = append(ids, run.RunID)
	}
	if ids[0] == ids[1] || ids[0] == "" {
		t.Errorf("run ids %q and %q: two runs with one seed must differ", ids[0], ids[1])
	}
	res, _ := s.finish(t)
	d := res.Delivery
	if d.Events != 10 || d.Attempts != 10 || d.Retries != 0 || d.Duplicates != 0 || d.Senders != 2 || res.RetrySchedule.Resembles != "" {
		t.Errorf("serve saw %d events in %d attempts, %d retries, %d duplicates, %d senders, schedule %q; want 10, 10, 0, 0, 2, none",
			d.Events, d.Attempts, d.Retries, d.Duplicates, d.Senders, res.RetrySchedule.Resembles)
	}
}

// TestServeJudgesHey: hey, told to send 20/s (2 workers at 10/s) and then
// 40/s, is judged under and over Rewst's 25/s.
func TestServeJudgesHey(t *testing.T) {
	t.Parallel() // real time, mostly waiting
	if _, err := exec.LookPath("hey"); err != nil {
		t.Skip("hey is not installed (.ci/run installs it)")
	}
	for _, tc := range []struct {
		perWorker string
		n         int
		want      report.Verdict
	}{{"10", 60, report.VerdictPass}, {"20", 80, report.VerdictFail}} {
		t.Run(tc.perWorker+"/s per worker", func(t *testing.T) {
			t.Parallel()
			s := startServe(t, context.Background(), "--profile", "rewst", "--id-hash=false")
			cmd := exec.Command("hey", "-n", strconv.Itoa(tc.n), "-c", "2", "-q", tc.perWorker, "-m", "POST",
				"-T", "application/json", "-d", `{"kind":"load"}`, "-t", "5", s.URL+"/hooks/t1")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("hey: %v\n%s", err, out)
			}
			res, _ := s.finish(t)
			if res.Verdict != tc.want || res.Requests.Total != int64(tc.n) {
				t.Errorf("verdict %s for %d requests, want %s for %d\n%s", res.Verdict, res.Requests.Total, tc.want, tc.n, out)
			}
			// hey sends at most rate a second per worker, fewer when the
			// machine is slow: whatever it sent over its total time,
			// some second held at least a (seconds+1)th of it.
			rate, _ := strconv.Atoi(tc.perWorker)
			secs := heyTotalSeconds(t, string(out))
			if peak := res.Limits[0].Peak; peak > int64(2*rate)+4 || peak*int64(secs+1) < int64(tc.n) {
				t.Errorf("peak per second %d, told to send %d/s, sent %d in %ds", peak, 2*rate, tc.n, secs)
			}
			if statuses := heyStatuses(string(out)); statuses["200"] != res.Delivery.Accepted || statuses["429"] != res.Delivery.Rejected429 {
				t.Errorf("hey saw %v, serve answered %d and %d", statuses, res.Delivery.Accepted, res.Delivery.Rejected429)
			}
		})
	}
}

// heyTotalSeconds reads hey's "Total: 2.0123 secs" line, rounded up.
func heyTotalSeconds(t *testing.T, out string) int {
	t.Helper()
	m := regexp.MustCompile(`Total:\s+([0-9.]+) secs`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no total time in hey's output:\n%s", out)
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return int(math.Ceil(f))
}

// heyStatuses reads hey's "Status code distribution" lines.
func heyStatuses(out string) map[string]int64 {
	m := map[string]int64{}
	for _, sm := range regexp.MustCompile(`\[(\d{3})\]\s+(\d+) responses`).FindAllStringSubmatch(out, -1) {
		n, _ := strconv.ParseInt(sm[2], 10, 64)
		m[sm[1]] = n
	}
	return m
}

// TestServeJudgesWrk: wrk, told by a Lua delay to pause 100 ms before each
// request on each of 2 connections (under 20/s), passes Rewst's 25/s;
// told to pause 10 ms (under 200/s), fails. serve records every request
// wrk completed, and at most the few in flight when wrk stopped.
func TestServeJudgesWrk(t *testing.T) {
	t.Parallel() // real time, mostly waiting
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Skip("wrk is not installed (.ci/run installs it)")
	}
	for _, tc := range []struct {
		delayMS, secs int
		want          report.Verdict
	}{{100, 3, report.VerdictPass}, {10, 1, report.VerdictFail}} {
		t.Run(fmt.Sprintf("delay %dms", tc.delayMS), func(t *testing.T) {
			t.Parallel()
			script := t.TempDir() + "/delay.lua"
			lua := fmt.Sprintf("wrk.method = \"POST\"\nwrk.body = '{\"kind\":\"load\"}'\nfunction delay() return %d end\n", tc.delayMS)
			if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
				t.Fatal(err)
			}
			s := startServe(t, context.Background(), "--profile", "rewst", "--id-hash=false")
			out, err := exec.Command("wrk", "-t1", "-c2", fmt.Sprintf("-d%ds", tc.secs), "-s", script, s.URL+"/hooks/t1").CombinedOutput()
			if err != nil {
				t.Fatalf("wrk: %v\n%s", err, out)
			}
			res, _ := s.finish(t)
			m := regexp.MustCompile(`(\d+) requests in`).FindStringSubmatch(string(out))
			if m == nil {
				t.Fatalf("wrk's output:\n%s", out)
			}
			sent, _ := strconv.ParseInt(m[1], 10, 64)
			if res.Requests.Total < sent || res.Requests.Total > sent+2 || res.Requests.Dropped != 0 {
				t.Errorf("wrk completed %d requests, serve recorded %d (dropped %d)", sent, res.Requests.Total, res.Requests.Dropped)
			}
			// The most wrk can send is 2 per delay; how many it did send
			// depends on the machine. Whatever it sent in secs seconds,
			// some second held at least a (secs+1)th of it.
			rate := int64(2 * 1000 / tc.delayMS)
			if peak := res.Limits[0].Peak; res.Verdict != tc.want || peak > rate+2 || peak*int64(tc.secs+1) < sent {
				t.Errorf("verdict %s, peak %d a second, want %s and at most %d/s, at least %d/%d\n%s", res.Verdict, peak, tc.want, rate, sent, tc.secs+1, out)
			}
		})
	}
}

// TestServeInterrupted: Ctrl-C reports what was received and exits 130.
func TestServeInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := startServe(t, ctx, "--profile", "rewst")
	for i := range 3 {
		resp, err := http.Post(s.URL+"/hooks/t1", "application/json", strings.NewReader(fmt.Sprintf(`{"id":"e%d"}`, i)))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	stats, err := http.Get(s.URL + "/_hooklimit/stats")
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Requests, Accepted int64 }
	json.NewDecoder(stats.Body).Decode(&st)
	stats.Body.Close()
	if st.Requests != 3 || st.Accepted != 3 {
		t.Errorf("stats %+v", st)
	}
	cancel()
	err = <-s.done
	res := s.result(t)
	if code := exitcode.Of(err); code != 130 || !res.Interrupted || res.Requests.Total != 3 || res.Delivery.Events != 3 {
		t.Errorf("exit %d, interrupted %v, %d requests, %d events", code, res.Interrupted, res.Requests.Total, res.Delivery.Events)
	}
}

func TestServeOutFile(t *testing.T) {
	dir := t.TempDir()
	out := dir + "/serve.jsonl"
	s := startServe(t, context.Background(), "--profile", "workato", "--out", out, "--threshold", "retry_after_early==0")
	for range 2 {
		req, _ := http.NewRequest("POST", s.URL+"/w1?token=SECRET-TOKEN", strings.NewReader(`{"eventId":"E1","secret":"BODY-SECRET"}`))
		req.Header.Set("Authorization", "Bearer AUTH-SECRET")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	res, err := s.finish(t)
	if err != nil || res.Verdict != report.VerdictPass || res.Delivery.Duplicates != 1 || len(res.Thresholds) != 1 {
		t.Fatalf("err %v verdict %s duplicates %d thresholds %+v", err, res.Verdict, res.Delivery.Duplicates, res.Thresholds)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	data := string(raw)
	lines := strings.Split(strings.TrimSpace(data), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], `{"type":"start","kind":"serve",`) || !strings.HasPrefix(lines[1], `{"type":"request","seq":1,`) || !strings.HasPrefix(lines[3], `{"type":"result","result":{"verdict":"pass","kind":"serve"`) {
		t.Errorf("results file:\n%s", data)
	}
	for _, secret := range []string{"SECRET-TOKEN", "BODY-SECRET", "AUTH-SECRET"} {
		if strings.Contains(data, secret) {
			t.Errorf("%s reached the results file", secret)
		}
	}
	sc := bufio.NewScanner(strings.NewReader(data))
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Errorf("not JSON: %s", sc.Text())
		}
	}
}
