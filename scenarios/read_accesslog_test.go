package scenarios

import (
	"regexp"
	"testing"
)

func TestAccessLog(t *testing.T) {
	const (
		// t0 is 14/Nov/2023:22:13:20 +0000.
		l1 = `127.0.0.1 - - [14/Nov/2023:22:13:20 +0000] "POST /hooks/t1 HTTP/1.1" 200 2326 "-" "curl/8"`
		l2 = `10.0.0.2 - frank [15/Nov/2023:00:13:21 +0200] "POST /hooks/t2?sig=abc&x=1 HTTP/2.0" 429 0 "-" "Go-http-client/1.1"`
		l3 = `::1 - - [14/Nov/2023:17:13:22 -0500] "GET /health HTTP/1.1" 200 2`              // common log format
		l4 = `10.0.0.3 - - [14/Nov/2023:22:13:23 +0000] "POST /hooks/t1#frag HTTP/1.1" 200 -` // no bytes
	)
	al := ReadOptions{Format: FormatAccessLog}
	group := ReadOptions{KeyPattern: regexp.MustCompile(`^/hooks/([^/?]+)`)}
	named := ReadOptions{KeyPattern: regexp.MustCompile(`^/(?P<kind>\w+)/(?P<key>[^/?]+)`)}
	whole := ReadOptions{KeyPattern: regexp.MustCompile(`^/hooks/[^/?]+`)}
	optional := ReadOptions{KeyPattern: regexp.MustCompile(`^/hooks(?:/(t\d))?`)}
	runReadCases(t, "access.log", []readCase{
		{name: "combined and common", in: lines(l1, l2, l3, l4), want: []Record{
			rec(1, t0, "/hooks/t1"), rec(2, t0+1e9, "/hooks/t2"), rec(3, t0+2e9, "/health"), rec(4, t0+3e9, "/hooks/t1"),
		}},
		{name: "forced format", opt: al, in: lines(l1), want: []Record{rec(1, t0, "/hooks/t1")}},
		{name: "key pattern group", opt: group, in: lines(l1, l2), want: []Record{rec(1, t0, "t1"), rec(2, t0+1e9, "t2")}},
		{name: "key pattern named group", opt: named, in: lines(l1, l2), want: []Record{rec(1, t0, "t1"), rec(2, t0+1e9, "t2")}},
		{name: "key pattern whole match", opt: whole, in: lines(l2), want: []Record{rec(1, t0+1e9, "/hooks/t2")}},
		// The query string never reaches the pattern: a secret can hide
		// there, and keys are printed.
		{name: "key pattern greedy stops at the query", opt: ReadOptions{KeyPattern: regexp.MustCompile(`^/hooks/(.+)`)}, in: lines(l2, l4),
			want: []Record{rec(1, t0+1e9, "t2"), rec(2, t0+3e9, "t1")}},
		{name: "key pattern whole match without the query", opt: ReadOptions{KeyPattern: regexp.MustCompile(`.*`)}, in: lines(l2),
			want: []Record{rec(1, t0+1e9, "/hooks/t2")}},
		{name: "key pattern on the query does not match", opt: ReadOptions{KeyPattern: regexp.MustCompile(`[?&]sig=(\w+)`)}, in: lines(l2),
			want:   []Record{},
			errMsg: `access.log:1: path: "/hooks/t2" does not match the key pattern "[?&]sig=(\\w+)"`},
		{name: "group not in match", opt: optional, in: lines(
			`h - - [14/Nov/2023:22:13:20 +0000] "POST /hooks HTTP/1.1" 200 1`,
		), want: []Record{rec(1, t0, "")}},
		{name: "escaped quote in request", in: lines(
			`h - - [14/Nov/2023:22:13:20 +0000] "POST /a\"b HTTP/1.1" 200 1 "-" "x"`,
		), want: []Record{rec(1, t0, `/a\"b`)}},

		{name: "bad time", opt: al, in: lines(`h - - [14/Nov/2023:22:13:20] "POST / HTTP/1.1" 200 1`),
			errMsg: `access.log:1: time: cannot parse "14/Nov/2023:22:13:20" as a time (want 10/Oct/2000:13:55:36 -0700)`},
		{name: "time out of range", opt: al, in: lines(`h - - [14/Nov/9999:22:13:20 +0000] "POST / HTTP/1.1" 200 1`),
			errMsg: `access.log:1: time: "14/Nov/9999:22:13:20 +0000" is out of range (want a time from 1900-01-01T00:00:00Z to 2189-12-31T23:59:59.999999999Z)`},
		{name: "no path", opt: al, in: lines(`h - - [14/Nov/2023:22:13:20 +0000] "-" 400 0 "-" "-"`),
			errMsg: `access.log:1: request: no path in the request`},
		{name: "pattern does not match", opt: group, in: lines(l1, l3),
			want:   []Record{},
			errMsg: `access.log:2: path: "/health" does not match the key pattern "^/hooks/([^/?]+)"`},
		{name: "not a log line", opt: al, in: lines(l1, "garbage"),
			errMsg: `access.log:2: not an access-log line (want the common or combined log format)`},
		{name: "no status", opt: al, in: lines(`h - - [14/Nov/2023:22:13:20 +0000] "POST / HTTP/1.1"`),
			errMsg: `access.log:1: not an access-log line (want the common or combined log format)`},
		{name: "unterminated request", opt: al, in: lines(`h - - [14/Nov/2023:22:13:20 +0000] "POST / HTTP/1.1 200 1`),
			errMsg: `access.log:1: not an access-log line (want the common or combined log format)`},
	})
}

func TestAccessLogSkipInvalid(t *testing.T) {
	in := lines(
		`h - - [14/Nov/2023:22:13:20 +0000] "POST /hooks/a HTTP/1.1" 200 1`,
		`h - - [14/Nov/2023:22:13:21 +0000] "GET /health HTTP/1.1" 200 1`,
		`junk`,
		`h - - [14/Nov/2023:22:13:22 +0000] "POST /hooks/b HTTP/1.1" 200 1`,
	)
	r, got, err := readAll("access.log", in, ReadOptions{
		SkipInvalid: true, KeyPattern: regexp.MustCompile(`^/hooks/(\w+)`)})
	checkErr(t, err, "")
	want := []Record{rec(1, t0, "a"), rec(4, t0+2e9, "b")}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if r.Skipped() != 2 {
		t.Errorf("Skipped() = %d, want 2", r.Skipped())
	}
}
