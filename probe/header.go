package probe

// ValidToken reports whether s is an RFC 9110 token, as a method or a
// header field name must be: one or more visible ASCII characters other
// than the delimiters "(),/:;<=>?@[\]{}.
func ValidToken(s string) bool { return validMethod(s) }

// ValidHeaderValue reports whether s may be sent as a header field value
// (RFC 9110, section 5.5): no control character but the horizontal tab.
// Bytes from 0x80 up (obs-text) are allowed.
func ValidHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
