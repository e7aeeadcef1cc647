package scenarios

import (
	"bufio"
	"bytes"
	"io"

	"github.com/hooklimit/hooklimit/internal/linescan"
)

// accessLogReader reads a web server access log in the common or combined
// log format that nginx and Apache write by default:
//
//	127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "POST /hooks/t1 HTTP/1.1" 200 2326 "-" "curl/8"
//
// The time comes from the brackets. The key comes from the request path
// without its query string or fragment: the whole path, or what
// ReadOptions.KeyPattern picks out of it. Every request counts, whatever
// its method or status.
//
// The size is never set (HasSize is false): the number after the status
// is the size of the response, and these formats do not log the size of
// the request body, which is what byte limits count.
type accessLogReader struct {
	skipLog
	lines linescan.Reader
	file  string
	opt   ReadOptions
	keys  interner
	group int // the KeyPattern group that holds the key; 0 for the match
}

// newAccessLogReader returns a reader of an access log from br.
func newAccessLogReader(br *bufio.Reader, file string, opt ReadOptions) *accessLogReader {
	r := &accessLogReader{lines: linescan.Reader{R: br, Max: maxLineLen}, file: file, opt: opt}
	if p := opt.KeyPattern; p != nil {
		r.group = p.SubexpIndex("key")
		if r.group < 0 {
			r.group = min(p.NumSubexp(), 1)
		}
	}
	return r
}

// Next returns the next record, or io.EOF after the last.
func (r *accessLogReader) Next() (Record, error) {
	for {
		line, err := r.lines.Next()
		if err != nil {
			if err == io.EOF {
				return Record{}, io.EOF
			}
			if !linescan.IsTooLong(err) {
				return Record{}, readError(r.file, r.lines.Line+1, err)
			}
			err = lineError(r.file, r.lines.Line, "", err.Error())
		} else if isBlank(line) {
			continue
		} else {
			var rec Record
			if rec, err = r.parse(line); err == nil {
				return rec, nil
			}
		}
		if r.handle(err, r.opt.SkipInvalid) != nil {
			return Record{}, err
		}
	}
}

// parse turns one access-log line into a Record.
func (r *accessLogReader) parse(line []byte) (Record, error) {
	n := r.lines.Line
	stamp, target, what := splitAccessLine(line)
	if what != "" {
		return Record{}, lineError(r.file, n, "", what)
	}
	rec := Record{Line: n}
	var e timeErr
	if rec.Time, e = parseAccessTime(stamp); e != timeOK {
		if e == timeRange {
			return Record{}, timeError(r.file, n, "time", quoteShort(stamp), e)
		}
		return Record{}, lineError(r.file, n, "time",
			"cannot parse "+quoteShort(stamp)+" as a time (want 10/Oct/2000:13:55:36 -0700)")
	}
	if target == nil {
		return Record{}, lineError(r.file, n, "request", "no path in the request")
	}
	key, ok := r.key(target)
	if !ok {
		return Record{}, lineError(r.file, n, "path",
			quoteShort(pathOnly(target))+" does not match the key pattern "+quoteShort([]byte(r.opt.KeyPattern.String())))
	}
	rec.Key = r.keys.str(key)
	return rec, nil
}

// key returns the key for a request target, and false if the target does
// not match KeyPattern. Only the path counts: the query string and the
// fragment are cut off before KeyPattern sees the target, so a token or
// a secret in the query can neither become a key nor be quoted in an
// error.
func (r *accessLogReader) key(target []byte) ([]byte, bool) {
	target = pathOnly(target)
	if r.opt.KeyPattern == nil {
		return target, true
	}
	loc := r.opt.KeyPattern.FindSubmatchIndex(target)
	if loc == nil {
		return nil, false
	}
	if loc[2*r.group] < 0 {
		return nil, true // the group took no part in the match
	}
	return target[loc[2*r.group]:loc[2*r.group+1]], true
}

// pathOnly returns a request target without its query string and
// fragment.
func pathOnly(target []byte) []byte {
	if i := bytes.IndexAny(target, "?#"); i >= 0 {
		return target[:i]
	}
	return target
}

// splitAccessLine finds the time (between the brackets) and the request
// target (the path and query) in a common or combined log line. The target
// is nil when the request has none, such as a request line of "-". A
// non-empty what says the line is not in that format at all.
func splitAccessLine(line []byte) (stamp, target []byte, what string) {
	const notLog = "not an access-log line (want the common or combined log format)"
	open := bytes.Index(line, []byte(" ["))
	if open < 0 || bytes.Count(line[:open], []byte(" ")) < 2 || line[0] == ' ' {
		return nil, nil, notLog
	}
	rest := line[open+2:]
	closing := bytes.IndexByte(rest, ']')
	if closing < 0 || !bytes.HasPrefix(rest[closing+1:], []byte(` "`)) {
		return nil, nil, notLog
	}
	stamp, rest = rest[:closing], rest[closing+3:]
	end := -1
	for i := 0; i < len(rest); i++ { // the request may hold \" escapes
		if rest[i] == '\\' {
			i++
		} else if rest[i] == '"' {
			end = i
			break
		}
	}
	if end < 0 {
		return nil, nil, notLog
	}
	request, after := rest[:end], rest[end+1:]
	if len(after) < 4 || after[0] != ' ' || !isDigit(after[1]) || !isDigit(after[2]) || !isDigit(after[3]) ||
		(len(after) > 4 && after[4] != ' ') {
		return nil, nil, notLog
	}
	if sp := bytes.IndexByte(request, ' '); sp > 0 {
		target = request[sp+1:]
		if sp := bytes.IndexByte(target, ' '); sp >= 0 {
			target = target[:sp]
		}
		if len(target) == 0 {
			target = nil
		}
	}
	return stamp, target, ""
}

// isAccessLogLine reports whether line is in the common or combined log
// format; format detection uses it.
func isAccessLogLine(line []byte) bool {
	_, _, what := splitAccessLine(line)
	return what == ""
}

// monthNames holds the access log's month names, in lower case.
const monthNames = "janfebmaraprmayjunjulaugsepoctnovdec"

// monthNumber returns the number of a three-letter month name, in any case.
func monthNumber(b []byte) (int, bool) {
	if len(b) != 3 {
		return 0, false
	}
	var name [3]byte
	for i, c := range b {
		name[i] = c | 0x20 // ASCII lower case; other bytes cannot match
	}
	for m := 0; m < 12; m++ {
		if string(name[:]) == monthNames[3*m:3*m+3] {
			return m + 1, true
		}
	}
	return 0, false
}

// parseAccessTime parses an access-log time, 10/Oct/2000:13:55:36 -0700,
// into Unix nanoseconds. The month name may be in any case.
func parseAccessTime(b []byte) (int64, timeErr) {
	if len(b) != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' ||
		b[20] != ' ' || (b[21] != '+' && b[21] != '-') {
		return 0, timeSyntax
	}
	day, ok1 := digits(b, 0, 2)
	month, ok2 := monthNumber(b[3:6])
	year, ok3 := digits(b, 7, 4)
	hour, ok4 := digits(b, 12, 2)
	minute, ok5 := digits(b, 15, 2)
	sec, ok6 := digits(b, 18, 2)
	offset, ok7 := parseOffset(b[22:], false)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || !validDate(year, month, day) ||
		hour > 23 || minute > 59 || sec > 59 {
		return 0, timeSyntax
	}
	if b[21] == '-' {
		offset = -offset
	}
	return nanos(daysFromCivil(year, month, day)*86400+int64(hour*3600+minute*60+sec-offset), 0)
}
