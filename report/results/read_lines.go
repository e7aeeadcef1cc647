package results

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
)

// resultLine is any line of a results file. Pointer fields tell a
// missing field from a zero one.
type resultLine struct {
	Type string `json:"type"`

	// attempt (run), request (serve), probe_request (probe)
	Event        *uint64 `json:"event"`
	Copy         *int    `json:"copy"`
	Key          *string `json:"key"`
	Workspace    string  `json:"workspace"`
	Attempt      *int    `json:"attempt"`
	Size         *int64  `json:"size"`
	Intended     *string `json:"intended"`
	Sent         *string `json:"sent"`
	Done         *string `json:"done"`
	Status       *int    `json:"status"`
	RetryAfterMS *int64  `json:"retry_after_ms"`
	Late         bool    `json:"late"`
	Error        string  `json:"error"`

	// request (serve)
	Time        *string `json:"time"`
	RetryAfterS *int64  `json:"retry_after_s"`
	EventID     *string `json:"event_id"`
	IDFrom      string  `json:"id_from"`
	Sender      string  `json:"sender"` // also of an attempt of a run with several senders
	Unanswered  bool    `json:"unanswered"`

	Result json.RawMessage `json:"result"`
	// Kind, on a line without a type, makes the line a result by itself
	// (a --format json result compacted onto one line).
	Kind string `json:"kind"`
}

// decode reads one line into l, which it resets first.
func (l *resultLine) decode(line []byte) error {
	*l = resultLine{}
	if err := json.Unmarshal(line, l); err != nil {
		return jsonErr(err)
	}
	if l.Type == "" && l.Kind != "" {
		l.Type, l.Result = LineResult, append(json.RawMessage(nil), line...)
	}
	if l.Type == "" {
		return report.FieldErrorf("type", "missing (want attempt, request, probe_request or result)")
	}
	return nil
}

// syntaxErr is a line or document that is not JSON.
type syntaxErr struct {
	offset int64
	msg    string
}

func (e *syntaxErr) Error() string { return e.msg }

// jsonErr turns an error of encoding/json into one that names the field
// (*FieldError) or says where the JSON broke (*syntaxErr).
func jsonErr(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &syntaxErr{offset: se.Offset, msg: "not valid JSON: " + strings.TrimPrefix(se.Error(), "json: ")}
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "(line)"
		}
		return report.FieldErrorf(field, "want %s, not %s", jsonKind(te.Type), jsonValueKind(te.Value))
	}
	var fe *report.FieldError
	if errors.As(err, &fe) {
		return err
	}
	return report.FieldErrorf("", "%s", strings.TrimPrefix(err.Error(), "json: "))
}

// jsonKind names what a Go type reads from JSON.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "a " + t.String()
}

func jsonValueKind(v string) string {
	switch {
	case v == "":
		return "something else"
	case strings.HasPrefix(v, "number"):
		return v
	}
	return "a JSON " + v
}

// need returns a "missing" error for a field that is not there.
func need[T any](p *T, field string) error {
	if p == nil {
		return report.FieldErrorf(field, "missing")
	}
	return nil
}

// parseTime reads a time field: RFC 3339, as Writer writes it.
func parseTime(s *string, field string) (int64, error) {
	if s == nil {
		return 0, report.FieldErrorf(field, "missing")
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return 0, report.FieldErrorf(field, "want an RFC 3339 time such as 2026-02-17T09:00:00.000000000Z, not %s", strconv.Quote(*s))
	}
	// Compare as times: UnixNano wraps silently outside int64 nanoseconds.
	if t.Before(time.Unix(0, limitsim.MinTime)) || t.After(time.Unix(0, limitsim.MaxTime)) {
		return 0, report.FieldErrorf(field, "%s is out of range (want a time %s)", strconv.Quote(*s), limitsim.TimeRangeText)
	}
	return t.UnixNano(), nil
}

func checkStatus(st int) error {
	if st != 0 && (st < 100 || st > 599) {
		return report.FieldErrorf("status", "%d is not an HTTP status (want 100 to 599, or 0 for a transport error)", st)
	}
	return nil
}

// maxEvent bounds event numbers, so that a merge can tell the events of
// different files apart (see mergeEvent).
const maxEvent = 1<<48 - 1

