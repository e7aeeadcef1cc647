package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// TestServeWorkspaceFlag: serve --workspace header:X-Workspace partitions a
// workspace-scoped profile by that header, and the result says so.
func TestServeWorkspaceFlag(t *testing.T) {
	s := startServe(t, context.Background(), "--profile", "workato", "--workspace", "header:X-Workspace")
	for i := range 10 {
		req, err := http.NewRequest("POST", fmt.Sprintf("%s/hooks/t%d", s.URL, i%3), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Workspace", []string{"acme", "globex"}[i%2])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	res, err := s.finish(t)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, pr := range res.PolicyRejected {
		parts = append(parts, pr.Key)
	}
	slices.Sort(parts)
	if res.WorkspaceSource != "header:X-Workspace" || !slices.Equal(parts, []string{"workspace acme", "workspace globex"}) {
		t.Errorf("workspace source %q, partitions %q", res.WorkspaceSource, parts)
	}
}
