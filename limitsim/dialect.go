package limitsim

import (
	"fmt"
	"net/http"
	"net/textproto"
	"sort"
	"strings"

	"github.com/hooklimit/hooklimit/internal/hdrval"
)

// Dialect writes the rate-limit headers and the 429 body that one vendor
// sends, so that the simulator answers the way the vendor documents.
//
// A dialect is stateless: everything it writes follows from the profile and
// the decision, so one value serves every request and is safe for
// concurrent use. The built-in dialects are:
//
//	rewst        Retry-After on 429 only
//	rewst-envoy  X-Envoy-Ratelimited, X-Ratelimit-{Remaining,Reset} and a
//	             fixed Retry-After: 10 on 429 only, an empty 429 body
//	workato      Retry-After, X-Rate-Limit-{Remaining,Reset} and
//	             X-Byte-Limit-{Remaining,Reset} on every response
//	salesbuildr  X-RateLimit-Remaining on every response, Retry-After on 429
//	none         nothing (Autotask documents no headers)
//	perwebhook   X-RateLimit-{Limit,Remaining}-{Minute,Hour,Day} on every
//	             response, a JSON 429 body, no Retry-After
//	ietf         RateLimit-Policy and RateLimit (draft-ietf-httpapi-
//	             ratelimit-headers-11) on every response, Retry-After on 429
//
// Dialects combines several, so that any profile can also speak ietf.
//
// Header names go out in Go's canonical form (X-Ratelimit-Remaining for the
// documented X-RateLimit-Remaining); field names are case-insensitive (RFC
// 9110, section 5.1) and HTTP/2 sends them in lower case anyway.
//
// No dialect writes Retry-After when waiting cannot help (Decision.RetryAt
// is Never: the request is larger than a limit can ever hold); Handler
// answers such a request 413 rather than 429.
type Dialect interface {
	// Name is the dialect's name, as a profile's headers field gives it.
	Name() string
	// Describe says in a sentence which headers and body the dialect sends.
	Describe() string
	// WriteHeaders sets the dialect's headers for decision d of profile p,
	// on any response, admitted or not.
	WriteHeaders(h http.Header, p *Profile, d *Decision)
	// RejectBody returns the body of the 429 answer to a rejected request
	// and its content type ("" and nil for an empty answer). The caller
	// must not modify body.
	RejectBody(p *Profile, d *Decision) (contentType string, body []byte)
}

// dialects holds every built-in dialect by name. Profile.Validate accepts
// exactly these names.
var dialects = map[string]Dialect{
	"rewst":       rewstDialect{},
	"rewst-envoy": rewstEnvoyDialect{},
	"workato":     workatoDialect{},
	"salesbuildr": salesbuildrDialect{},
	"none":        noneDialect{},
	"perwebhook":  perwebhookDialect{},
	"ietf":        ietfDialect{},
}

