package scenarios

import (
	"bytes"
	"unicode/utf8"
)

// maxJSONDepth is the deepest nesting of objects and arrays a line may
// have, the line's own object included; encoding/json has the same limit.
const maxJSONDepth = 10000

// The kinds of JSON value, by their first byte.
const (
	kindAbsent = 0
	kindString = '"'
	kindNumber = '0'
	kindNull   = 'n'
	kindBool   = 't'
	kindObject = '{'
	kindArray  = '['
)

// jsonValue is the raw value of one wanted field of a JSON object.
type jsonValue struct {
	kind byte   // one of the kind constants
	raw  []byte // a string's bytes between the quotes, else the whole value
	// plain reports, for a string, that raw needs no decoding: it has no
	// escapes and is valid UTF-8.
	plain bool
}

// jsonScanner checks that a line is one well-formed JSON object and picks
// out the values of up to four fields, without allocating. Values of
// other fields are validated and skipped, nested ones included. When a
// field occurs twice, the last one wins, as in encoding/json.
type jsonScanner struct {
	names   [4][]byte    // the wanted field names; nil for none
	vals    [4]jsonValue // their values after scan
	scratch []byte       // decoded field names with escapes
}

// jsonSyntaxError says where and how a line is not a JSON object.
type jsonSyntaxError struct {
	pos  int    // byte offset of the problem
	what string // what is wrong, e.g. "want ':' after a field name"
}

// scan parses line and fills s.vals. It returns a non-empty
// jsonSyntaxError.what if the line is not exactly one JSON object.
func (s *jsonScanner) scan(b []byte) jsonSyntaxError {
	s.vals = [4]jsonValue{}
	i := skipWS(b, 0)
	if i == len(b) || b[i] != '{' {
		return jsonSyntaxError{i, "not a JSON object"}
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			if i == len(b) || b[i] != '"' {
				return jsonSyntaxError{i, "want a field name"}
			}
			end, esc, high, bad := scanString(b, i)
			if bad != "" {
				return jsonSyntaxError{end, bad}
			}
			name := b[i+1 : end-1]
			i = skipWS(b, end)
			if i == len(b) || b[i] != ':' {
				return jsonSyntaxError{i, "want ':' after a field name"}
			}
			i = skipWS(b, i+1)
			v := jsonValue{}
			if i < len(b) && b[i] == '"' {
				end, vesc, vhigh, bad := scanString(b, i)
				if bad != "" {
					return jsonSyntaxError{end, bad}
				}
				v = jsonValue{kind: kindString, raw: b[i+1 : end-1]}
				v.plain = !vesc && (!vhigh || utf8.Valid(v.raw))
				i = end
			} else {
				end, bad := skipValue(b, i, 1)
				if bad != "" {
					return jsonSyntaxError{end, bad}
				}
				v = jsonValue{kind: valueKind(b[i]), raw: b[i:end]}
				i = end
			}
			s.match(name, esc || (high && !utf8.Valid(name)), &v)
			i = skipWS(b, i)
			if i < len(b) && b[i] == ',' {
				i = skipWS(b, i+1)
				continue
			}
			if i < len(b) && b[i] == '}' {
				i++
				break
			}
			return jsonSyntaxError{i, "want ',' or '}' after a value"}
		}
	}
	if i = skipWS(b, i); i != len(b) {
		return jsonSyntaxError{i, "unexpected text after the object"}
	}
	return jsonSyntaxError{}
}

// match stores v for each wanted field called name (the raw name between
// the quotes); coded says the raw name must be decoded first.
func (s *jsonScanner) match(name []byte, coded bool, v *jsonValue) {
	if coded {
		s.scratch = unquote(s.scratch[:0], name)
		name = s.scratch
	}
	for k := range s.names {
		if w := s.names[k]; w != nil && len(w) == len(name) && string(w) == string(name) {
			s.vals[k] = *v
		}
	}
}

// valueKind returns the kind of the value that starts with c.
func valueKind(c byte) byte {
	switch c {
	case '"', 'n', '{', '[':
		return c
	case 't', 'f':
		return kindBool
	}
	return kindNumber
}

// skipWS returns the index of the first non-whitespace byte at or after i.
func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue skips the JSON value at b[i] inside containers nested depth
// deep and returns the index after it.
func skipValue(b []byte, i, depth int) (int, string) {
	if i == len(b) {
		return i, "want a value"
	}
	switch c := b[i]; c {
	case '"':
		end, _, _, bad := scanString(b, i)
		return end, bad
	case '{', '[':
		if depth+1 > maxJSONDepth {
			return i, "nested too deeply"
		}
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = skipWS(b, i+1)
		if i < len(b) && b[i] == closer {
			return i + 1, ""
		}
		for {
			if c == '{' {
				if i == len(b) || b[i] != '"' {
					return i, "want a field name"
				}
				end, _, _, bad := scanString(b, i)
				if bad != "" {
					return end, bad
				}
				if i = skipWS(b, end); i == len(b) || b[i] != ':' {
					return i, "want ':' after a field name"
				}
				i = skipWS(b, i+1)
			}
			end, bad := skipValue(b, i, depth+1)
			if bad != "" {
				return end, bad
			}
			i = skipWS(b, end)
			if i < len(b) && b[i] == ',' {
				i = skipWS(b, i+1)
				continue
			}
			if i < len(b) && b[i] == closer {
				return i + 1, ""
			}
			return i, "want ',' or '" + string(closer) + "'"
		}
	case 't':
		return literal(b, i, "true")
	case 'f':
		return literal(b, i, "false")
	case 'n':
		return literal(b, i, "null")
	}
	return scanNumber(b, i)
}

// literal checks that b[i:] starts with word.
func literal(b []byte, i int, word string) (int, string) {
	if !bytes.HasPrefix(b[i:], []byte(word)) {
		return i, "invalid value"
	}
	return i + len(word), ""
}

// scanNumber scans a JSON number at b[i]: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(b []byte, i int) (int, string) {
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return start, "invalid value"
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i == len(b) || !isDigit(b[i]) {
			return i, "invalid number"
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i == len(b) || !isDigit(b[i]) {
			return i, "invalid number"
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	return i, ""
}
