package limitsim

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// KeySource says where a request's partition key comes from. Its zero value
// is the last non-empty path segment ("" for "/"). Make one with
// ParseKeySource.
type KeySource struct {
	kind  keyKind
	name  string   // header or query parameter name
	index int      // path segment index, negative from the end
	segs  []string // pattern segments
	at    int      // index of {key} in segs
}

type keyKind uint8

const (
	keyLast keyKind = iota
	keyIndex
	keyPattern
	keyHeader
	keyQuery
)

// ParseKeySource parses a partition key source:
//
//	"" or path    the last non-empty path segment: /hooks/abc -> abc
//	path:N        the Nth non-empty path segment from 0, or from the end
//	              when negative: path:1 of /hooks/abc/x -> abc
//	/hooks/{key}  the segment at {key} of a path that starts with the
//	              pattern's other segments; other paths are answered 404
//	header:NAME   the value of request header NAME
//	query:NAME    the value of query parameter NAME
//
// Path segments are unescaped after the path is split, and a pattern's
// literal segments are compared with the unescaped ones. A missing segment,
// header or parameter gives the key "": such requests share one partition.
func ParseKeySource(s string) (KeySource, error) {
	bad := func(why string) (KeySource, error) {
		return KeySource{}, fmt.Errorf("key source %q: %s (want path, path:N, /prefix/{key}, header:NAME or query:NAME)", s, why)
	}
	switch {
	case s == "" || s == "path":
		return KeySource{}, nil
	case strings.HasPrefix(s, "path:"):
		n, err := strconv.Atoi(s[len("path:"):])
		if err != nil || n < -1<<20 || n > 1<<20 {
			return bad("N must be a small integer")
		}
		return KeySource{kind: keyIndex, index: n}, nil
	case strings.HasPrefix(s, "header:"):
		name := s[len("header:"):]
		if name == "" || strings.IndexFunc(name, func(c rune) bool { return !isTokenChar(c) }) >= 0 {
			return bad("NAME must be a header field name")
		}
		return KeySource{kind: keyHeader, name: name}, nil
	case strings.HasPrefix(s, "query:"):
		name := s[len("query:"):]
		if name == "" || strings.ContainsAny(name, "&=#") || strings.IndexFunc(name, func(c rune) bool { return c <= ' ' || c == 0x7f }) >= 0 {
			return bad("NAME must be a query parameter name")
		}
		return KeySource{kind: keyQuery, name: name}, nil
	case strings.HasPrefix(s, "/"):
		ks := KeySource{kind: keyPattern, at: -1}
		for _, seg := range strings.Split(s, "/") {
			switch {
			case seg == "":
				continue
			case seg == "{key}" && ks.at < 0:
				ks.at = len(ks.segs)
			case strings.ContainsAny(seg, "{}"):
				return bad("a pattern holds one {key} and no other braces")
			}
			ks.segs = append(ks.segs, seg)
		}
		if ks.at < 0 {
			return bad("a pattern needs a {key} segment")
		}
		return ks, nil
	}
	return bad("unknown form")
}

func isTokenChar(c rune) bool {
	return c < 0x7f && c > ' ' && !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c)
}

// String returns the source in the form ParseKeySource reads.
func (k KeySource) String() string {
	switch k.kind {
	case keyIndex:
		return "path:" + strconv.Itoa(k.index)
	case keyPattern:
		return "/" + strings.Join(k.segs, "/")
	case keyHeader:
		return "header:" + k.name
	case keyQuery:
		return "query:" + k.name
	}
	return "path"
}

// Key returns r's partition key, and false when r's path does not match a
// pattern source. Path segments are split before they are unescaped, so
// /hooks/a%2Fb has the segments hooks and a/b.
func (k KeySource) Key(r *http.Request) (string, bool) {
	switch k.kind {
	case keyHeader:
		return r.Header.Get(k.name), true
	case keyQuery:
		if r.URL == nil {
			return "", true
		}
		return r.URL.Query().Get(k.name), true
	}
	path := ""
	if r.URL != nil {
		path = r.URL.EscapedPath()
	}
	if k.kind == keyLast {
		path = strings.TrimRight(path, "/")
		return unescape(path[strings.LastIndexByte(path, '/')+1:]), true
	}
	segs := strings.FieldsFunc(path, func(c rune) bool { return c == '/' })
	if k.kind == keyIndex {
		i := k.index
		if i < 0 {
			i += len(segs)
		}
		if i < 0 || i >= len(segs) {
			return "", true
		}
		return unescape(segs[i]), true
	}
	if len(segs) < len(k.segs) {
		return "", false
	}
	for i, s := range k.segs {
		if i != k.at && unescape(segs[i]) != s {
			return "", false
		}
	}
	return unescape(segs[k.at]), true
}

func unescape(seg string) string {
	if s, err := url.PathUnescape(seg); err == nil {
		return s
	}
	return seg
}
