package limitsim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/hdrval"
)

// The vendor dialects, each exactly as its vendor document says.
// Headers that count down ("Reset") are whole seconds until the time, rounded
// up (SecondsUntil); remaining counts are a limit's Remaining after the
// decision. See Dialect for the list.

// rewstDialect is Rewst's: a 429 with Retry-After, and no other header.
type rewstDialect struct{}

func (rewstDialect) Name() string { return "rewst" }
func (rewstDialect) Describe() string {
	return "Retry-After on 429 only; plain-text 429 body"
}
func (rewstDialect) WriteHeaders(h http.Header, _ *Profile, d *Decision) { writeRetryAfter(h, d) }
func (rewstDialect) RejectBody(*Profile, *Decision) (string, []byte)     { return plainBody() }

// rewstEnvoyDialect is Rewst's from February 18, 2026, when Envoy answers
// for the webhook triggers. Its documented 429 carries exactly
//
//	X-Envoy-Ratelimited    true
//	X-Ratelimit-Remaining  0
//	X-Ratelimit-Reset      10
//	Retry-After            10
//
// and an empty body. The page reads Retry-After and x-ratelimit-reset
// alike as "Wait 10 seconds before retrying the request", so both are the
// fixed 10 whichever limit rejected the request and however soon it
// would be admitted again: the simulator sends what Rewst sends. An
// admitted request gets none of them (the page shows only the 429), nor
// does a request that waiting cannot help.
type rewstEnvoyDialect struct{}

// rewstEnvoyWait is the Retry-After and x-ratelimit-reset of every
// rewst-envoy 429, in seconds.
const rewstEnvoyWait = "10"

// The values of rewst-envoy's headers, made once (package hdrval).
var (
	envoyTrue = hdrval.Of("true")
	envoyWait = hdrval.Of(rewstEnvoyWait)
)

func (rewstEnvoyDialect) Name() string { return "rewst-envoy" }
func (rewstEnvoyDialect) Describe() string {
	return "on 429 only: X-Envoy-Ratelimited: true, X-Ratelimit-Remaining: 0, X-Ratelimit-Reset: 10 and Retry-After: 10 (fixed, as Envoy sends them); empty 429 body"
}

func (rewstEnvoyDialect) WriteHeaders(h http.Header, _ *Profile, d *Decision) {
	if d.Admitted || d.RetryAt == Never {
		return
	}
	h["X-Envoy-Ratelimited"] = envoyTrue
	h["X-Ratelimit-Remaining"] = hdrval.Int(0)
	h["X-Ratelimit-Reset"] = envoyWait
	h["Retry-After"] = envoyWait
}

// RejectBody returns no content type and no body: Envoy's 429 is empty.
func (rewstEnvoyDialect) RejectBody(*Profile, *Decision) (string, []byte) { return "", nil }

// workatoDialect is Workato's webhook gateway, which "responds to every
// event" with these headers:
//
//	Retry-After             seconds until the event would be admitted: on a
//	                        429 the wait (at least 1); on an admitted event
//	                        the wait until the same event sent again would
//	                        be, 0 when it would be at once
//	X-Rate-Limit-Remaining  events that can be sent before 429s
//	X-Rate-Limit-Reset      seconds until the event burst allowance is refilled
//	X-Byte-Limit-Remaining  bytes that can be sent before 429s
//	X-Byte-Limit-Reset      seconds until the byte burst allowance is refilled
//
// The event limits are those counted in Requests,
// the byte limits those counted in Bytes, whatever their names, so profile
// files that rename or add limits still work. With several limits of one
// unit, Remaining is the smallest and Reset the latest among them; with
// none, the pair is left out.
type workatoDialect struct{}

func (workatoDialect) Name() string { return "workato" }
func (workatoDialect) Describe() string {
	return "Retry-After, X-Rate-Limit-Remaining, X-Rate-Limit-Reset, X-Byte-Limit-Remaining and X-Byte-Limit-Reset on every response (Retry-After: the seconds until the same event would be admitted; at least 1 on a 429; on an admitted event 0 when the next would be admitted at once); plain-text 429 body"
}

func (workatoDialect) WriteHeaders(h http.Header, _ *Profile, d *Decision) {
	if rem, reset, ok := unitStatus(d, Requests); ok {
		setInt(h, "X-Rate-Limit-Remaining", rem)
		setInt(h, "X-Rate-Limit-Reset", SecondsUntil(d.Now, reset))
	}
	if rem, reset, ok := unitStatus(d, Bytes); ok {
		setInt(h, "X-Byte-Limit-Remaining", rem)
		setInt(h, "X-Byte-Limit-Reset", SecondsUntil(d.Now, reset))
	}
	writeRetryAfterAlways(h, d)
}

func (workatoDialect) RejectBody(*Profile, *Decision) (string, []byte) { return plainBody() }

// salesbuildrDialect is Salesbuildr's: X-RateLimit-Remaining on every
// response (the smallest Remaining of the limits counted in requests, or of
// all limits when none is) and Retry-After on a 429.
type salesbuildrDialect struct{}

func (salesbuildrDialect) Name() string { return "salesbuildr" }
func (salesbuildrDialect) Describe() string {
	return "X-RateLimit-Remaining on every response, Retry-After on 429; plain-text 429 body"
}

func (salesbuildrDialect) WriteHeaders(h http.Header, _ *Profile, d *Decision) {
	rem, _, ok := unitStatus(d, Requests)
	if !ok {
		rem, _, ok = unitStatus(d, "")
	}
	if ok {
		setInt(h, "X-Ratelimit-Remaining", rem) // X-RateLimit-Remaining in canonical form
	}
	writeRetryAfter(h, d)
}

func (salesbuildrDialect) RejectBody(*Profile, *Decision) (string, []byte) { return plainBody() }

