package limitsim

import (
	"encoding/json"
	"math/bits"
	"net/http"
	"time"

	"github.com/dunglas/httpsfv"

	"github.com/hooklimit/hooklimit/internal/hdrval"
)

// ietfDialect speaks the RateLimit-Policy and RateLimit fields of
// draft-ietf-httpapi-ratelimit-headers-11 (sections 3 and 4), serialized as
// Structured Fields (RFC 9651). Both are Lists with one Item per limit of
// the profile, in the profile's order; the Item is a String, the limit's
// name (bytes outside printable ASCII replaced by '_'). On every response:
//
//	RateLimit-Policy: "per_second";q=25;w=1, "per_minute";q=1000;w=60
//	RateLimit: "per_second";r=0;t=1, "per_minute";r=975;t=60
//
// and Retry-After on a 429, with the draft's quota-exceeded problem
// details (section 5.1) as the 429 body.
//
// RateLimit-Policy parameters:
//   - q, the quota: a window's Quota; a bucket's capacity Burst; for
//     credits, the capacity of their continuous counterpart, Quota + Burst
//     (Workato events 18020, bytes 60000000): what fits at once from rest.
//   - qu, "content-bytes" for a limit counted in Bytes; left out for
//     requests, the draft's default unit.
//   - w, the window in seconds: a window's Per; for a bucket the time an
//     empty bucket takes to refill, Burst·Per/Quota; for credits the same
//     for their counterpart, (Quota+Burst)·Per/Quota (Workato events 901,
//     bytes 120). So q/w is the long-run rate and q the largest burst. A w
//     that is not whole seconds is rounded up (at least 1), which
//     understates the rate, never overstates it.
//
// RateLimit parameters:
//   - r, the limit's Remaining after the decision.
//   - t, seconds until the limit is fully restored (SecondsUntil of
//     ResetAt), except for a limit that rejected this request: there t is
//     the seconds until that limit would admit it, at least 1, so that the
//     Retry-After on the same response never points before the end of the
//     rejecting policy's effective window (section 6).
//
// The partition key parameter pk is not sent. Integers beyond the 15 digits
// Structured Fields allow are capped at 999999999999999.
type ietfDialect struct{}

func (ietfDialect) Name() string { return "ietf" }
func (ietfDialect) Describe() string {
	return "RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers-11) on every response, Retry-After on 429; problem+json quota-exceeded 429 body"
}

// sfMaxInt is the largest Structured Fields Integer.
const sfMaxInt = 999_999_999_999_999

func (ietfDialect) WriteHeaders(h http.Header, _ *Profile, d *Decision) {
	if len(d.Limits) == 0 {
		return
	}
	policy := make(httpsfv.List, len(d.Limits))
	for i := range d.Limits {
		policy[i] = ietfPolicyItem(d.Limits[i].Limit)
	}
	if v, err := httpsfv.Marshal(policy); err == nil {
		h.Set("RateLimit-Policy", v)
	}
	writeRateLimit(h, d, nil)
	writeRetryAfter(h, d)
}

// ietfPolicyItem is l's Item of RateLimit-Policy.
func ietfPolicyItem(l *Limit) httpsfv.Item {
	q, w := ietfPolicy(l)
	it := httpsfv.NewItem(sfName(l.Name))
	it.Params.Add("q", sfInt(q))
	if l.Unit == Bytes {
		it.Params.Add("qu", "content-bytes")
	}
	it.Params.Add("w", sfInt(w))
	return it
}

// writeRateLimit sets the RateLimit field of d; names, when not nil, are
// sfName of each limit's name, made beforehand.
func writeRateLimit(h http.Header, d *Decision, names []string) {
	limit := make(httpsfv.List, len(d.Limits))
	for i := range d.Limits {
		s := &d.Limits[i]
		t := SecondsUntil(d.Now, s.ResetAt)
		if !s.OK && s.RetryAt != Never {
			t = max(1, SecondsUntil(d.Now, s.RetryAt))
		}
		var it httpsfv.Item
		if names != nil {
			it = httpsfv.NewItem(names[i])
		} else {
			it = httpsfv.NewItem(sfName(s.Limit.Name))
		}
		it.Params.Add("r", sfInt(s.Remaining))
		it.Params.Add("t", sfInt(t))
		limit[i] = it
	}
	if v, err := httpsfv.Marshal(limit); err == nil {
		h.Set("RateLimit", v)
	}
}

