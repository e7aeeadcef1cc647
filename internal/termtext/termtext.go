// Package termtext makes text from untrusted input safe to print on a
// terminal.
//
// Keys, file names, header values and notes that quote input can hold
// anything a sender or a file put there: ESC sequences that clear the
// screen or colour a fake verdict, CR and LF that add fake lines, NUL,
// and Unicode bidi overrides that reorder what is shown. Escape writes
// each such character as Go's %q would (\x1b, \r, \u202e) and leaves
// everything else as it is, so ordinary keys print unchanged.
package termtext

import (
	"strconv"
	"unicode/utf8"
)

// Escape returns s with every character a terminal could act on, or that
// is not shown as itself, written as an escape sequence the way Go's %q
// writes it: the C0 controls, DEL and the C1 controls (\x1b, \n, \r, \t,
// \x00, \u009b), format characters such as the bidi overrides and
// isolates (\u202e, \u2066) and zero-width spaces, line and paragraph
// separators, spaces other than U+0020, unassigned code points, and each
// byte that is not valid UTF-8 (\xff). Unlike %q it adds no quotes and
// leaves backslashes and quote marks alone, so a string without such
// characters is returned unchanged, and Escape(Escape(s)) == Escape(s).
func Escape(s string) string { return escape(s, false) }

// EscapeText is Escape for a message of several lines that the program
// put together itself, such as an error with a hint below it: it keeps
// newlines and tabs, and escapes every other character Escape does (a CR
// that would overwrite a line included).
func EscapeText(s string) string { return escape(s, true) }

// escape is Escape, keeping newlines and tabs when lines is set.
func escape(s string, lines bool) string {
	i := firstUnsafe(s, lines)
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s)+16)
	b = append(b, s[:i]...)
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\x`...)
			b = append(b, hexDigits[s[i]>>4], hexDigits[s[i]&0xf])
		case printable(r) || lines && (r == '\n' || r == '\t'):
			b = append(b, s[i:i+size]...)
		default:
			q := strconv.QuoteRune(r) // '\x1b', '\u202e'
			b = append(b, q[1:len(q)-1]...)
		}
		i += size
	}
	return string(b)
}

const hexDigits = "0123456789abcdef"

// firstUnsafe returns the index of the first byte of s that starts a
// character escape rewrites, or -1.
func firstUnsafe(s string, lines bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f || lines && (c == '\n' || c == '\t') {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return i
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !printable(r) {
			return i
		}
		i += size
	}
	return -1
}

// printable reports whether r is shown as itself: strconv.IsPrint, the
// test %q uses (letters, marks, numbers, punctuation, symbols and the
// ASCII space).
func printable(r rune) bool { return strconv.IsPrint(r) }
