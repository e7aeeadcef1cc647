package receiver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/signing"
)

// Verifier checks a request's signature against its body, as the receiver
// a sender really talks to would. The receiver calls it for the requests
// the limits admitted and answers 401 when it fails.
//
// A Verifier holds a secret: it prints as its kind and header only, never
// the secret, whatever the verb.
type Verifier interface {
	// Verify returns nil when the request is signed right. Its error
	// never holds the secret.
	Verify(h http.Header, body []byte, now time.Time) error
	// Headers names the headers that carry the signature.
	Headers() []string
	// String describes the check, e.g. "standard-webhooks".
	String() string
}

// ParseVerifier returns the Verifier of spec, with secret as its key:
//
//	standard-webhooks  webhook-id, webhook-timestamp and webhook-signature as
//	                   the Standard Webhooks specification defines them; the
//	                   secret is "whsec_" and base64 (signing.NewSigner), and
//	                   the timestamp must be within tolerance of now (the
//	                   default 5m when tolerance is 0)
//	hmac:HEADER        HMAC-SHA256 of the body under the secret's bytes, in
//	                   HEADER as hex or base64, optionally after "sha256="
//	                   (GitHub's X-Hub-Signature-256, Shopify's
//	                   X-Shopify-Hmac-Sha256 and many others)
//
// Its errors never hold the secret.
func ParseVerifier(spec, secret string, tolerance time.Duration) (Verifier, error) {
	if secret == "" {
		return nil, errors.New("the signing secret is empty")
	}
	switch name, header, _ := strings.Cut(spec, ":"); {
	case spec == "standard-webhooks":
		s, err := signing.NewSigner(secret)
		if err != nil {
			return nil, err
		}
		if tolerance == 0 {
			tolerance = signing.DefaultTolerance
		}
		return &stdWebhooks{s: s, tolerance: tolerance}, nil
	case name == "hmac" || name == "hmac-sha256":
		if header == "" || strings.ContainsAny(header, " \t:") {
			return nil, fmt.Errorf("%q: want hmac:HEADER, e.g. hmac:X-Hub-Signature-256", spec)
		}
		return &hmacHeader{header: http.CanonicalHeaderKey(header), key: &hmacKey{b: []byte(secret)}}, nil
	}
	return nil, fmt.Errorf("%q: want standard-webhooks or hmac:HEADER", spec)
}

type stdWebhooks struct {
	s         *signing.Signer
	tolerance time.Duration
}

func (v *stdWebhooks) Verify(h http.Header, body []byte, now time.Time) error {
	return v.s.Verify(h, body, now, v.tolerance)
}

func (v *stdWebhooks) Headers() []string {
	return []string{signing.HeaderWebhookSignature}
}

func (v *stdWebhooks) String() string { return "standard-webhooks" }

// hmacKey holds a key behind a pointer, so that printing a struct that
// holds one shows an address, not the key.
type hmacKey struct{ b []byte }

func (hmacKey) String() string             { return "[redacted]" }
func (hmacKey) GoString() string           { return "[redacted]" }
func (hmacKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte("[redacted]")) }
func (hmacKey) LogValue() slog.Value       { return slog.StringValue("[redacted]") }

type hmacHeader struct {
	header string
	key    *hmacKey
}

// errBadHMAC is the error of a signature that does not match.
var errBadHMAC = errors.New("signature does not match the body")

func (v *hmacHeader) Verify(h http.Header, body []byte, _ time.Time) error {
	got := strings.TrimSpace(h.Get(v.header))
	if got == "" {
		return fmt.Errorf("missing %s header", v.header)
	}
	if i := strings.IndexByte(got, '='); i > 0 && i < 10 && strings.EqualFold(got[:i], "sha256") {
		got = got[i+1:]
	}
	m := hmac.New(sha256.New, v.key.b)
	m.Write(body)
	want := m.Sum(nil)
	for _, dec := range []func(string) ([]byte, error){hex.DecodeString, base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString, base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString} {
		if b, err := dec(got); err == nil && hmac.Equal(b, want) {
			return nil
		}
	}
	return fmt.Errorf("%s: %w", v.header, errBadHMAC)
}

func (v *hmacHeader) Headers() []string { return []string{v.header} }

func (v *hmacHeader) String() string { return "hmac:" + v.header }

// Format writes the description, never the key.
func (v *hmacHeader) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(v.String())) }

// SecretHeaders are headers whose values are secrets. The receiver records
// no header value but the event id, and refuses any of these, or a
// verifier's signature header, as an id header.
var SecretHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "Api-Key"}
