package redact

import (
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8080/hooks/t1":                "http://127.0.0.1:8080/hooks/t1",
		"https://user:pw@example.test/h?token=s3cret#x": "https://example.test/h?redacted",
		"http://127.0.0.1/hooks/{key}":                  "http://127.0.0.1/hooks/{key}",
		"http://127.0.0.1/hooks/t1?":                    "http://127.0.0.1/hooks/t1",
		"ftp://user@example.test/x#frag":                "ftp://example.test/x",
		// Not parseable, or no host: cut as text.
		"http://user:pw@example.test/%zz?token=s3cret":  "http://example.test/%zz?redacted",
		"http://user:pw@exa%mple.test/a@b?token=s3cret": "http://exa%mple.test/a@b?redacted",
		"localhost:8080/hooks?token=s3cret":             "localhost:8080/hooks?redacted",
		"user:pw@localhost:8080/hooks":                  "localhost:8080/hooks",
		"":                                              "",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzURL checks that a password in the user information and a token in
// the query never survive, whatever the scheme, host and path around them.
func FuzzURL(f *testing.F) {
	f.Add("https", "example.test", "hooks/t1")
	f.Add("http", "127.0.0.1:8080", "a@b/%zz")
	f.Add("http", "exa%mple", "")
	f.Add("x", "[::1", "{key}")
	f.Fuzz(func(t *testing.T, scheme, host, path string) {
		const secret = "Zq9Zq9"
		if strings.Contains(scheme+host+path, "Z") || strings.ContainsAny(host, "/?#@") ||
			strings.TrimLeft(scheme, "abcdefghijklmnopqrstuvwxyz") != "" {
			t.Skip()
		}
		in := scheme + "://user:" + secret + "@" + host + "/" + path + "?token=" + secret + "#" + secret
		if got := URL(in); strings.Contains(got, secret) {
			t.Fatalf("URL(%q) = %q, which shows the secret", in, got)
		}
	})
}
