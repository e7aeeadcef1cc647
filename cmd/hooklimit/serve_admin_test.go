package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// TestServeWarnsWhenExposed: serve warns on standard error when it listens
// on anything but loopback, and says how to keep the admin endpoints
// private.
func TestServeWarnsWhenExposed(t *testing.T) {
	for _, tt := range []struct {
		addr  net.Addr
		token bool
		want  string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, false, ""},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 8080}, false, ""},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, false, "warning: listening on 0.0.0.0:8080, not a loopback address: anyone who can reach it can send requests to every key, and read every key's numbers at /_hooklimit/stats and /_hooklimit/report; bind to 127.0.0.1, or set --admin-token-env"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, false, "listening on [::]:8080, not a loopback address"},
		{&net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 80}, true, "10.1.2.3:80, not a loopback address: anyone who can reach it can send requests to every key, and the admin endpoints /_hooklimit/stats and /_hooklimit/report need the token of --admin-token-env"},
	} {
		var errb bytes.Buffer
		opts := &serveOptions{IO: NewIOStreams(nil, &bytes.Buffer{}, &errb)}
		opts.warnExposed(tt.addr, tt.token)
		if tt.want == "" && errb.Len() != 0 || !strings.Contains(errb.String(), tt.want) {
			t.Errorf("%s: %q", tt.addr, errb.String())
		}
	}
}

// TestServeAdminToken: with --admin-token-env the admin endpoints need the
// token; webhooks do not. An unset variable is a usage error.
func TestServeAdminToken(t *testing.T) {
	env := func(o *serveOptions) {
		o.Getenv = func(k string) string {
			if k == "HL_ADMIN" {
				return "t0ken-value"
			}
			return ""
		}
	}
	s := startServeWith(t, context.Background(), env, "--admin-token-env", "HL_ADMIN")
	get := func(path, auth string) int {
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := get("/_hooklimit/stats", ""); c != 401 {
		t.Errorf("no token: %d", c)
	}
	if c := get("/_hooklimit/report", "Bearer wrong"); c != 401 {
		t.Errorf("wrong token: %d", c)
	}
	if c := get("/_hooklimit/stats", "Bearer t0ken-value"); c != 200 {
		t.Errorf("token: %d", c)
	}
	if resp, err := http.Post(s.URL+"/hooks/t1", "application/json", strings.NewReader("{}")); err != nil || resp.StatusCode != 200 {
		t.Errorf("webhook: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	res, _ := s.finish(t)
	if res.Requests.Total != 1 {
		t.Errorf("requests %d", res.Requests.Total)
	}
	if strings.Contains(s.out.String()+s.errb.String(), "t0ken-value") {
		t.Error("the token was printed")
	}

	d, _, _ := newTestDeps()
	cmd := newServeCmd(d, env)
	cmd.SetArgs([]string{"--listen", "127.0.0.1:0", "--admin-token-env", "UNSET_VAR"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	var ie *exitcode.InputError
	if err := cmd.ExecuteContext(context.Background()); !errors.As(err, &ie) || !strings.Contains(err.Error(), "UNSET_VAR is not set") {
		t.Errorf("unset variable: %v", err)
	}
}
