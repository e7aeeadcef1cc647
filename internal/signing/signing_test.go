package signing

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The test vector of the Standard Webhooks reference library
// (libraries/go/webhook_test.go, TestWebhookSign), checked with openssl.
const (
	vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorUnix   = 1614265330
	vectorBody   = `{"test": 2432232314}`
	vectorSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func vectorSigner(t *testing.T) *Signer {
	t.Helper()
	sg, err := NewSigner(vectorSecret)
	if err != nil {
		t.Fatal(err)
	}
	return sg
}

func TestSignVector(t *testing.T) {
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(vectorSecret, SecretPrefix))
	unprefixed, err := NewSigner(strings.TrimPrefix(vectorSecret, SecretPrefix))
	if err != nil {
		t.Fatal(err)
	}
	for name, sg := range map[string]*Signer{"whsec_": vectorSigner(t), "bare base64": unprefixed, "raw key": NewSignerKey(key)} {
		if got := sg.Sign(vectorID, time.Unix(vectorUnix, 999_000_000), []byte(vectorBody)); got != vectorSig {
			t.Errorf("%s: Sign = %q, want %q", name, got, vectorSig)
		}
	}
}

func TestNewSignerErrors(t *testing.T) {
	for _, secret := range []string{"", "whsec_", "whsec_!!!not base64!!!", "whsec_a"} {
		sg, err := NewSigner(secret)
		if err == nil {
			t.Errorf("NewSigner(%q) = %v, want an error", secret, sg)
			continue
		}
		if rest := strings.TrimPrefix(secret, SecretPrefix); len(rest) > 3 && strings.Contains(err.Error(), rest) {
			t.Errorf("NewSigner error %q repeats the secret", err)
		}
	}
}

func TestVerify(t *testing.T) {
	sg := vectorSigner(t)
	other, _ := NewSigner("whsec_" + base64.StdEncoding.EncodeToString([]byte("another key of 24 bytes!")))
	now := time.Unix(vectorUnix, 0)
	body := []byte(vectorBody)
	signed := func(at time.Time) http.Header {
		h := http.Header{}
		sg.SetHeaders(h, vectorID, at, body)
		return h
	}
	with := func(h http.Header, name, value string) http.Header {
		if value == "" {
			h.Del(name)
		} else {
			h.Set(name, value)
		}
		return h
	}
	tests := []struct {
		name      string
		h         http.Header
		body      string
		tolerance time.Duration
		want      error
	}{
		{"valid", signed(now), vectorBody, DefaultTolerance, nil},
		{"the reference vector", with(with(with(http.Header{}, "webhook-id", vectorID), "webhook-timestamp", "1614265330"), "webhook-signature", vectorSig), vectorBody, DefaultTolerance, nil},
		{"5 min old", signed(now.Add(-5 * time.Minute)), vectorBody, DefaultTolerance, nil},
		{"5 min ahead", signed(now.Add(5 * time.Minute)), vectorBody, DefaultTolerance, nil},
		{"5 min 1 s old", signed(now.Add(-5*time.Minute - time.Second)), vectorBody, DefaultTolerance, ErrTimestamp},
		{"5 min 1 s ahead", signed(now.Add(5*time.Minute + time.Second)), vectorBody, DefaultTolerance, ErrTimestamp},
		{"a day old, no tolerance", signed(now.Add(-24 * time.Hour)), vectorBody, 0, nil},
		{"tampered body", signed(now), vectorBody + " ", DefaultTolerance, ErrSignature},
		{"other key", with(signed(now), "webhook-signature", other.Sign(vectorID, now, body)), vectorBody, DefaultTolerance, ErrSignature},
		{"rotated keys", with(signed(now), "webhook-signature", other.Sign(vectorID, now, body)+" v1a,abc "+sg.Sign(vectorID, now, body)), vectorBody, DefaultTolerance, nil},
		{"v2 only", with(signed(now), "webhook-signature", "v2,"+strings.TrimPrefix(sg.Sign(vectorID, now, body), "v1,")), vectorBody, DefaultTolerance, ErrSignature},
		{"garbage signature", with(signed(now), "webhook-signature", "v1,!!!"), vectorBody, DefaultTolerance, ErrSignature},
		{"other id", with(signed(now), "webhook-id", "msg_other"), vectorBody, DefaultTolerance, ErrSignature},
		{"timestamp not signed", with(signed(now), "webhook-timestamp", "1614265331"), vectorBody, DefaultTolerance, ErrSignature},
		{"timestamp in ms", with(signed(now), "webhook-timestamp", "1614265330000"), vectorBody, DefaultTolerance, ErrTimestamp},
		{"signed timestamp", with(signed(now), "webhook-timestamp", "+1614265330"), vectorBody, 0, ErrTimestamp},
		{"timestamp text", with(signed(now), "webhook-timestamp", "yesterday"), vectorBody, DefaultTolerance, ErrTimestamp},
		{"no id", with(signed(now), "webhook-id", ""), vectorBody, DefaultTolerance, ErrMissingHeader},
		{"no timestamp", with(signed(now), "webhook-timestamp", ""), vectorBody, DefaultTolerance, ErrMissingHeader},
		{"no signature", with(signed(now), "webhook-signature", ""), vectorBody, DefaultTolerance, ErrMissingHeader},
	}
	for _, tt := range tests {
		err := sg.Verify(tt.h, []byte(tt.body), now, tt.tolerance)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: Verify = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestSetHeaders(t *testing.T) {
	h := http.Header{}
	vectorSigner(t).SetHeaders(h, vectorID, time.Unix(vectorUnix, 0), []byte(vectorBody))
	want := map[string]string{"webhook-id": vectorID, "webhook-timestamp": "1614265330", "webhook-signature": vectorSig}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
}

// TestSignerRedacted checks that no way of printing a Signer shows its key.
func TestSignerRedacted(t *testing.T) {
	sg := vectorSigner(t)
	key := sg.k.b
	type holder struct {
		Exported *Signer
		value    Signer
		ptr      *Signer
	}
	hold := holder{sg, *sg, sg}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("signing", "signer", sg, "value", *sg)
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("signing", "signer", sg)
	js, _ := json.Marshal(hold)
	out := fmt.Sprintf("%v %+v %#v %s %q %x %X %d", sg, sg, sg, *sg, *sg, sg, *sg, sg) +
		fmt.Sprintf("%v %+v %#v", hold, hold, &hold) + fmt.Sprint(sg, *sg) + logged.String() + string(js)
	if !strings.Contains(out, redacted) {
		t.Errorf("printed signer lacks %s: %s", redacted, out)
	}
	for _, secret := range []string{
		vectorSecret, strings.TrimPrefix(vectorSecret, SecretPrefix), string(key), hex.EncodeToString(key),
		strings.ToUpper(hex.EncodeToString(key)), fmt.Sprint(key), fmt.Sprintf("%v", key[:4]),
	} {
		if strings.Contains(out, secret) {
			t.Fatalf("printed signer contains the key as %q:\n%s", secret, out)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	sg, _ := NewSigner(vectorSecret)
	body := bytes.Repeat([]byte("x"), 1024)
	ts := time.Unix(vectorUnix, 0)
	b.ReportAllocs()
	for b.Loop() {
		sg.Sign(vectorID, ts, body)
	}
}
