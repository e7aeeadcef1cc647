package scenarios

import (
	"unicode/utf16"
	"unicode/utf8"
)

// strPlain marks the bytes a JSON string holds as they are: all but the
// quote, the backslash, control characters and bytes above ASCII.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// scanString scans the string that starts with the quote at b[i] and
// returns the index after its closing quote, whether it has escapes, and
// whether it has bytes above ASCII. On error, end is where it went wrong.
func scanString(b []byte, i int) (end int, esc, high bool, bad string) {
	i++
	for i < len(b) {
		if strPlain[b[i]] {
			i++
			continue
		}
		c := b[i]
		switch {
		case c == '"':
			return i + 1, esc, high, ""
		case c == '\\':
			esc = true
			if i+1 == len(b) {
				return i, esc, high, "unterminated string"
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || hex4(b[i+2:i+6]) < 0 {
					return i, esc, high, "invalid \\u escape in string"
				}
				i += 6
			default:
				return i, esc, high, "invalid escape in string"
			}
		case c < 0x20:
			return i, esc, high, "control character in string"
		default:
			high = true
			i++
		}
	}
	return i, esc, high, "unterminated string"
}

// hex4 returns the value of four hex digits, or -1.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// unquote appends the decoded form of a validated JSON string body to dst,
// exactly as encoding/json decodes it: invalid UTF-8 and unpaired
// surrogates become U+FFFD.
func unquote(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			e := s[i+1]
			i += 2
			switch e {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := rune(utf8.RuneError)
				if i+4 <= len(s) {
					r = hex4(s[i : i+4])
					i += 4
				}
				if utf16.IsSurrogate(r) {
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if d := utf16.DecodeRune(r, hex4(s[i+2:i+6])); d != utf8.RuneError {
							dst = utf8.AppendRune(dst, d)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
			default: // '"', '\\', '/'
				dst = append(dst, e)
			}
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, n := utf8.DecodeRune(s[i:])
			dst = utf8.AppendRune(dst, r)
			i += n
		}
	}
	return dst
}
