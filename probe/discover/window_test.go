package discover

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/limitsim"
)

// TestDiscoverWindowVirtual probes a window of 40 per 10 s, fixed (aligned
// to the clock, Retry-After to the window's end) and sliding, from starts
// at several phases of the window, in virtual time: the window is 10 s
// and the sustained rate 4/s whatever the phase, and the kind is told
// apart with high confidence, except where the first burst crossed a
// fixed window's boundary, which leaves fixed and credits open.
func TestDiscoverWindowVirtual(t *testing.T) {
	base := time.Date(2026, 2, 17, 9, 0, 0, 0, time.UTC) // a multiple of 10 s
	tests := []struct {
		kind  string
		phase time.Duration
	}{
		{"fixed", 0},
		{"fixed", 400 * time.Millisecond},
		{"fixed", 2500 * time.Millisecond},
		{"fixed", 7300 * time.Millisecond},
		{"fixed", 9990 * time.Millisecond},
		{"window", 0},
		{"window", 7300 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"@"+tt.phase.String(), func(t *testing.T) {
			p := parseProfile(t, "w40", "name: w40\nheaders: rewst\nlimits:\n  per_10s: {kind: "+tt.kind+", quota: 40, per: 10s}\n")
			clock := memhttp.NewJumpClock(base.Add(tt.phase))
			d := discoverSim(t, newSimSender(t, p, clock), DiscoverOptions{MaxRequests: 600, MaxDuration: 60 * time.Second})
			if len(d.Inferred) != 1 {
				t.Fatalf("inferred %s, want one limit; steps %+v", inferredString(d.Inferred), d.Steps)
			}
			l := d.Inferred[0]
			wantKind, wantConf := tt.kind, ConfidenceHigh
			if tt.phase == 9990*time.Millisecond {
				// The first burst crossed a boundary and took two windows'
				// quota, as credits spending a store would.
				wantKind, wantConf = "fixed credits", ConfidenceMedium
			}
			if l.WindowSeconds != 10 || l.Limit != 40 || l.Basis != "readmission" || strings.Join(l.Kinds, " ") != wantKind || l.Confidence != wantConf {
				t.Errorf("inferred %+v, want 40 per 10s, %s, confidence %s", l, wantKind, wantConf)
			}
			if rate := float64(l.Limit) / float64(l.WindowSeconds); rate != 4 {
				t.Errorf("sustained %v/s, want 4", rate)
			}
			for _, c := range d.RetryAfter {
				if c.Checked && !c.Admitted {
					t.Errorf("the simulator's Retry-After was too short: %+v", c)
				}
			}
			if len(d.Findings) != 0 {
				t.Errorf("findings %+v", d.Findings)
			}
		})
	}
}

// TestDiscoverWindowCapped: with room for one burst only, the window is
// the time to the first re-admission, said to be of low confidence.
func TestDiscoverWindowCapped(t *testing.T) {
	p := parseProfile(t, "f40", "name: f40\nheaders: rewst\nlimits:\n  per_10s: {kind: fixed, quota: 40, per: 10s}\n")
	clock := memhttp.NewJumpClock(time.Date(2026, 2, 17, 9, 0, 2, 500_000_000, time.UTC))
	// 7.5 s to the window's end: the Retry-After of 8 s cannot be waited
	// out within 8 s.
	d := discoverSim(t, newSimSender(t, p, clock), DiscoverOptions{MaxRequests: 600, MaxDuration: 8 * time.Second})
	if len(d.Inferred) != 1 || d.Inferred[0].Confidence != ConfidenceLow || d.Inferred[0].Basis != "retry-after" {
		t.Fatalf("inferred %+v, want one limit of low confidence", d.Inferred)
	}
	if l := d.Inferred[0]; l.WindowSeconds >= 10 || !strings.Contains(l.Note, "fixed one") {
		t.Errorf("inferred %+v: want the time to the window's end, under 10 s, and a note that a fixed window may be longer", l)
	}
}