// bind returns the ietf dialect for the decisions of p alone (see
// bindDialect): RateLimit-Policy, which follows from p's limits only, and
// the limits' names as Strings, made once rather than on every response.
// A decision of another profile is written as ietfDialect writes it.
func (ietfDialect) bind(p *Profile) Dialect {
	b := ietfBound{p: p, names: make([]string, len(p.Limits))}
	policy := make(httpsfv.List, len(p.Limits))
	for i := range p.Limits {
		b.names[i] = sfName(p.Limits[i].Name)
		policy[i] = ietfPolicyItem(&p.Limits[i])
	}
	if v, err := httpsfv.Marshal(policy); err == nil && len(p.Limits) > 0 {
		b.policy = hdrval.Of(v)
	}
	return b
}

// ietfBound is ietfDialect bound to one profile; see ietfDialect.bind.
type ietfBound struct {
	ietfDialect
	p      *Profile
	names  []string
	policy []string // the RateLimit-Policy value (package hdrval)
}

func (b ietfBound) WriteHeaders(h http.Header, p *Profile, d *Decision) {
	if p != b.p || b.policy == nil || len(d.Limits) != len(p.Limits) || d.Limits[0].Limit != &p.Limits[0] {
		b.ietfDialect.WriteHeaders(h, p, d)
		return
	}
	h["Ratelimit-Policy"] = b.policy
	writeRateLimit(h, d, b.names)
	writeRetryAfter(h, d)
}

// ietfPolicy returns the q and w (seconds) that describe l; see ietfDialect.
func ietfPolicy(l *Limit) (q, w int64) {
	switch l.Kind {
	case Bucket, Credits:
		b := *l
		if b.Kind == Credits {
			b, _ = b.Alternative()
		}
		return b.Burst, refillSeconds(b)
	}
	return l.Quota, max(1, ceilSeconds(int64(l.Per)))
}

// refillSeconds returns the whole seconds, rounded up, that bucket b takes
// to refill from empty: Burst·Per/Quota, capped at sfMaxInt.
func refillSeconds(b Limit) int64 {
	n, d := b.rate()
	hi, lo := bits.Mul64(uint64(b.Burst), uint64(d))
	if hi >= uint64(n) {
		return sfMaxInt
	}
	ns, rem := bits.Div64(hi, lo, uint64(n))
	if rem != 0 {
		ns++
	}
	sec := ns / uint64(time.Second)
	if ns%uint64(time.Second) != 0 {
		sec++
	}
	return max(1, int64(min(sec, sfMaxInt)))
}

func sfInt(v int64) int64 { return min(max(v, 0), sfMaxInt) }

// sfName returns name as a Structured Fields String can hold it: printable
// ASCII only.
func sfName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '_'
		}
	}
	return string(b)
}

// ietfProblem is the quota-exceeded problem type of the draft, section 5.1.
type ietfProblem struct {
	Type     string   `json:"type"`
	Title    string   `json:"title"`
	Violated []string `json:"violated-policies"`
}

func (ietfDialect) RejectBody(_ *Profile, d *Decision) (string, []byte) {
	p := ietfProblem{
		Type:     "https://iana.org/assignments/http-problem-types#quota-exceeded",
		Title:    "Request cannot be satisfied as assigned quota has been exceeded",
		Violated: []string{},
	}
	for i := range d.Limits {
		if !d.Limits[i].OK {
			p.Violated = append(p.Violated, sfName(d.Limits[i].Limit.Name))
		}
	}
	body, err := json.Marshal(&p)
	if err != nil {
		panic("limitsim: ietf body: " + err.Error()) // cannot happen: plain strings
	}
	return "application/problem+json", body
}
