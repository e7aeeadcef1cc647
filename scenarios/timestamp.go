package scenarios

import (
	"errors"

	"github.com/hooklimit/hooklimit/limitsim"
)

// The magnitudes that decide the unit of a numeric timestamp. The integer
// part of the number (its absolute value) picks the unit:
//
//	below 1e11            seconds       (up to the year 5138)
//	1e11 up to below 1e14 milliseconds  (1973-03-03 onwards)
//	1e14 up to below 1e17 microseconds  (1973-03-03 onwards)
//	1e17 and above        nanoseconds   (1973-03-03 onwards)
//
// So any time after March 1973 is read correctly in any of the four units.
const (
	secondsBelow = 1e11
	millisBelow  = 1e14
	microsBelow  = 1e17
)

// timeErr says why a timestamp did not parse.
type timeErr uint8

const (
	timeOK     timeErr = iota
	timeSyntax         // not a timestamp at all
	timeRange          // a timestamp outside limitsim.MinTime to limitsim.MaxTime
	timeNoZone         // an RFC 3339 time without Z or an offset
)

// Messages for the two kinds of time error.
const (
	timeWant      = "(want RFC 3339 or epoch seconds/ms/µs/ns)"
	timeRangeWant = "(want a time " + limitsim.TimeRangeText + ")"
	timeZoneWant  = "has no time zone: add Z for UTC or the offset it was written in, such as +02:00 (or give epoch seconds)"
)

// ParseTime parses a timestamp and returns it in Unix nanoseconds. It
// accepts the same forms as the readers' time field:
//
//   - RFC 3339, such as 2024-05-01T12:00:00Z, 2024-05-01T14:00:00.250+02:00
//     or 2024-05-01 12:00:00.25 (a space or "t" may replace the "T"). The
//     fraction may have any number of digits; digits past nanoseconds are
//     dropped. A zone offset may be written +02:00, +0200 or +02. A time
//     without "Z" or an offset is an error: it could be any zone, and
//     taking it for UTC would move every window by the zone's offset.
//   - An epoch number such as 1700000000, 1700000000.25, 1700000000250 or
//     1.7e9, in seconds, milliseconds, microseconds or nanoseconds, chosen
//     by the magnitude of its integer part: below 1e11 seconds, below 1e14
//     milliseconds, below 1e17 microseconds, else nanoseconds. Fractions
//     are converted exactly, without floating point; digits finer than a
//     nanosecond are dropped (truncated toward zero).
//
// Leading and trailing spaces are ignored. The time must lie within
// limitsim.MinTime and limitsim.MaxTime (1900-01-01 to the end of 2189), so
// that every window and tick around it can be computed.
func ParseTime(s string) (int64, error) {
	t, e := parseTime([]byte(s))
	switch e {
	case timeOK:
		return t, nil
	case timeRange:
		return 0, errors.New(quoteShort([]byte(s)) + " is out of range " + timeRangeWant)
	case timeNoZone:
		return 0, errors.New(quoteShort([]byte(s)) + " " + timeZoneWant)
	}
	return 0, errors.New("cannot parse " + quoteShort([]byte(s)) + " as a time " + timeWant)
}

// parseTime is ParseTime on bytes, without allocating.
func parseTime(b []byte) (int64, timeErr) {
	b = trimSpace(b)
	if len(b) >= 5 && b[4] == '-' {
		return parseRFC3339(b)
	}
	return parseEpoch(b)
}

// trimSpace removes leading and trailing ASCII spaces and tabs.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// digits reads exactly n decimal digits at b[i:], or returns ok=false.
func digits(b []byte, i, n int) (v int, ok bool) {
	if i < 0 || i+n > len(b) {
		return 0, false
	}
	for _, c := range b[i : i+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// parseRFC3339 parses YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±HH:MM|±HHMM|±HH].
func parseRFC3339(b []byte) (int64, timeErr) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[13] != ':' || b[16] != ':' {
		return 0, timeSyntax
	}
	if c := b[10]; c != 'T' && c != 't' && c != ' ' {
		return 0, timeSyntax
	}
	year, ok1 := digits(b, 0, 4)
	month, ok2 := digits(b, 5, 2)
	day, ok3 := digits(b, 8, 2)
	hour, ok4 := digits(b, 11, 2)
	minute, ok5 := digits(b, 14, 2)
	sec, ok6 := digits(b, 17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return 0, timeSyntax
	}
	i := 19
	var nsec int64
	if i < len(b) && (b[i] == '.' || b[i] == ',') {
		i++
		start := i
		scale := int64(1e8)
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			nsec += int64(b[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == start {
			return 0, timeSyntax
		}
	}
	offset, zoned := 0, true
	switch {
	case i == len(b):
		zoned = false
	case (b[i] == 'Z' || b[i] == 'z') && i+1 == len(b):
	case b[i] == '+' || b[i] == '-':
		var ok bool
		offset, ok = parseOffset(b[i+1:], true)
		if !ok {
			return 0, timeSyntax
		}
		if b[i] == '-' {
			offset = -offset
		}
	default:
		return 0, timeSyntax
	}
	if !validDate(year, month, day) || hour > 23 || minute > 59 || sec > 59 {
		return 0, timeSyntax
	}
	if !zoned {
		return 0, timeNoZone
	}
	secs := daysFromCivil(year, month, day)*86400 + int64(hour*3600+minute*60+sec-offset)
	return nanos(secs, nsec)
}

// parseOffset parses a zone offset after its sign: HH:MM, HHMM, or (when
// short is true) HH. It returns the offset in seconds.
func parseOffset(b []byte, short bool) (int, bool) {
	var h, m int
	var ok1, ok2 bool
	switch len(b) {
	case 2:
		h, ok1 = digits(b, 0, 2)
		ok2 = short
	case 4:
		h, ok1 = digits(b, 0, 2)
		m, ok2 = digits(b, 2, 2)
	case 5:
		h, ok1 = digits(b, 0, 2)
		m, ok2 = digits(b, 3, 2)
		ok2 = ok2 && b[2] == ':'
	}
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false
	}
	return h*3600 + m*60, true
}

// validDate reports whether year-month-day is a real date.
func validDate(year, month, day int) bool {
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 29
	}
	return day <= days
}

// daysFromCivil returns the number of days from 1970-01-01 to the given
// proleptic Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// nanos returns secs seconds plus nsec nanoseconds (0 <= nsec < 1e9) as
// Unix nanoseconds, or timeRange if that is outside the range the tool
// analyses (see limitsim.MinTime).
func nanos(secs, nsec int64) (int64, timeErr) {
	const sec = 1e9
	if secs < limitsim.MinTime/sec-1 || secs > limitsim.MaxTime/sec+1 {
		return 0, timeRange // and secs*sec could overflow
	}
	return inRange(secs*sec + nsec)
}

// inRange returns t, or timeRange if t is outside [limitsim.MinTime,
// limitsim.MaxTime].
func inRange(t int64) (int64, timeErr) {
	if !limitsim.InTimeRange(t) {
		return 0, timeRange
	}
	return t, timeOK
}