// TestInferWindow checks the inference on hand-made observations, at the
// edges of what tells a fixed window from a sliding one.
func TestInferWindow(t *testing.T) {
	s := int64(time.Second)
	t0 := int64(1_771_318_800) * s // 09:00:00, a multiple of 10 s
	ms := int64(time.Millisecond)
	// obs builds a burst whose first request left at first (answered 1 ms
	// later) and that was admitted again in (lo, hi].
	obs := func(first, lo, hi, admitted int64) Readmission {
		return Readmission{First: t0 + first, FirstDone: t0 + first + ms, Lo: t0 + lo, Hi: t0 + hi, Admitted: admitted}
	}
	// cut sets when the rejection that ended the burst left.
	cut := func(r Readmission, at int64) Readmission { r.Cut = t0 + at; return r }
	second := obs(10*s, 19500*ms, 20*s, 40)
	tests := []struct {
		name    string
		obs     []Readmission
		w       int64
		kind    string
		conf    string
		aligned bool
	}{
		// 7 to 7.5 s from the first request to the re-admission.
		{"one burst", []Readmission{obs(2500*ms, 9500*ms, 10*s, 40)}, 7, WindowSliding, ConfidenceLow, false},
		{"fixed, first burst mid-window", []Readmission{obs(2500*ms, 9500*ms, 10*s, 40), obs(10*s, 19500*ms, 20*s, 40)},
			10, WindowFixed, ConfidenceHigh, true},
		{"fixed, offset from the clock", []Readmission{obs(5500*ms, 12800*ms, 13300*ms, 40), obs(13300*ms, 22800*ms, 23300*ms, 40)},
			10, WindowFixed, ConfidenceHigh, false},
		{"same phase twice", []Readmission{obs(0, 9500*ms, 10*s, 40), obs(10*s, 19500*ms, 20*s, 40)},
			10, WindowEither, ConfidenceMedium, false},
		{"sliding, third burst half a window on", []Readmission{obs(0, 9500*ms, 10*s, 40), obs(10*s, 19500*ms, 20*s, 40), obs(25*s, 34500*ms, 35*s, 40)},
			10, WindowSliding, ConfidenceHigh, false},
		{"fixed, third burst half a window on", []Readmission{obs(0, 9500*ms, 10*s, 40), obs(10*s, 19500*ms, 20*s, 40), obs(25*s, 29500*ms, 30*s, 40)},
			10, WindowFixed, ConfidenceHigh, true},
		// A first burst within one window that admitted more than 40 + 4
		// spent a store: credits; 4 more is within the noise.
		{"credits, store of 5", []Readmission{cut(obs(2500*ms, 9500*ms, 10*s, 45), 3*s), second}, 10, WindowCredits, ConfidenceHigh, true},
		{"fixed, 4 more at first", []Readmission{cut(obs(2500*ms, 9500*ms, 10*s, 44), 3*s), second}, 10, WindowFixed, ConfidenceHigh, true},
		{"first burst across a boundary", []Readmission{cut(obs(9800*ms, 19500*ms, 20*s, 80), 10200*ms), obs(20*s, 29500*ms, 30*s, 40),
			obs(35*s, 39500*ms, 40*s, 40)}, 10, WindowFixedOrCredits, ConfidenceMedium, true},
		{"store, but when the burst ended is unknown", []Readmission{obs(2500*ms, 9500*ms, 10*s, 80), second}, 10, WindowFixedOrCredits, ConfidenceMedium, true},
		{"refills gradually", []Readmission{obs(0, 4500*ms, 5*s, 10), obs(5*s, 9500*ms, 10*s, 1)}, 5, WindowGradual, ConfidenceLow, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := InferWindow(tt.obs)
			if got.Seconds != tt.w || got.Kind != tt.kind || got.Confidence != tt.conf || got.Aligned != tt.aligned || got.Evidence == "" {
				t.Errorf("InferWindow = %+v, want %ds, %s, %s, aligned %v", got, tt.w, tt.kind, tt.conf, tt.aligned)
			}
		})
	}
	if got := InferWindow(nil); got.Seconds != 0 || got.Confidence != "" {
		t.Errorf("InferWindow(nil) = %+v", got)
	}
}

