package scenarios

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// maxFieldsShown is how many field names a missing-field message lists.
const maxFieldsShown = 8

// missingFieldHint says, for a JSON line without the time field, which
// fields the line has and which flag names the time field, such as
//
//	the line has fields "ts", "trigger": name the time field with --time-field ts (and the key's with --key-field NAME)
//
// A field whose value reads as a time is suggested for the time. It is
// only called for a line in error, so its cost does not matter.
func missingFieldHint(line []byte) string {
	dec := json.NewDecoder(bytes.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return ""
	}
	var names []string
	timeLike := ""
	for dec.More() && len(names) < maxFieldsShown {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		name, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			break
		}
		names = append(names, quoteShort([]byte(name)))
		if timeLike == "" && looksLikeTime(v) {
			timeLike = name
		}
	}
	if len(names) == 0 {
		return "the line has no fields"
	}
	shown := strings.Join(names, ", ")
	if dec.More() {
		shown += ", ..."
	}
	if timeLike == "" || !isPlainName(timeLike) {
		timeLike = "NAME"
	}
	return "the line has fields " + shown + ": name the time field with --time-field " + timeLike + " (and the key's with --key-field NAME)"
}

// looksLikeTime reports whether a JSON value reads as a time: an RFC 3339
// string, or an epoch number from 2001 on (a smaller number is more
// likely a count than a time).
func looksLikeTime(v json.RawMessage) bool {
	if s, err := strconv.Unquote(string(v)); err == nil {
		_, e := parseRFC3339(trimSpace([]byte(s)))
		return e == timeOK
	}
	t, e := parseEpoch(v)
	return e == timeOK && t >= 1e18
}

// isPlainName reports whether a field name can be shown unquoted on a
// command line.
func isPlainName(s string) bool {
	for _, c := range s {
		if !(c == '_' || c == '-' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != "" && len(s) <= 64
}
