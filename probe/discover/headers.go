package discover

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dunglas/httpsfv"
)

// Advertised is what a response's rate-limit header fields say about the
// limits: the fields as sent, and the limits they name.
type Advertised struct {
	Fields map[string]string
	Limits []AdvertisedLimit
}

// AdvertisedLimit is one limit a header field names: at most Limit per
// WindowSeconds (0 when the field gives no window).
type AdvertisedLimit struct {
	Name          string // the policy's name, or the field's window suffix
	WindowSeconds int64
	Limit         int64
	Bytes         bool   // counted in content bytes (IETF qu="content-bytes")
	Field         string // the field it was read from
}

// windowSuffixes maps the window suffixes of X-RateLimit-Limit-* fields to
// their length.
var windowSuffixes = map[string]int64{"second": 1, "minute": 60, "hour": 3600, "day": 86400}

// ParseAdvertised reads the limits named by rate-limit header fields (as
// HTTPTarget records them, by canonical name):
//
//   - RateLimit-Policy (draft-ietf-httpapi-ratelimit-headers): each item's
//     q per w seconds, with qu="content-bytes" for byte quotas;
//   - X-RateLimit-Limit and X-Rate-Limit-Limit: the quota, with the window
//     of a "N, N;w=W" value when there is one;
//   - X-RateLimit-Limit-{Second,Minute,Hour,Day} and the X-Rate-Limit-
//     forms: the quota of that window.
//
// Values it cannot read are left out; FindingsOf reports them. Limits are
// sorted by window, then by field.
func ParseAdvertised(fields map[string]string) Advertised {
	a := Advertised{Fields: fields}
	for name, v := range fields {
		lower := strings.ToLower(name)
		switch {
		case lower == "ratelimit-policy":
			a.Limits = append(a.Limits, parsePolicyField(name, v)...)
		case lower == "x-ratelimit-limit" || lower == "x-rate-limit-limit":
			if l, ok := parseLegacyLimit(name, v); ok {
				a.Limits = append(a.Limits, l)
			}
		case strings.HasPrefix(lower, "x-ratelimit-limit-") || strings.HasPrefix(lower, "x-rate-limit-limit-"):
			suffix := lower[strings.LastIndexByte(lower, '-')+1:]
			w, known := windowSuffixes[suffix]
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if known && err == nil && n >= 0 {
				a.Limits = append(a.Limits, AdvertisedLimit{Name: suffix, WindowSeconds: w, Limit: n, Field: name})
			}
		}
	}
	sort.Slice(a.Limits, func(i, j int) bool {
		x, y := a.Limits[i], a.Limits[j]
		if x.WindowSeconds != y.WindowSeconds {
			return x.WindowSeconds < y.WindowSeconds
		}
		return x.Field+x.Name < y.Field+y.Name
	})
	return a
}

// parsePolicyField reads a RateLimit-Policy field.
func parsePolicyField(field, v string) []AdvertisedLimit {
	list, err := httpsfv.UnmarshalList([]string{v})
	if err != nil {
		return nil
	}
	var out []AdvertisedLimit
	for _, m := range list {
		it, ok := m.(httpsfv.Item)
		if !ok || it.Params == nil {
			continue
		}
		q, ok := sfInteger(it.Params, "q")
		if !ok {
			continue
		}
		w, _ := sfInteger(it.Params, "w")
		l := AdvertisedLimit{Name: fmt.Sprint(it.Value), WindowSeconds: w, Limit: q, Field: field}
		if qu, ok := it.Params.Get("qu"); ok && fmt.Sprint(qu) == "content-bytes" {
			l.Bytes = true
		}
		out = append(out, l)
	}
	return out
}

func sfInteger(p *httpsfv.Params, k string) (int64, bool) {
	v, ok := p.Get(k)
	if !ok {
		return 0, false
	}
	n, ok := v.(int64)
	return n, ok && n >= 0
}

// parseLegacyLimit reads "100" or "100, 100;w=60" (draft 00's form).
func parseLegacyLimit(field, v string) (AdvertisedLimit, bool) {
	first, rest, _ := strings.Cut(v, ",")
	n, err := strconv.ParseInt(strings.TrimSpace(first), 10, 64)
	if err != nil || n < 0 {
		return AdvertisedLimit{}, false
	}
	l := AdvertisedLimit{Name: "limit", Limit: n, Field: field}
	if _, w, ok := strings.Cut(rest, ";w="); ok {
		w, _, _ = strings.Cut(w, ";")
		if s, err := strconv.ParseInt(strings.TrimSpace(w), 10, 64); err == nil && s > 0 {
			l.WindowSeconds = s
		}
	}
	return l, true
}

// remainingValues returns the remaining counts a response's fields give,
// by field (and policy name for RateLimit): X-RateLimit-Remaining*,
// X-Rate-Limit-Remaining*, X-Byte-Limit-Remaining and RateLimit's r.
func remainingValues(fields map[string]string) map[string]int64 {
	return numericFields(fields, "remaining", "r")
}

// resetValues returns the seconds until reset that a response's fields
// give: X-RateLimit-Reset*, X-Rate-Limit-Reset*, X-Byte-Limit-Reset and
// RateLimit's t. A value
// over 10^9 is read as a Unix time and turned into seconds after now.
func resetValues(fields map[string]string, now int64) map[string]int64 {
	out := numericFields(fields, "reset", "t")
	for name, v := range fields {
		if strings.EqualFold(name, "X-Byte-Limit-Reset") {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				out[name] = n
			}
		}
	}
	for k, v := range out {
		if v > 1e9 {
			out[k] = max(0, v-now/int64(time.Second))
		}
	}
	return out
}

// numericFields collects the integer values of the X-*-Limit-<kind>* and
// X-RateLimit-<kind>* fields, and the param parameter of RateLimit items.
// Byte fields are left out: tiny probe bodies barely move them.
func numericFields(fields map[string]string, kind, param string) map[string]int64 {
	out := map[string]int64{}
	for name, v := range fields {
		lower := strings.ToLower(name)
		switch {
		case lower == "ratelimit":
			list, err := httpsfv.UnmarshalList([]string{v})
			if err != nil {
				continue
			}
			for _, m := range list {
				if it, ok := m.(httpsfv.Item); ok && it.Params != nil {
					if n, ok := sfInteger(it.Params, param); ok {
						out[name+" "+fmt.Sprint(it.Value)] = n
					}
				}
			}
		case strings.HasPrefix(lower, "x-ratelimit-"+kind), strings.HasPrefix(lower, "x-rate-limit-"+kind):
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				out[name] = n
			}
		}
	}
	return out
}
