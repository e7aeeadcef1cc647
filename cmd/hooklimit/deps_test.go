package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// memFile is a results file held in memory.
type memFile struct {
	bytes.Buffer
	closed bool
}

func (f *memFile) Close() error { f.closed = true; return nil }

// TestResultsFileThroughDeps: every command creates its --out file with
// Deps.Create, and a file it cannot create is a runtime error (exit 3).
func TestResultsFileThroughDeps(t *testing.T) {
	dir := t.TempDir()
	traffic := filepath.Join(dir, "traffic.jsonl")
	if err := os.WriteFile(traffic, []byte(`{"time":1771318800,"key":"t1"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(dir, "saved.jsonl")
	d, _, errOut := newTestDeps()
	if code := execute(context.Background(), newRootCmd(d), errOut, []string{"check", traffic, "--out", saved}); code != 0 {
		t.Fatalf("check --out %s: exit %d: %s", saved, code, errOut)
	}
	tests := []struct {
		name string
		args []string
		want string // the start of the file
	}{
		{"run", []string{"run", "steady", "--rate", "20", "--duration", "2s", "--quiet", "--out", "x.jsonl"}, `{"type":"start","kind":"run"`},
		{"check", []string{"check", traffic, "--out", "x.jsonl"}, `{"type":"result","result":{"verdict":"pass","kind":"check"`},
		{"report", []string{"report", saved, "--out", "x.jsonl"}, `{"type":"result","result":{"verdict":"pass","kind":"check"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, out, errOut := newTestDeps()
			files := map[string]*memFile{}
			d.Create = func(name string) (io.WriteCloser, error) {
				f := new(memFile)
				files[name] = f
				return f, nil
			}
			if code := execute(context.Background(), newRootCmd(d), errOut, tt.args); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			f := files["x.jsonl"]
			if len(files) != 1 || f == nil || !f.closed || !strings.HasPrefix(f.String(), tt.want) {
				t.Fatalf("files %v; want x.jsonl, closed, starting %s", files, tt.want)
			}
			if out.Len() == 0 {
				t.Error("no report on standard output")
			}

			d, _, errOut = newTestDeps()
			d.Create = func(string) (io.WriteCloser, error) { return nil, errors.New("disk full") }
			if code := execute(context.Background(), newRootCmd(d), errOut, tt.args); code != exitcode.Runtime {
				t.Errorf("a file that cannot be created: exit %d, want 3", code)
			}
			if want := "hooklimit: cannot write results: disk full\n"; errOut.String() != want {
				t.Errorf("stderr %q, want %q", errOut, want)
			}
		})
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRunEnvThroughDeps: run --sign-secret-env reads the secret through
// Deps.LookupEnv, never from the process: a variable only the process has
// is not set, and one only Deps has signs every request.
func TestRunEnvThroughDeps(t *testing.T) {
	const secret = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	t.Setenv("HOOKLIMIT_TEST_SECRET", secret)
	args := []string{"run", "steady", "--rate", "100", "--duration", "30ms", "--retry", "none", "--quiet",
		"--target", "http://127.0.0.1:9/hooks/t1", "--sign-secret-env", "HOOKLIMIT_TEST_SECRET", "--drain", "0s"}

	d, _, errOut := newTestDeps()
	if code := execute(context.Background(), newRootCmd(d), errOut, args); code != exitcode.Usage {
		t.Errorf("secret in the process only: exit %d, want 2", code)
	}
	if want := "hooklimit: flag --sign-secret-env: environment variable HOOKLIMIT_TEST_SECRET is not set\n"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}

	os.Unsetenv("HOOKLIMIT_TEST_SECRET")
	d, out, errOut := newTestDeps()
	d.LookupEnv = func(k string) (string, bool) {
		if k == "HOOKLIMIT_TEST_SECRET" {
			return secret, true
		}
		return "", false
	}
	var mu sync.Mutex
	sent, signed := 0, 0
	d.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		sent++
		if strings.HasPrefix(r.Header.Get("webhook-signature"), "v1,") {
			signed++
		}
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
	})
	if code := execute(context.Background(), newRootCmd(d), errOut, args); code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	if sent != 3 || signed != sent {
		t.Errorf("%d requests, %d signed; want 3, all signed", sent, signed)
	}
}