// DialectNames returns the names of the header dialects, sorted.
func DialectNames() []string {
	names := make([]string, 0, len(dialects))
	for n := range dialects {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupDialect returns the built-in dialect called name.
func LookupDialect(name string) (Dialect, bool) {
	d, ok := dialects[name]
	return d, ok
}

// Dialects returns the dialect that writes the headers of every named
// dialect, in order, and the 429 body of the first. A name may itself be a
// comma-separated list, so Dialects("workato,ietf") and
// Dialects("workato", "ietf") are the same: Workato's headers and body plus
// the IETF fields. Blank and repeated names are ignored. A single name
// returns that dialect itself. It fails on an unknown name or when no name
// is given.
func Dialects(names ...string) (Dialect, error) {
	var list composite
	seen := map[string]bool{}
	for _, n := range names {
		for _, part := range strings.Split(n, ",") {
			part = strings.TrimSpace(part)
			if part == "" || seen[part] {
				continue
			}
			d, ok := dialects[part]
			if !ok {
				return nil, fmt.Errorf("unknown header dialect %q (want one of %s)", part, strings.Join(DialectNames(), ", "))
			}
			seen[part] = true
			list = append(list, d)
		}
	}
	switch len(list) {
	case 0:
		return nil, fmt.Errorf("no header dialect given (want one of %s)", strings.Join(DialectNames(), ", "))
	case 1:
		return list[0], nil
	}
	return list, nil
}

// SendsRetryAfter reports whether p's header dialect puts a Retry-After on
// a 429. It asks the dialect: it fills a fresh partition until a request
// is rejected and writes the headers of that rejection. A profile whose
// dialect is unknown, or that admits a million requests at one instant,
// sends none.
func (p *Profile) SendsRetryAfter() bool {
	d, err := Dialects(p.Dialect)
	if err != nil {
		return false
	}
	pt := p.NewPartition()
	var dec Decision
	for i := 0; i < 1_000_000; i++ {
		pt.DecideInto(&dec, 0, 1)
		if !dec.Admitted {
			h := http.Header{}
			d.WriteHeaders(h, p, &dec)
			return h.Get("Retry-After") != ""
		}
	}
	return false
}

// composite is several dialects spoken at once.
type composite []Dialect

func (c composite) Name() string {
	names := make([]string, len(c))
	for i, d := range c {
		names[i] = d.Name()
	}
	return strings.Join(names, ",")
}

func (c composite) Describe() string {
	s := make([]string, len(c))
	for i, d := range c {
		s[i] = d.Name() + ": " + d.Describe()
	}
	return strings.Join(s, "; ") + "; the 429 body is " + c[0].Name() + "'s"
}

func (c composite) WriteHeaders(h http.Header, p *Profile, d *Decision) {
	for _, x := range c {
		x.WriteHeaders(h, p, d)
	}
}

func (c composite) RejectBody(p *Profile, d *Decision) (string, []byte) {
	return c[0].RejectBody(p, d)
}

// bindDialect returns dl for the decisions of p alone: each dialect that
// can make what depends only on the profile once (ietf's RateLimit-Policy)
// bound to p, the others as they are. It writes the same headers as dl;
// a Handler binds its dialects to its profile, which must not change
// afterwards.
func bindDialect(dl Dialect, p *Profile) Dialect {
	switch x := dl.(type) {
	case composite:
		c := make(composite, len(x))
		for i, d := range x {
			c[i] = bindDialect(d, p)
		}
		return c
	case interface{ bind(*Profile) Dialect }:
		return x.bind(p)
	}
	return dl
}

// retryOnly reports whether every header and 429 body of dl follows from
// Decision.Admitted, RetryAt and Now alone, so that a handler speaking it
// may decide with Partition.DecideShort, which reads back no limit's
// standing: rewst, rewst-envoy and none.
func retryOnly(dl Dialect) bool {
	if c, ok := dl.(composite); ok {
		for _, x := range c {
			if !retryOnly(x) {
				return false
			}
		}
		return true
	}
	switch dl.(type) {
	case rewstDialect, rewstEnvoyDialect, noneDialect:
		return true
	}
	return false
}

// writeRetryAfter sets Retry-After on a rejected decision: the wait in
// whole seconds, rounded up, never 0 (Decision.RetryAfter). It writes
// nothing for an admitted request or when waiting cannot help.
func writeRetryAfter(h http.Header, d *Decision) {
	if d.Admitted || d.RetryAt == Never {
		return
	}
	setInt(h, "Retry-After", d.RetryAfter())
}

// writeRetryAfterAlways sets Retry-After on every decision: on a rejected
// one as writeRetryAfter does; on an admitted one the whole seconds,
// rounded up, until the same request would be admitted again
// (Decision.NextAfter), 0 when it would be admitted at once.
func writeRetryAfterAlways(h http.Header, d *Decision) {
	if !d.Admitted {
		writeRetryAfter(h, d)
		return
	}
	setInt(h, "Retry-After", d.NextAfter())
}

// setInt sets header key of h to n without allocating (see package
// hdrval) when key is in canonical form, as every caller writes it.
func setInt(h http.Header, key string, n int64) {
	h[textproto.CanonicalMIMEHeaderKey(key)] = hdrval.Int(n)
}

// The plain-text 429 body of the dialects that document none.
var (
	plainType    = "text/plain; charset=utf-8"
	plainTooMany = []byte("429 Too Many Requests\n")
)

// plainBody is the 429 body of the dialects that document none.
func plainBody() (string, []byte) { return plainType, plainTooMany }
