package main

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestServeTableEscapesKeys: a sender that puts ESC or CR LF in a URL
// path cannot clear the operator's screen, print a green PASS or add a
// row to serve's table, nor to the live report over HTTP.
func TestServeTableEscapesKeys(t *testing.T) {
	s := startServe(t, context.Background(), "--profile", "rewst", "--format", "table")
	for _, path := range []string{
		"/hooks/%1b%5b2J%1b%5b1;32mPASS%20all%20good%1b%5b0m",
		"/hooks/t1%0d%0a|%20t2%20|%20PASS%20|",
	} {
		resp, err := http.Post(s.URL+path, "application/json", strings.NewReader(`{"id":"e1"}`))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	resp, err := http.Get(s.URL + "/_hooklimit/report?format=table")
	if err != nil {
		t.Fatal(err)
	}
	live, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	close(s.stop)
	<-s.done
	for what, out := range map[string]string{"table on stdout": s.out.String(), "live report": string(live)} {
		for i, r := range out {
			if r != '\n' && !strconv.IsPrint(r) {
				t.Fatalf("%s: %U at byte %d reaches the terminal:\n%q", what, r, i, out)
			}
		}
		for _, want := range []string{
			`| \x1b[2J\x1b[1;32mPASS all good\x1b[0m | per_second 25/1s`,
			`| t1\r\n| t2 | PASS |                   | per_second 25/1s`,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: no row %q:\n%s", what, want, out)
			}
		}
	}
}
