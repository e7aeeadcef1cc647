package render

import "strings"

// mdInline are the characters GitHub-flavoured markdown gives a meaning
// anywhere in a line: emphasis (* _), strikethrough (~), code (`), links
// and images ([ ] and the < > of autolinks and HTML), table cells (|),
// entities (&), math ($), and GitHub's references to issues (#) and
// people (@, also the e-mail autolink). A backslash before any ASCII
// punctuation makes it literal.
const mdInline = "\\`*_~[]<>|&$#@"

// mdEscape makes untrusted text (a key, a name, a note) render literally
// in GitHub-flavoured markdown, in a table cell or in a line: it puts a
// backslash before every character of mdInline; before a - + = that
// starts the text, and before the . or ) that follows the digits that
// start it when a space or the end comes next (a list or a heading
// underline); and into "://" and "www." so that no URL becomes a link.
func mdEscape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	digits := true // the text so far is digits only
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(mdInline, c) >= 0,
			i == 0 && strings.IndexByte("-+=", c) >= 0,
			digits && i > 0 && (c == '.' || c == ')') && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t'),
			c == ':' && strings.HasPrefix(s[i:], "://"),
			c == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			b.WriteByte('\\')
		}
		digits = digits && c >= '0' && c <= '9'
		b.WriteByte(c)
	}
	return b.String()
}