// TestDiscover503Virtual: application 503s (1%, seeded) are no rate
// limiting: the limits found are right and the finding is about
// application errors; 503s that behave like a limit (every rejection,
// with or without Retry-After) are.
func TestDiscover503Virtual(t *testing.T) {
	t.Parallel() // on virtual time: it works while the real servers' tests wait
	tests := []struct {
		name      string
		edit      func(rng *rand.Rand) func(status *int, h http.Header, d *limitsim.Decision)
		forLimit  bool // a 503-for-rate-limit finding
		appErrors bool // an application-errors finding
	}{
		{"1% application 503s", func(rng *rand.Rand) func(*int, http.Header, *limitsim.Decision) {
			return func(s *int, h http.Header, d *limitsim.Decision) {
				if d.Admitted && rng.IntN(100) == 0 {
					*s = 503
				}
			}
		}, false, true},
		{"nginx-like: 503 for the limit, no Retry-After", func(*rand.Rand) func(*int, http.Header, *limitsim.Decision) {
			return func(s *int, h http.Header, d *limitsim.Decision) {
				if *s == 429 {
					*s = 503
					h.Del("Retry-After")
				}
			}
		}, true, false},
		{"503 for the limit, with Retry-After", func(*rand.Rand) func(*int, http.Header, *limitsim.Decision) {
			return func(s *int, h http.Header, d *limitsim.Decision) {
				if *s == 429 {
					*s = 503
				}
			}
		}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := range uint64(3) {
				clock := memhttp.NewJumpClock(midMinute)
				s := newSimSender(t, builtin(t, "rewst"), clock)
				s.edit = tt.edit(rand.New(rand.NewPCG(seed, 10)))
				d := discoverSim(t, s, DiscoverOptions{MaxRequests: 3000, MaxDuration: 90 * time.Second})
				if got := hasFinding(d, Code503ForRateLimit); got != tt.forLimit {
					t.Errorf("seed %d: 503-for-rate-limit %v, want %v: %+v", seed, got, tt.forLimit, d.Findings)
				}
				if got := hasFinding(d, CodeApplicationErrors); got != tt.appErrors {
					t.Errorf("seed %d: application-errors %v, want %v: %+v", seed, got, tt.appErrors, d.Findings)
				}
				if d.Burst.Admitted != 25 {
					t.Errorf("seed %d: burst %d, want 25", seed, d.Burst.Admitted)
				}
				want := "25/1s(measured) 1000/60s(retry-after) "
				if tt.name == "nginx-like: 503 for the limit, no Retry-After" {
					want = "25/1s(measured) " // no Retry-After to find the minute by within the caps
				}
				if got := inferredString(d.Inferred); got != want {
					t.Errorf("seed %d: inferred %q, want %q; steps %+v", seed, got, want, d.Steps)
				}
				for _, st := range d.Steps {
					if st.Name == StepWindow && st.Status != "done" && st.Status != "skipped" {
						t.Errorf("seed %d: window step %s: %+v", seed, st.Status, st)
					}
				}
				for _, f := range d.Findings {
					if f.Code == CodeApplicationErrors && f.Severity == SeverityError {
						t.Errorf("application errors are not an error of the limiter: %+v", f)
					}
				}
			}
		})
	}
}

