package main

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
)

// TestServeRewstRevision: serve --profile rewst@2026-02-18 admits 50
// requests of a trigger in one second and answers the 51st as Envoy does,
// with the fixed Retry-After: 10 and an empty body. In a synctest bubble
// every request is at the same virtual instant, on a whole second.
func TestServeRewstRevision(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, tr := startServeMem(t, "--profile", "rewst@2026-02-18", "--key-from", "/hooks/{key}")
		c := &http.Client{Transport: tr}
		post := func() (*http.Response, string) {
			resp, err := c.Post(s.URL+"/hooks/t1", "application/json", nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp, string(body)
		}
		for i := 1; i <= 50; i++ {
			if resp, _ := post(); resp.StatusCode != 200 || resp.Header.Get("Retry-After") != "" {
				t.Fatalf("request %d: %d %v", i, resp.StatusCode, resp.Header)
			}
		}
		resp, body := post()
		h := resp.Header
		if resp.StatusCode != 429 || body != "" || h.Get("Retry-After") != "10" || h.Get("X-Ratelimit-Reset") != "10" ||
			h.Get("X-Ratelimit-Remaining") != "0" || h.Get("X-Envoy-Ratelimited") != "true" {
			t.Fatalf("51st: %d %v %q", resp.StatusCode, h, body)
		}
		tr.CloseIdleConnections()
		res, err := s.finish(t)
		if err == nil || res.Profile != "rewst@2026-02-18" || res.Delivery.Rejected429 != 1 {
			t.Errorf("result: profile %s, 429s %d, error %v", res.Profile, res.Delivery.Rejected429, err)
		}
	})
}

// TestServeWorkatoEnvironment: under workato@r3 serve --workspace names the
// environment; 1,020 events of one environment in the first second pass,
// the 1,021st is rejected, and another environment has its own store.
func TestServeWorkatoEnvironment(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, tr := startServeMem(t, "--profile", "workato@r3", "--workspace", "header:X-Environment")
		c := &http.Client{Transport: tr}
		post := func(key, env string) int {
			req, err := http.NewRequest("POST", s.URL+"/hooks/"+key, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("X-Environment", env)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
		for i := range 1020 {
			if code := post(fmt.Sprintf("t%d", i%3), "acme-prod"); code != 200 {
				t.Fatalf("event %d: %d", i+1, code)
			}
		}
		if code := post("t9", "acme-prod"); code != 429 {
			t.Fatalf("event 1,021: %d", code)
		}
		if code := post("t0", "acme-dev"); code != 200 {
			t.Fatalf("another environment: %d", code)
		}
		tr.CloseIdleConnections()
		res, _ := s.finish(t)
		var parts []string
		for _, pr := range res.PolicyRejected {
			parts = append(parts, pr.Key)
		}
		slices.Sort(parts)
		if !slices.Equal(parts, []string{"environment acme-dev", "environment acme-prod"}) {
			t.Errorf("partitions %q", parts)
		}
	})
}
