// Package redact takes the secrets a target URL may carry (a password, a
// token in the query) out of it before it is shown or recorded.
package redact

import (
	"net/url"
	"strings"
)

// URL returns raw as it may be shown and recorded: scheme, host and path,
// without user information or fragment, and with a query, which often
// carries a token, replaced by "?redacted" so that a reader knows there
// was one. "https://user:pw@example.test/h?token=s3cret#x" becomes
// "https://example.test/h?redacted".
//
// A URL that does not parse, or has no host ("localhost:8080/hooks"), is
// cut as text instead, so that a message about a mistyped target still
// shows what was typed, less its user information, query and fragment.
func URL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" && u.Opaque == "" {
		s := u.Scheme + "://" + u.Host + u.Path
		if u.RawQuery != "" {
			s += "?redacted"
		}
		return s
	}
	s, query, hasQuery := strings.Cut(raw, "?")
	s, _, _ = strings.Cut(s, "#")
	prefix, rest := "", s
	if scheme, r, ok := strings.Cut(s, "://"); ok {
		prefix, rest = scheme+"://", r
	}
	auth, _, _ := strings.Cut(rest, "/")
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	s = prefix + rest
	if hasQuery && query != "" {
		s += "?redacted"
	}
	return s
}