// attempt returns an attempt line as a probe.Attempt.
func (l *resultLine) attempt() (probe.Attempt, error) {
	var a probe.Attempt
	for _, e := range []error{need(l.Event, "event"), need(l.Key, "key"), need(l.Attempt, "attempt"), need(l.Status, "status")} {
		if e != nil {
			return a, e
		}
	}
	var err error
	if a.Sent, err = parseTime(l.Sent, "sent"); err != nil {
		return a, err
	}
	a.Intended, a.Done = a.Sent, a.Sent
	if l.Intended != nil {
		if a.Intended, err = parseTime(l.Intended, "intended"); err != nil {
			return a, err
		}
	}
	if l.Done != nil {
		if a.Done, err = parseTime(l.Done, "done"); err != nil {
			return a, err
		}
	}
	a.Event, a.Key, a.N, a.Status = *l.Event, *l.Key, *l.Attempt, *l.Status
	switch {
	case a.Event > maxEvent:
		return a, report.FieldErrorf("event", "%d is too large (at most %d)", a.Event, uint64(maxEvent))
	case a.N < 1:
		return a, report.FieldErrorf("attempt", "must be 1 or more, not %d", a.N)
	}
	if err := checkStatus(a.Status); err != nil {
		return a, err
	}
	if l.Copy != nil {
		if a.Copy = *l.Copy; a.Copy < 0 {
			return a, report.FieldErrorf("copy", "must not be negative, not %d", a.Copy)
		}
	}
	if l.Size != nil {
		if a.Size = *l.Size; a.Size < 0 {
			return a, report.FieldErrorf("size", "must not be negative, not %d", a.Size)
		}
	}
	if l.RetryAfterMS != nil {
		ms := *l.RetryAfterMS
		if ms < 0 || ms > int64(time.Duration(1<<62)/time.Millisecond) {
			return a, report.FieldErrorf("retry_after_ms", "must be a duration in milliseconds, not %d", ms)
		}
		a.RetryAfter, a.HasRetryAfter = time.Duration(ms)*time.Millisecond, true
	}
	a.Late, a.Err, a.Workspace, a.Sender = l.Late, l.Error, l.Workspace, l.Sender
	return a, nil
}

// serveRecord returns a request line of serve as a session.Record. The event
// hash is the receiver's (xxhash of the id as written) or, for ids from
// the body's hash, the hash itself.
func (l *resultLine) serveRecord() (session.Record, error) {
	var r session.Record
	if err := need(l.Status, "status"); err != nil {
		return r, err
	}
	var err error
	if r.Time, err = parseTime(l.Time, "time"); err != nil {
		return r, err
	}
	r.Status, r.Unanswered = *l.Status, l.Unanswered
	if err := checkStatus(r.Status); err != nil {
		return r, err
	}
	if l.Key == nil {
		return r, nil // a path that matched no key pattern
	}
	r.Key, r.Keyed, r.Workspace = *l.Key, true, l.Workspace
	r.Admitted = r.Status >= 200 && r.Status <= 299
	r.Decided = r.Admitted || r.Status == 429
	if l.Size != nil {
		if r.Size = *l.Size; r.Size < 0 {
			return r, report.FieldErrorf("size", "must not be negative, not %d", r.Size)
		}
	}
	if l.RetryAfterS != nil {
		if r.RetryAfter = *l.RetryAfterS; r.RetryAfter < 0 || r.RetryAfter > 1<<32 {
			return r, report.FieldErrorf("retry_after_s", "must be a number of seconds, not %d", r.RetryAfter)
		}
	}
	if len(l.Sender) > session.MaxSenderLen {
		return r, report.FieldErrorf("sender", "must be at most %d bytes, not %d", session.MaxSenderLen, len(l.Sender))
	}
	r.Sender = l.Sender
	switch l.IDFrom {
	case "", "none":
		r.IDFrom = session.IDNone
	case "header", "body":
		if err := need(l.EventID, "event_id"); err != nil {
			return r, err
		}
		r.IDFrom = session.IDHeader
		if l.IDFrom == "body" {
			r.IDFrom = session.IDBody
		}
		r.EventID = *l.EventID
		r.EventHash = xxhash.Sum64String(r.EventID)
	case "hash":
		if err := need(l.EventID, "event_id"); err != nil {
			return r, err
		}
		h, ok := strings.CutPrefix(*l.EventID, "hash:")
		v, err := strconv.ParseUint(h, 16, 64)
		if !ok || err != nil || len(h) != 16 {
			return r, report.FieldErrorf("event_id", "want hash: and 16 hex digits, not %s", strconv.Quote(*l.EventID))
		}
		r.IDFrom, r.EventHash = session.IDHash, v
	default:
		return r, report.FieldErrorf("id_from", "want header, body, hash or none, not %s", strconv.Quote(l.IDFrom))
	}
	return r, nil
}

// probeRequest returns what a probe_request line says of a request: when
// it was sent, its size and its status.
func (l *resultLine) probeRequest() (sent, size int64, status int, err error) {
	if err = need(l.Status, "status"); err != nil {
		return
	}
	if sent, err = parseTime(l.Sent, "sent"); err != nil {
		return
	}
	status = *l.Status
	if err = checkStatus(status); err != nil {
		return
	}
	if l.Size != nil {
		if size = *l.Size; size < 0 {
			err = report.FieldErrorf("size", "must not be negative, not %d", size)
		}
	}
	return
}

// describeKinds lists the result kinds for messages.
func describeKinds() string {
	return strings.Join(report.ResultKinds[:len(report.ResultKinds)-1], ", ") + " or " + report.ResultKinds[len(report.ResultKinds)-1]
}

// unknownKind is the error of a result of another kind.
func unknownKind(kind string) error {
	if kind == "" {
		return report.FieldErrorf("kind", "missing (want %s)", describeKinds())
	}
	return report.FieldErrorf("kind", "unknown kind %s (want %s)", strconv.Quote(kind), describeKinds())
}
