package main

import (
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

func TestParseHeaders(t *testing.T) {
	h, err := parseHeaders([]string{"Authorization: Bearer s3cret", "X-Tenant:acme", "X-Empty:"})
	if err != nil || h.Get("Authorization") != "Bearer s3cret" || h.Get("X-Tenant") != "acme" || len(h["X-Empty"]) != 1 {
		t.Fatalf("parseHeaders = %v, %v", h, err)
	}
	for _, bad := range []string{"no colon s3cret", ": s3cret", "Bad Name: s3cret", "X: a\r\nInjected: s3cret",
		"X-A: b\x01s3cret", "X-A: s3cret\x00", "X-A: s3cret\x7f", "X-A: s3cret\x1b[2J", "X-A: s3cret\n",
		"X-\x01A: s3cret", "X\x7f: s3cret", "X-\u202eA: s3cret", "X(A): s3cret", "X/A: s3cret", "X@A: s3cret", "\"X\": s3cret"} {
		_, err := parseHeaders([]string{"X-Ok: 1", bad})
		if err == nil || !strings.Contains(err.Error(), "flag --header: value 2") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("parseHeaders(%q) error = %v; want one naming value 2 and not the value", bad, err)
		}
		if code := exitcode.Of(err); code != exitcode.Usage {
			t.Errorf("parseHeaders(%q): exit code %d, want 2", bad, code)
		}
	}
	// The edges of what is allowed: every tchar in a name, a tab and
	// bytes from 0x80 up in a value.
	h, err = parseHeaders([]string{"!#$%&'*+-.^_`|~09azAZ: a\tb", "X-Utf8: café \x80\xff"})
	if err != nil || h.Get("!#$%&'*+-.^_`|~09azAZ") != "a\tb" || h.Get("X-Utf8") != "café \x80\xff" {
		t.Errorf("parseHeaders of valid edges = %v, %v", h, err)
	}
}

func FuzzParseHeaders(f *testing.F) {
	f.Add("Authorization: Bearer x")
	f.Add("a:b:c")
	f.Add(":")
	f.Fuzz(func(t *testing.T, v string) {
		h, err := parseHeaders([]string{v})
		if err != nil {
			return
		}
		if len(h) != 1 {
			t.Fatalf("one value gave %d headers", len(h))
		}
		// What parses can be sent: a name of tchars (RFC 9110), a value
		// without control characters but tab.
		const tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		for name, vals := range h {
			for i := 0; i < len(name); i++ {
				if strings.IndexByte(tchar, name[i]) < 0 {
					t.Fatalf("%q parsed to a header name %q with %q", v, name, name[i])
				}
			}
			if strings.ContainsFunc(vals[0], func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
				t.Fatalf("%q parsed to a value with a control character: %q", v, vals[0])
			}
		}
	})
}