// TestClassify503 checks the rule at its boundary: two 503s in a row are
// application errors, the third makes the run rate limiting (and every
// later 503), a 2xx breaks a run, a 429 does not, and a 503 with a
// Retry-After of at least a second is rate limiting alone.
func TestClassify503(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int
		ra       []time.Duration // per request; nil for none
		want     string          // L limited, A application error, - neither
		seqs     []int           // the order each answer's request was sent in; nil for the order answered
	}{
		{"two in a row", []int{200, 503, 503, 200}, nil, "-AA-", nil},
		{"three in a row", []int{200, 503, 503, 503, 200}, nil, "-LLL-", nil},
		{"then every 503", []int{503, 503, 503, 200, 503, 200}, nil, "LLL-L-", nil},
		{"a 2xx breaks the run", []int{503, 503, 200, 503, 503}, nil, "AA-AA", nil},
		{"a 429 does not", []int{503, 429, 503, 503}, nil, "LLLL", nil},
		{"Retry-After alone", []int{503, 503}, []time.Duration{time.Second, 0}, "LA", nil},
		{"Retry-After 0 is not", []int{503}, []time.Duration{0}, "A", nil},
		{"other 5xx", []int{500, 502, 504}, nil, "AAA", nil},
		// In flight together, a 2xx sent before a 503 can be answered after
		// it: only a 2xx sent between 503s breaks their run.
		{"a 2xx sent earlier and answered later does not break it", []int{503, 200, 503, 503}, nil, "L-LL", []int{2, 1, 3, 4}},
		{"a 2xx sent between breaks it", []int{503, 200, 503, 503}, nil, "A-AA", []int{1, 2, 3, 4}},
		// Once a run confirms it, the earlier 503s of the step were
		// rejections too (the limiter refilled between them).
		{"a run confirms the step's earlier 503s", []int{200, 503, 200, 503, 503, 503}, nil, "-L-LLL", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s streak503
			var reqs []*ProbeRequest
			for i, st := range tt.statuses {
				p := &ProbeRequest{Seq: i + 1, Status: st}
				if tt.seqs != nil {
					p.Seq = tt.seqs[i]
				}
				if tt.ra != nil {
					p.RetryAfter, p.HasRetryAfter = tt.ra[i], true
				}
				s.classify(p)
				reqs = append(reqs, p)
			}
			got := ""
			for _, p := range reqs {
				switch {
				case p.Limited():
					got += "L"
				case p.AppError():
					got += "A"
				default:
					got += "-"
				}
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestDiscoverCreditsVirtual probes serve's credits limiter, 25 fresh per
// 20 s tick and a store of 25, and a fixed window of 25 per 20 s, from
// the same instant in virtual time: the credits' first burst admits 50
// within one tick, the fixed window's 25, and that tells them apart.
func TestDiscoverCreditsVirtual(t *testing.T) {
	tests := []struct{ limit, kind, note string }{
		{"{kind: credits, quota: 25, per: 20s, burst: 25}", KindCredits, "the first burst admitted 50 within one window, the next 25: discrete credits"},
		{"{kind: fixed, quota: 25, per: 20s}", KindFixed, "a fixed window, aligned to the clock"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			p := parseProfile(t, "k", "name: k\nheaders: rewst\nlimits:\n  l: "+tt.limit+"\n")
			clock := memhttp.NewJumpClock(time.Date(2026, 2, 17, 9, 0, 4, 300_000_000, time.UTC))
			d := discoverSim(t, newSimSender(t, p, clock), DiscoverOptions{MaxRequests: 1000, MaxDuration: 180 * time.Second})
			if len(d.Inferred) != 1 {
				t.Fatalf("inferred %s, want one limit", inferredString(d.Inferred))
			}
			l := d.Inferred[0]
			if l.WindowSeconds != 20 || l.Limit != 25 || strings.Join(l.Kinds, " ") != tt.kind || l.Confidence != ConfidenceHigh ||
				!strings.Contains(l.KindNote+l.Note, tt.note) {
				t.Errorf("inferred %+v; want 25 per 20s, kind %s, confidence high, a note with %q", l, tt.kind, tt.note)
			}
		})
	}
}
