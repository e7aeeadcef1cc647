package discover

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"
)

// Limiters no one here wrote: a Go server on golang.org/x/time/rate, and
// nginx's limit_req.

// xTimeRateHandler answers from a token bucket of golang.org/x/time/rate
// (5 per second, burst 10, on the clock time.Now reads): 429 with a
// Retry-After of the reservation's delay, rounded up to whole seconds.
func xTimeRateHandler() http.Handler { return xTimeRateLimiter(5, 10) }

// xTimeRateLimiter is xTimeRateHandler with the given rate and burst.
func xTimeRateLimiter(r float64, burst int) http.Handler {
	lim := rate.NewLimiter(rate.Limit(r), burst)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		res := lim.Reserve()
		if d := res.Delay(); d > 0 {
			res.Cancel()
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// TestDiscoverXTimeRate probes xTimeRateHandler, served in memory in
// virtual time, through every step: the burst and the rate are found
// within 10%, and the Retry-After holds.
func TestDiscoverXTimeRate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := discoverHTTP(t, memURL, xTimeRateHandler(), DiscoverOptions{MaxRequests: 1000, MaxDuration: 40 * time.Second})
		if !within(d.Burst.Admitted, 10, 0.1) {
			t.Errorf("burst %d, want 10 within 10%%", d.Burst.Admitted)
		}
		wantInferred(t, d, 1, 5, 0.1)
		for _, c := range d.RetryAfter {
			if c.Checked && !c.Admitted {
				t.Errorf("rejected at exactly the Retry-After: %+v", c)
			}
		}
		for _, f := range d.Findings {
			if f.Severity == SeverityError {
				t.Errorf("error finding: %+v", f)
			}
		}
	})
}

// TestDiscoverXTimeRateSocket probes xTimeRateHandler on a loopback
// socket in real time, for a few seconds: probe.HTTPSender's own transport
// against a real server. It asserts only what holds at any speed of this
// machine: the bucket's 10 are admitted and then a 429 with a Retry-After
// of 1 s (a token is never more than 0.2 s away) comes; a request at
// exactly its end is admitted; and over the whole probe no more was
// admitted than the bucket allows in the time it took.
func TestDiscoverXTimeRateSocket(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(xTimeRateHandler())
	t.Cleanup(srv.Close)
	var admitted int64
	d := discoverHTTP(t, srv.URL, nil, DiscoverOptions{MaxRequests: 200, MaxDuration: 5 * time.Second,
		OnRequest: func(p *ProbeRequest) {
			if p.Admitted() {
				admitted++
			}
		}})
	if b := d.Burst; b.Admitted < 10 || !b.Limited || b.Status != http.StatusTooManyRequests || !b.HasRetryAfter || b.RetryAfter != time.Second {
		t.Errorf("burst %+v, want at least 10 admitted, then a 429 with Retry-After: 1", b)
	}
	if len(d.RetryAfter) == 0 || !d.RetryAfter[0].Checked || !d.RetryAfter[0].Admitted {
		t.Errorf("Retry-After checks %+v, want the first checked and admitted at its end", d.RetryAfter)
	}
	if most := 10 + 5*time.Duration(d.End-d.Start).Seconds(); float64(admitted) > most {
		t.Errorf("%d admitted in %v, more than the bucket allows (%.1f)", admitted, time.Duration(d.End-d.Start), most)
	}
}

// TestDiscoverNginx probes nginx's limit_req (rate=10r/s, burst=5
// nodelay) started on loopback by the test, for a few seconds of real
// time: probe finds the rate within 10% (from the saturation, which the
// caps leave room for) and reports that nginx answers 503, as it does unless
// limit_req_status says otherwise. .ci/run installs nginx-light; without
// nginx the test is skipped. nginx is stopped at the end by the pid in its
// pid file.
func TestDiscoverNginx(t *testing.T) {
	t.Parallel()
	url := startNginx(t, "limit_req_zone $binary_remote_addr zone=z:1m rate=10r/s;", "limit_req zone=z burst=5 nodelay;")
	var first, last int64 // the burst's first send and last answer
	d := discoverHTTP(t, url, nil, DiscoverOptions{MaxRequests: 200, MaxDuration: 5 * time.Second,
		OnRequest: func(p *ProbeRequest) {
			if p.Step == StepBurst {
				if first == 0 || p.Sent < first {
					first = p.Sent
				}
				last = max(last, p.Done)
			}
		}})
	// nginx admits burst 5 plus the request itself at once, and one more
	// for each 100 ms its bucket drains while the burst's requests are on
	// the way: on a busy machine they take a few hundred milliseconds, and
	// the ones still in flight at the first rejection count too.
	span := time.Duration(last - first)
	t.Logf("burst: %d admitted over %v", d.Burst.Admitted, span)
	if most := 7 + int64(10*span.Seconds()); d.Burst.Admitted < 5 || d.Burst.Admitted > most {
		t.Errorf("burst %d over %v, want 6 (burst 5 plus the request itself), at most %d with what drained meanwhile", d.Burst.Admitted, span, most)
	}
	wantInferred(t, d, 1, 10, 0.1)
	if !hasFinding(d, Code503ForRateLimit) {
		t.Errorf("no %s finding: %+v", Code503ForRateLimit, d.Findings)
	}
	if !hasFinding(d, Code429NoRetryAfter) {
		t.Errorf("no %s finding: %+v", Code429NoRetryAfter, d.Findings)
	}
}

// nginxBin returns the nginx binary, or skips the test.
func nginxBin(t *testing.T) string {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	t.Skip("nginx is not installed (.ci/run installs nginx-light)")
	return ""
}

// startNginx starts nginx on a free loopback port with httpConf in its
// http block and locConf in the location that answers 200, everything in
// a temporary directory, and stops it when the test ends. The 200 comes
// from "return 200" in a named location that "try_files" hands over to:
// "return" in the limited location itself would answer in the rewrite
// phase, before limit_req (a preaccess handler) ever runs.
func startNginx(t *testing.T, httpConf, locConf string) string {
	bin := nginxBin(t)
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	pid := filepath.Join(dir, "nginx.pid")
	conf := fmt.Sprintf(`%[1]s
worker_processes 1;
error_log %[2]s/error.log;
pid %[3]s;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %[2]s/body;
  proxy_temp_path %[2]s/proxy;
  fastcgi_temp_path %[2]s/fastcgi;
  uwsgi_temp_path %[2]s/uwsgi;
  scgi_temp_path %[2]s/scgi;
  %[4]s
  server {
    listen %[5]s;
    location / {
      %[6]s
      try_files $uri @ok;
    }
    location @ok {
      return 200 "ok\n";
    }
  }
}
`, user, dir, pid, httpConf, addr, locConf)
	confFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-p", dir, "-c", confFile).CombinedOutput()
	if err != nil {
		t.Fatalf("nginx: %v\n%s", err, out)
	}
	t.Cleanup(func() { stopNginx(t, pid) })
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not listen on %s: %v\n%s", addr, err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "http://" + addr + "/hooks/t1"
}

// stopNginx ends the nginx master whose pid is in pidFile, and waits for
// it to go.
func stopNginx(t *testing.T, pidFile string) {
	var pid int
	for i := 0; i < 50; i++ {
		b, err := os.ReadFile(pidFile)
		if err == nil {
			if pid, err = strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if pid <= 0 {
		t.Errorf("no pid in %s: nginx may still run", pidFile)
		return
	}
	_ = syscall.Kill(pid, syscall.SIGTERM)
	for i := 0; i < 100; i++ {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
}
