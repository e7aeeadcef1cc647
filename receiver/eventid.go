package receiver

import (
	"encoding/binary"
	"encoding/json"
	"net/http"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"

	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/receiver/session"
)

// DefaultIDHeaders are the request headers that carry an event's id, the
// same on every retry of it, in the order they are tried: Standard
// Webhooks, Svix, hooklimit's own sender, GitHub, Shopify and a few common
// names.
var DefaultIDHeaders = []string{
	"webhook-id", "svix-id", "X-Event-Id", "X-Webhook-Id", "X-GitHub-Delivery",
	"X-Shopify-Webhook-Id", "X-Delivery-Id", "Idempotency-Key",
}

// DefaultIDFields are the top-level fields of a JSON body that carry an
// event's id, in the order they are preferred.
var DefaultIDFields = []string{"eventId", "id", "event_id"}

// DefaultIDScanBytes is how much of a body is scanned for an id field.
const DefaultIDScanBytes = 4096

// maxIDLen bounds the event id kept in a record; longer ids are followed
// by the hash of the whole id and shown cut.
const maxIDLen = 200

// hashSeed keeps body hashes apart from hashes of ids.
const hashSeed = 0x9e3779b97f4a7c15

// headerID returns the first of names that h holds, non-empty; names are
// in canonical form (http.CanonicalHeaderKey) and index maps each to its
// place in names. It looks up whichever is shorter: the names in h, or
// h's headers in index (a sender's few headers, rather than every name).
func headerID(h http.Header, names []string, index map[string]int) (string, bool) {
	if len(h) < len(names) {
		best, found := len(names), ""
		for k, v := range h {
			if i, ok := index[k]; ok && i < best && len(v) > 0 && v[0] != "" {
				best, found = i, v[0]
			}
		}
		return found, best < len(names)
	}
	for _, n := range names {
		if v := h[n]; len(v) > 0 && v[0] != "" {
			return v[0], true
		}
	}
	return "", false
}

// sender returns the run id a request carries in probe.RunIDHeader, cut
// to session.MaxSenderLen; "" when it has none. With the event id and the
// partition key it tells one event from another (see report.ServeDelivery).
func sender(h http.Header) string {
	v := h[probe.RunIDHeader]
	if len(v) == 0 {
		return ""
	}
	if len(v[0]) > session.MaxSenderLen {
		return v[0][:session.MaxSenderLen]
	}
	return v[0]
}

// bodyEventHash returns the event hash of a request with no id: the hash
// of its body (sum), its partition key and its path, so that the same body
// sent to two partitions or two paths (an empty one above all) is two
// events, and its retries to the same one are one. Each part is preceded
// by its length, so no two requests' parts run together alike.
func bodyEventHash(sum uint64, key, path string) uint64 {
	var b [24]byte
	binary.LittleEndian.PutUint64(b[0:], sum)
	binary.LittleEndian.PutUint64(b[8:], uint64(len(key)))
	binary.LittleEndian.PutUint64(b[16:], uint64(len(path)))
	d := xxhash.NewWithSeed(hashSeed)
	_, _ = d.Write(b[:])
	_, _ = d.WriteString(key)
	_, _ = d.WriteString(path)
	return d.Sum64()
}

// cutID returns id cut to maxIDLen bytes, to be kept in a record.
func cutID(id string) string {
	if len(id) > maxIDLen {
		return id[:maxIDLen]
	}
	return id
}

// ScanJSONID returns the value of the first of fields that the JSON
// object in b holds at its top level, as a string: a string value
// unquoted, a number as written. b may be the start of a longer body: a
// field is found when its whole value is in b. Nested objects and arrays
// are skipped, so {"data":{"id":1}} has no id. It reports false when b is
// not (the start of) a JSON object or holds none of the fields with a
// string or number value. It never panics, whatever b holds.
func ScanJSONID(b []byte, fields []string) (string, bool) {
	id, ok := scanJSONID(b, fields)
	return id.String(), ok
}

// jsonID is an id scanJSONID found: the bytes of the body that spell it
// (a string's without its quotes, a number's as written), or for a string
// with escapes or bytes that are not UTF-8, what encoding/json reads it
// as. Only the latter allocates.
type jsonID struct {
	raw       []byte
	unescaped string
	escaped   bool
}

