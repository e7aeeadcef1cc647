package receiver

import (
	"bytes"
	"io"

	"github.com/cespare/xxhash/v2"
)

// bodyTap reads a request's body for the limitsim handler and, on the way,
// keeps what the receiver needs and no more: the first bytes (to find an
// id field), a hash of the whole body (to follow an event without an id),
// and the whole body only while a signature is to be verified. Its
// buffers are pooled with its request state.
type bodyTap struct {
	rc     io.ReadCloser
	st     *reqState
	prefix []byte // up to cap(prefix) first bytes, when scanning
	scan   bool
	hash   xxhash.Digest
	hashed bool
	all    *bytes.Buffer // the whole body, when verifying
}

func (t *bodyTap) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	if n > 0 {
		chunk := p[:n]
		if t.scan && len(t.prefix) < cap(t.prefix) {
			t.prefix = append(t.prefix, chunk[:min(len(chunk), cap(t.prefix)-len(t.prefix))]...)
		}
		if t.hashed {
			_, _ = t.hash.Write(chunk)
		}
		if t.all != nil {
			t.all.Write(chunk)
		}
	}
	return n, err
}

func (t *bodyTap) Close() error { return t.rc.Close() }
