package termtext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain key", "tenant-42/orders", "tenant-42/orders"},
		{"space and punctuation", `a b "c" \d 'e'`, `a b "c" \d 'e'`},
		{"accents and CJK", "café 東京 ✓", "café 東京 ✓"},
		{"emoji", "🚀", "🚀"},
		{"replacement character itself", "\uFFFD", "\uFFFD"},
		{"clear screen and fake green PASS", "\x1b[2J\x1b[1;32mPASS all good\x1b[0m", `\x1b[2J\x1b[1;32mPASS all good\x1b[0m`},
		{"OSC title with BEL", "\x1b]0;pwned\x07", `\x1b]0;pwned\a`},
		{"OSC 8 hyperlink with ST", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", `\x1b]8;;http://x\x1b\link\x1b]8;;\x1b\`},
		{"CR LF fake row", "t1\r\n| t2 | PASS |", `t1\r\n| t2 | PASS |`},
		{"NUL", "a\x00b", `a\x00b`},
		{"tab", "a\tb", `a\tb`},
		{"backspace and form feed", "a\b\f\v", `a\b\f\v`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 CSI", "a\u009b2Jb", `a\u009b2Jb`},
		{"C1 NEL", "a\u0085b", `a\u0085b`},
		{"bidi override", "evil\u202Egnp.exe", `evil\u202egnp.exe`},
		{"bidi isolates and marks", "\u2066\u2067\u2068\u2069\u200e\u200f\u061c", `\u2066\u2067\u2068\u2069\u200e\u200f\u061c`},
		{"zero-width space and BOM", "a\u200bb\ufeff", `a\u200bb\ufeff`},
		{"line and paragraph separators", "a\u2028b\u2029", `a\u2028b\u2029`},
		{"no-break space", "a\u00a0b", `a\u00a0b`},
		{"invalid UTF-8", "a\xffb\xc3", `a\xffb\xc3`},
		{"unassigned code point", "\U000E0080", `\U000e0080`},
		{"escape at the start and the end", "\x1bx\x1b", `\x1bx\x1b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Escape(tt.in)
			if got != tt.want {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Escape(got); again != got {
				t.Errorf("Escape is not idempotent: %q -> %q", got, again)
			}
			if bad := firstUnsafe(got, false); bad >= 0 {
				t.Errorf("Escape(%q) = %q still holds an unsafe character at %d", tt.in, got, bad)
			}
		})
	}
}

func TestEscapeText(t *testing.T) {
	for in, want := range map[string]string{
		"unknown command \"verison\"\n\nDid you mean this?\n\tversion\n": "unknown command \"verison\"\n\nDid you mean this?\n\tversion\n",
		"key \x1b[2J\r\u202e\x00 and\nnext line":                         "key \\x1b[2J\\r\\u202e\\x00 and\nnext line",
		"bad\xff":                                                        `bad\xff`,
	} {
		if got := EscapeText(in); got != want {
			t.Errorf("EscapeText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEscapeUnchangedReturnsSameString: the common case allocates nothing.
func TestEscapeUnchangedReturnsSameString(t *testing.T) {
	s := strings.Repeat("tenant-42 ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = Escape(s) }); n != 0 {
		t.Errorf("Escape of a plain string allocated %v times", n)
	}
}

// FuzzEscape: whatever goes in, what comes out is valid UTF-8 with no
// control, format or other unshown character, escaping twice changes
// nothing, and a string without such characters comes back as it was.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "t1", "\x1b[2J", "a\r\nb", "\u202e", "\xff\xfe", "\u0085", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Escape(%q) = %q is not valid UTF-8", s, got)
		}
		for _, r := range got {
			if !printable(r) {
				t.Fatalf("Escape(%q) = %q holds %U", s, got, r)
			}
		}
		if Escape(got) != got {
			t.Fatalf("Escape(Escape(%q)) changed", s)
		}
		if firstUnsafe(s, false) < 0 && got != s {
			t.Fatalf("Escape(%q) = %q changed a safe string", s, got)
		}
	})
}

func BenchmarkEscapePlain(b *testing.B) {
	for b.Loop() {
		_ = Escape("tenant-42/orders/12345")
	}
}
