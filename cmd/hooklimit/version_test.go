package main

import (
	"encoding/json"
	"testing"
)

func TestNewVersionCmdFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "text"},
		{[]string{"--format", "json"}, "json"},
		{[]string{"--format", "Text"}, "text"},
	}
	for _, tt := range tests {
		d, _, _ := newTestDeps()
		var got *versionOptions
		cmd := newVersionCmd(d, func(o *versionOptions) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got.Format.String() != tt.want || got.Build != d.Build || got.IO != d.IO {
			t.Errorf("%v: options %+v, want format %q and the Deps' build and streams", tt.args, got, tt.want)
		}
	}
}

func TestRunVersion(t *testing.T) {
	d, out, _ := newTestDeps()
	opts := &versionOptions{IO: d.IO, Build: d.Build, Format: newFormatFlagOf("text", "text", "json")}
	if err := runVersion(opts); err != nil {
		t.Fatal(err)
	}
	if want := "hooklimit 1.2.3 (commit abc1234, built 2026-11-25T10:00:00Z)\n"; out.String() != want {
		t.Errorf("text output %q, want %q", out.String(), want)
	}

	out.Reset()
	if err := opts.Format.Set("json"); err != nil {
		t.Fatal(err)
	}
	if err := runVersion(opts); err != nil {
		t.Fatal(err)
	}
	var got BuildInfo
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("json output %q: %v", out.String(), err)
	}
	if got != d.Build {
		t.Errorf("json output decodes to %+v, want %+v", got, d.Build)
	}
}
