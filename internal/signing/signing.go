package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hooklimit/hooklimit/internal/units"
)

// The Standard Webhooks headers. net/http writes them in canonical case
// (Webhook-Id); header names are case insensitive, and HTTP/2 sends them in
// lower case as the specification spells them.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// SecretPrefix starts a Standard Webhooks symmetric secret.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a webhook-timestamp may be from the
// receiver's clock, either way, for Verify to accept it; the replay window
// the Standard Webhooks reference libraries use.
const DefaultTolerance = 5 * time.Minute

// The errors Verify returns, wrapped with details.
var (
	ErrMissingHeader = errors.New("missing Standard Webhooks header")
	ErrTimestamp     = errors.New("webhook-timestamp out of tolerance")
	ErrSignature     = errors.New("no valid webhook signature")
)

// redacted is what a Signer prints instead of its key.
const redacted = "[redacted]"

// Signer signs webhook requests as the Standard Webhooks specification
// (standardwebhooks.com, version 1.0.0) defines for symmetric keys, and
// verifies them on the receiving side.
//
// The signed content is "{webhook-id}.{webhook-timestamp}.{body}": the
// event's id, which stays the same across retries, the attempt's time in
// Unix seconds, and the exact body bytes. The signature is HMAC-SHA256 of
// that content under the key, base64 encoded and prefixed with the version
// "v1,". The webhook-signature header is a space-separated list of such
// signatures, so that keys can be rotated; Verify accepts a request when
// any v1 signature in it matches, and ignores other versions (such as the
// asymmetric v1a).
//
// The key is secret. A Signer prints as "[redacted]" whatever the verb, in
// fmt, log and slog alike, and no error it returns includes the key. The
// key is held behind a pointer so that even a Signer printed as an
// unexported field of another struct shows an address, not the key. The
// zero Signer has an empty key and is not useful; use NewSigner or
// NewSignerKey. A Signer is safe for concurrent use.
type Signer struct {
	k *signingKey
}

// signingKey holds a Signer's key, and a pool of HMACs keyed with it so
// that signing every attempt does not set one up each time.
type signingKey struct {
	b    []byte
	macs sync.Pool // of hash.Hash
}

func newSigningKey(b []byte) *signingKey {
	k := &signingKey{b: b}
	k.macs.New = func() any { return hmac.New(sha256.New, k.b) }
	return k
}

// NewSigner returns a Signer for a secret in the specification's
// serialization: "whsec_" followed by the key in base64. As in the
// reference libraries, the prefix may be left out; the rest is base64 (with
// or without padding) either way. For a key that is not base64, such as a
// shared password, use NewSignerKey.
//
// The specification asks for keys of 24 to 64 random bytes; NewSigner
// accepts any non-empty key so that it can check other senders' requests.
func NewSigner(secret string) (*Signer, error) {
	enc := strings.TrimPrefix(strings.TrimSpace(secret), SecretPrefix)
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(enc)
	}
	if err != nil {
		return nil, errors.New("webhook secret is not base64 after the whsec_ prefix")
	}
	if len(key) == 0 {
		return nil, errors.New("webhook secret is empty")
	}
	return &Signer{k: newSigningKey(key)}, nil
}

// NewSignerKey returns a Signer for raw key bytes, which it copies.
func NewSignerKey(key []byte) *Signer {
	return &Signer{k: newSigningKey(append([]byte(nil), key...))}
}

// Sign returns the webhook-signature value for one attempt:
// "v1," + base64(HMAC-SHA256(key, id + "." + unix seconds + "." + body)).
func (s Signer) Sign(id string, ts time.Time, body []byte) string {
	var tsBuf [20]byte
	var sum [sha256.Size]byte
	var out [3 + 44]byte // "v1," and 32 bytes in base64
	mac := s.mac(sum[:0], id, strconv.AppendInt(tsBuf[:0], ts.Unix(), 10), body)
	copy(out[:], "v1,")
	base64.StdEncoding.Encode(out[3:], mac)
	return string(out[:])
}

// SetHeaders sets webhook-id, webhook-timestamp (Unix seconds) and
// webhook-signature on h for one attempt of an event. id must not contain
// a "." (the specification forbids it, since it would make the signed
// content ambiguous); use the same id for every attempt of the event.
func (s Signer) SetHeaders(h http.Header, id string, ts time.Time, body []byte) {
	h.Set(HeaderWebhookID, id)
	h.Set(HeaderWebhookTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderWebhookSignature, s.Sign(id, ts, body))
}

// Verify checks a request's Standard Webhooks headers against its body. It
// returns an error wrapping ErrMissingHeader when a header is missing or
// empty, ErrTimestamp when webhook-timestamp is not a Unix time in seconds
// within tolerance of now (either way), and ErrSignature when no v1
// signature matches. A tolerance of 0 or less skips the time check.
// Signatures are compared in constant time.
func (s Signer) Verify(h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, ts, sigs := h.Get(HeaderWebhookID), h.Get(HeaderWebhookTimestamp), h.Get(HeaderWebhookSignature)
	for _, f := range [...]struct{ name, val string }{{HeaderWebhookID, id}, {HeaderWebhookTimestamp, ts}, {HeaderWebhookSignature, sigs}} {
		if f.val == "" {
			return fmt.Errorf("%w: %s", ErrMissingHeader, f.name)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || !units.Digits(ts) {
		return fmt.Errorf("%w: %q is not Unix seconds", ErrTimestamp, ts)
	}
	if tolerance > 0 {
		nowSec := now.Unix()
		tol := int64(tolerance / time.Second)
		if sec < nowSec-tol || sec > nowSec+tol {
			return fmt.Errorf("%w: %s is %+d s from now, beyond ±%s", ErrTimestamp, ts, sec-nowSec, tolerance)
		}
	}
	var sum [sha256.Size]byte
	want := s.mac(sum[:0], id, []byte(ts), body)
	for _, sig := range strings.Fields(sigs) {
		enc, ok := strings.CutPrefix(sig, "v1,")
		if !ok {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(enc)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrSignature
}

// mac appends HMAC-SHA256 of "id.ts.body" to dst.
func (s Signer) mac(dst []byte, id string, ts, body []byte) []byte {
	k := s.k
	if k == nil {
		k = newSigningKey(nil)
	}
	m := k.macs.Get().(hash.Hash)
	defer k.macs.Put(m)
	m.Reset()
	_, _ = io.WriteString(m, id)
	_, _ = m.Write(dot)
	_, _ = m.Write(ts)
	_, _ = m.Write(dot)
	_, _ = m.Write(body)
	return m.Sum(dst)
}

var dot = []byte{'.'}

// String returns "[redacted]".
func (Signer) String() string { return redacted }

// GoString returns "[redacted]".
func (Signer) GoString() string { return redacted }

// Format writes "[redacted]" for every verb, so that no flag (%+v, %#v,
// %x, %q) reaches the key.
func (Signer) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue returns "[redacted]" for log/slog.
func (Signer) LogValue() slog.Value { return slog.StringValue(redacted) }