// String returns the id.
func (id jsonID) String() string {
	if id.escaped {
		return id.unescaped
	}
	return string(id.raw)
}

// cut returns the id cut to maxIDLen bytes, to be kept in a record.
func (id jsonID) cut() string {
	if id.escaped {
		return cutID(id.unescaped)
	}
	return string(id.raw[:min(len(id.raw), maxIDLen)])
}

// hash returns xxhash.Sum64String(id.String()), without making the string.
func (id jsonID) hash() uint64 {
	if id.escaped {
		return xxhash.Sum64String(id.unescaped)
	}
	return xxhash.Sum64(id.raw)
}

// scanJSONID is ScanJSONID, with the id as a jsonID.
func scanJSONID(b []byte, fields []string) (jsonID, bool) {
	s := scanner{b: b}
	s.ws()
	if !s.eat('{') {
		return jsonID{}, false
	}
	var best jsonID
	bestAt := len(fields)
	for {
		s.ws()
		ks, ke, esc, ok := s.str()
		if !ok {
			break
		}
		s.ws()
		if !s.eat(':') {
			break
		}
		s.ws()
		at := fieldIndex(b[ks:ke], esc, fields)
		vs := s.i
		kind, vesc := s.value()
		if kind == valBad {
			break
		}
		if at < bestAt && (kind == valString || kind == valNumber) {
			v := jsonID{raw: b[vs:s.i]}
			if kind == valString {
				v.raw = v.raw[1 : len(v.raw)-1]
				if vesc || !utf8.Valid(v.raw) { // as encoding/json reads it
					v.raw = b[vs:s.i]
					var u string // here, so that only this case allocates
					if json.Unmarshal(v.raw, &u) != nil {
						break
					}
					v.raw, v.unescaped, v.escaped = nil, u, true
				}
			}
			if v.escaped || len(v.raw) > 0 { // an escape never unescapes to nothing
				best, bestAt = v, at
				if at == 0 {
					break
				}
			}
		}
		s.ws()
		if !s.eat(',') {
			break
		}
	}
	return best, bestAt < len(fields)
}

// fieldIndex returns the index in fields of the key raw (the bytes between
// its quotes), or len(fields).
func fieldIndex(raw []byte, escaped bool, fields []string) int {
	if escaped {
		var key string
		if json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &key) != nil {
			return len(fields)
		}
		for i, f := range fields {
			if f == key {
				return i
			}
		}
		return len(fields)
	}
	for i, f := range fields {
		if string(raw) == f { // compared in place, not copied
			return i
		}
	}
	return len(fields)
}

type scanner struct {
	b []byte
	i int
}

type valKind uint8

const (
	valBad valKind = iota
	valString
	valNumber
	valOther
)

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string at s.i and returns the bounds of its contents.
func (s *scanner) str() (start, end int, escaped, ok bool) {
	if !s.eat('"') {
		return 0, 0, false, false
	}
	start = s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '\\':
			escaped = true
			s.i += 2
		case c == '"':
			end = s.i
			s.i++
			return start, end, escaped, true
		case c < 0x20:
			return 0, 0, false, false
		default:
			s.i++
		}
	}
	return 0, 0, false, false
}

// value skips one value at s.i and says what it was, and for a string
// whether it holds escapes; valBad when it is malformed or not complete in
// b.
func (s *scanner) value() (valKind, bool) {
	if s.i >= len(s.b) {
		return valBad, false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		if _, _, esc, ok := s.str(); ok {
			return valString, esc
		}
		return valBad, false
	case c == '{' || c == '[':
		return s.nested(), false
	case c == '-' || c >= '0' && c <= '9':
		start := s.i
		for s.i < len(s.b) && isNumByte(s.b[s.i]) {
			s.i++
		}
		if s.i == len(s.b) || !json.Valid(s.b[start:s.i]) {
			return valBad, false // a number cut by the end of b may go on
		}
		return valNumber, false
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
			s.i += len(lit)
			return valOther, false
		}
	}
	return valBad, false
}

func isNumByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// nested skips an object or array, counting brackets outside strings.
func (s *scanner) nested() valKind {
	depth := 0
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '"':
			if _, _, _, ok := s.str(); !ok {
				return valBad
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				s.i++
				return valOther
			}
		}
		s.i++
	}
	return valBad
}