// noneDialect sends no rate-limit header at all, not even Retry-After: the
// Autotask document describes none.
type noneDialect struct{}

func (noneDialect) Name() string                                    { return "none" }
func (noneDialect) Describe() string                                { return "no rate-limit headers; plain-text 429 body" }
func (noneDialect) WriteHeaders(http.Header, *Profile, *Decision)   {}
func (noneDialect) RejectBody(*Profile, *Decision) (string, []byte) { return plainBody() }

// unitStatus returns the smallest Remaining and the latest ResetAt among
// d's limits counted in unit u (Requests also matches the empty unit; ""
// matches every limit), and false when there is none.
func unitStatus(d *Decision, u Unit) (remaining, resetAt int64, ok bool) {
	for i := range d.Limits {
		s := &d.Limits[i]
		if u != "" && unitOf(s.Limit) != u {
			continue
		}
		if !ok || s.Remaining < remaining {
			remaining = s.Remaining
		}
		if !ok || s.ResetAt > resetAt {
			resetAt = s.ResetAt
		}
		ok = true
	}
	return remaining, resetAt, ok
}

func unitOf(l *Limit) Unit {
	if l.Unit == Bytes {
		return Bytes
	}
	return Requests
}

// perwebhookDialect is the per-webhook delivery limits of the "Webhook Rate
// Limiting - Quick Reference": on every response
//
//	X-RateLimit-Limit-Minute, X-RateLimit-Remaining-Minute
//	X-RateLimit-Limit-Hour,   X-RateLimit-Remaining-Hour
//	X-RateLimit-Limit-Day,    X-RateLimit-Remaining-Day
//
// and on a 429 the document's JSON body, whose reason names the first
// exceeded window in the order minute, hour, day (minute_limit_exceeded,
// hour_limit_exceeded, day_limit_exceeded) and whose limits give each
// window's current use (Used) and maximum (Quota). A limit is the Minute,
// Hour or Day window when its Per is 1m, 1h or 24h, or failing that when its
// name is minute, hour or day (optionally with a per_ prefix); the first
// such limit wins, and a window no limit maps to is left out.
//
// It sends no Retry-After: the document describes none.
type perwebhookDialect struct{}

func (perwebhookDialect) Name() string { return "perwebhook" }
func (perwebhookDialect) Describe() string {
	return "X-RateLimit-Limit-{Minute,Hour,Day} and X-RateLimit-Remaining-{Minute,Hour,Day} on every response; JSON 429 body with code WEBHOOK_RATE_LIMIT_EXCEEDED; no Retry-After"
}

var pwWindows = [3]struct {
	name string        // header suffix
	key  string        // the name of the window in reasons and bodies
	per  time.Duration // the window's length
}{
	{"Minute", "minute", time.Minute},
	{"Hour", "hour", time.Hour},
	{"Day", "day", 24 * time.Hour},
}

// pwMap returns the index in d.Limits of the Minute, Hour and Day limits,
// or -1.
func pwMap(d *Decision) [3]int {
	m := [3]int{-1, -1, -1}
	taken := func(i int) bool { return m[0] == i || m[1] == i || m[2] == i }
	for w := range pwWindows {
		for i := range d.Limits {
			if d.Limits[i].Limit.Per == pwWindows[w].per && !taken(i) {
				m[w] = i
				break
			}
		}
	}
	for w := range pwWindows {
		if m[w] >= 0 {
			continue
		}
		for i := range d.Limits {
			n := strings.TrimPrefix(strings.ToLower(d.Limits[i].Limit.Name), "per_")
			if n == pwWindows[w].key && !taken(i) {
				m[w] = i
				break
			}
		}
	}
	return m
}

func (perwebhookDialect) WriteHeaders(h http.Header, _ *Profile, d *Decision) {
	for w, i := range pwMap(d) {
		if i < 0 {
			continue
		}
		s := &d.Limits[i]
		h.Set("X-RateLimit-Limit-"+pwWindows[w].name, strconv.FormatInt(s.Limit.Quota, 10))
		h.Set("X-RateLimit-Remaining-"+pwWindows[w].name, strconv.FormatInt(s.Remaining, 10))
	}
}

type pwUse struct {
	Current int64 `json:"current"`
	Max     int64 `json:"max"`
}

type pwError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Reason  string `json:"reason"`
		Limits  struct {
			PerMinute *pwUse `json:"per_minute,omitempty"`
			PerHour   *pwUse `json:"per_hour,omitempty"`
			PerDay    *pwUse `json:"per_day,omitempty"`
		} `json:"limits"`
	} `json:"error"`
}

func (perwebhookDialect) RejectBody(_ *Profile, d *Decision) (string, []byte) {
	var b pwError
	b.Error.Code = "WEBHOOK_RATE_LIMIT_EXCEEDED"
	b.Error.Message = "Webhook rate limit exceeded"
	uses := [3]**pwUse{&b.Error.Limits.PerMinute, &b.Error.Limits.PerHour, &b.Error.Limits.PerDay}
	for w, i := range pwMap(d) {
		if i < 0 {
			continue
		}
		s := &d.Limits[i]
		*uses[w] = &pwUse{Current: s.Used, Max: s.Limit.Quota}
		if !s.OK && b.Error.Reason == "" {
			b.Error.Reason = pwWindows[w].key + "_limit_exceeded"
		}
	}
	if v := d.Violated(); b.Error.Reason == "" && v != nil {
		b.Error.Reason = v.Limit.Name + "_limit_exceeded" // a limit that is no window of the document
	}
	body, err := json.Marshal(&b)
	if err != nil {
		panic("limitsim: perwebhook body: " + err.Error()) // cannot happen: plain strings and integers
	}
	return "application/json", body
}
