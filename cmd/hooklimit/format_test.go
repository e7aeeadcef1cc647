package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/spf13/cobra"
)

func TestFormatFlagSet(t *testing.T) {
	tests := []struct {
		extra   []string
		in      string
		want    string // "" when Set must fail
		wantErr string
	}{
		{in: "table", want: "table"},
		{in: "markdown", want: "markdown"},
		{in: "json", want: "json"},
		{in: " JSON ", want: "json"},
		{in: "junit", wantErr: "must be one of table, markdown, json"},
		{in: "", wantErr: "must be one of table, markdown, json"},
		{extra: []string{"junit", "html"}, in: "junit", want: "junit"},
		{extra: []string{"junit", "html"}, in: "HTML", want: "html"},
		{extra: []string{"junit", "html"}, in: "xml", wantErr: "must be one of table, markdown, json, junit, html"},
	}
	for _, tt := range tests {
		f := NewFormatFlag(FormatTable, tt.extra...)
		err := f.Set(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("extra %v: Set(%q) error = %v, want %q", tt.extra, tt.in, err, tt.wantErr)
			}
			if f.String() != FormatTable {
				t.Errorf("extra %v: after failed Set(%q), String() = %q, want the default", tt.extra, tt.in, f.String())
			}
			continue
		}
		if err != nil || f.String() != tt.want {
			t.Errorf("extra %v: Set(%q) = %v, String() = %q; want nil, %q", tt.extra, tt.in, err, f.String(), tt.want)
		}
	}
}

func TestFormatFlagDefaultAndAllowed(t *testing.T) {
	f := NewFormatFlag(FormatMarkdown, "junit")
	if f.String() != FormatMarkdown || f.Type() != "format" {
		t.Errorf("String(), Type() = %q, %q", f.String(), f.Type())
	}
	want := []string{"table", "markdown", "json", "junit"}
	if got := f.Allowed(); !slices.Equal(got, want) {
		t.Errorf("Allowed() = %v, want %v", got, want)
	}
	f.Allowed()[0] = "changed"
	if f.Allowed()[0] != "table" {
		t.Error("Allowed() returned the flag's own slice")
	}
}

func TestFormatFlagBadDefaultPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewFormatFlag with a default it does not allow did not panic")
		}
	}()
	NewFormatFlag("html")
}

// TestFormatFlagOnCommand checks what a command sees: the parsed value, or
// an exit-2 error naming the flag and its choices.
func TestFormatFlagOnCommand(t *testing.T) {
	for _, tt := range []struct {
		args     []string
		want     string
		wantCode int
	}{
		{args: nil, want: "table"},
		{args: []string{"--format", "html"}, want: "html"},
		{args: []string{"--format=json"}, want: "json"},
		{args: []string{"--format", "yaml"}, wantCode: exitcode.Usage},
	} {
		d, _, _ := newTestDeps()
		var got string
		var format *FormatFlag
		cmd := &cobra.Command{Use: "render", RunE: func(*cobra.Command, []string) error {
			got = format.String()
			return nil
		}}
		format = addFormatFlag(cmd, FormatTable, "junit", "html")
		root := newRootCmd(d)
		root.AddCommand(cmd)
		root.SetArgs(append([]string{"render"}, tt.args...))
		err := root.Execute()
		if code := exitcode.Of(err); code != tt.wantCode {
			t.Errorf("%v: exit code %d (%v), want %d", tt.args, code, err, tt.wantCode)
		}
		if tt.wantCode != 0 {
			const msg = `invalid argument "yaml" for "--format" flag: must be one of table, markdown, json, junit, html`
			if err == nil || !strings.Contains(err.Error(), msg) {
				t.Errorf("%v: error %v, want it to contain %q", tt.args, err, msg)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("%v: format %q, want %q", tt.args, got, tt.want)
		}
	}
}
