package discover

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/memhttp"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
)

// simSender answers as limitsim.Handler does, deciding each request at the
// virtual clock's time. edit, when set, may change the answer (to model a
// misbehaving endpoint).
type simSender struct {
	clock   *memhttp.JumpClock
	profile *limitsim.Profile
	part    *limitsim.Partition
	dialect limitsim.Dialect
	latency time.Duration
	edit    func(status *int, h http.Header, d *limitsim.Decision)
}

func newSimSender(t *testing.T, p *limitsim.Profile, clock *memhttp.JumpClock, dialects ...string) *simSender {
	t.Helper()
	if len(dialects) == 0 {
		dialects = []string{p.Dialect}
	}
	dl, err := limitsim.Dialects(dialects...)
	if err != nil {
		t.Fatal(err)
	}
	return &simSender{clock: clock, profile: p, part: p.NewPartition(), dialect: dl, latency: time.Millisecond}
}

func (s *simSender) Send(_ context.Context, size int64) probe.SendResult {
	d := s.part.Decide(s.clock.Now().UnixNano(), probe.ProbeBodySize(size))
	h := http.Header{}
	s.dialect.WriteHeaders(h, s.profile, &d)
	status := http.StatusOK
	switch {
	case d.Admitted:
	case d.RetryAt == limitsim.Never:
		status = http.StatusRequestEntityTooLarge
	default:
		status = http.StatusTooManyRequests
	}
	if s.edit != nil {
		s.edit(&status, h, &d)
	}
	s.clock.Advance(s.latency)
	return probe.SendResult{Status: status, Header: h}
}

// discoverSim runs Discover against p in virtual time, starting at start,
// with one request in flight so that the run is deterministic.
func discoverSim(t *testing.T, s *simSender, o DiscoverOptions) *Discovery {
	t.Helper()
	o.Sender, o.Clock, o.InFlight = s, s.clock, 1
	d, err := Discover(context.Background(), o)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	return d
}

func builtin(t *testing.T, name string) *limitsim.Profile {
	t.Helper()
	p, ok := limitsim.Builtin(name)
	if !ok {
		t.Fatalf("no built-in profile %s", name)
	}
	return p
}

// midMinute is a start time 10 s into a minute, away from the boundaries
// of fixed windows.
var midMinute = time.Date(2026, 2, 17, 9, 0, 10, 0, time.UTC)

func inferredString(ls []InferredLimit) string {
	s := ""
	for _, l := range ls {
		s += strconv.FormatInt(l.Limit, 10) + "/" + strconv.FormatInt(l.WindowSeconds, 10) + "s(" + l.Basis + ") "
	}
	return s
}

// TestDiscoverBuiltinsVirtual probes each built-in profile at its real
// numbers in virtual time: the numbers found are exactly the documented
// ones, each found the way it can be.
func TestDiscoverBuiltinsVirtual(t *testing.T) {
	t.Parallel() // on virtual time: it works while the real servers' tests wait
	tests := []struct {
		profile  string
		dialects []string
		o        DiscoverOptions
		burst    int64
		inferred string
		findings []string // codes, in order
	}{
		{"rewst", nil, DiscoverOptions{MaxRequests: 3000, MaxDuration: 90 * time.Second},
			25, "25/1s(measured) 1000/60s(retry-after) ", nil},
		{"rewst", []string{"rewst", "ietf"}, DiscoverOptions{MaxRequests: 500, MaxDuration: 30 * time.Second},
			25, "25/1s(measured) ", nil},
		{"workato", nil, DiscoverOptions{MaxRequests: 40000, MaxDuration: 60 * time.Second},
			18020, "20/1s(measured) ", nil},
		{"salesbuildr", nil, DiscoverOptions{MaxRequests: 3000, MaxDuration: 90 * time.Second},
			500, "500/600s(retry-after) ", nil},
		{"autotask", nil, DiscoverOptions{MaxRequests: 25000, MaxDuration: 2 * time.Hour},
			10000, "10000/3600s(recovery) ", []string{Code429NoRetryAfter}},
		{"perwebhook", nil, DiscoverOptions{MaxRequests: 500, MaxDuration: 20 * time.Second},
			60, "60/60s(advertised) ", []string{Code429NoRetryAfter}},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			p := builtin(t, tt.profile)
			clock := memhttp.NewJumpClock(midMinute)
			s := newSimSender(t, p, clock, tt.dialects...)
			s.latency = 0
			d := discoverSim(t, s, tt.o)
			if d.Burst.Admitted != tt.burst {
				t.Errorf("burst = %d, want %d", d.Burst.Admitted, tt.burst)
			}
			if got := inferredString(d.Inferred); got != tt.inferred {
				t.Errorf("inferred = %q, want %q\nsteps: %+v", got, tt.inferred, d.Steps)
			}
			var codes []string
			for _, f := range d.Findings {
				codes = append(codes, f.Code)
			}
			if strconv.Quote(stringsJoin(codes)) != strconv.Quote(stringsJoin(tt.findings)) {
				t.Errorf("findings = %v, want %v: %+v", codes, tt.findings, d.Findings)
			}
			if d.Requests > tt.o.MaxRequests || time.Duration(d.End-d.Start) > tt.o.MaxDuration+10*time.Second {
				t.Errorf("caps broken: %d requests in %s", d.Requests, time.Duration(d.End-d.Start))
			}
			for _, c := range d.RetryAfter {
				if c.Checked && !c.Admitted || c.EarlySent && !c.EarlyOK {
					t.Errorf("Retry-After check failed on the simulator: %+v", c)
				}
			}
		})
	}
}

func stringsJoin(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

// TestDiscoverInterrupted cancels a discovery in the middle of the rate
// search: Discover returns what it measured, marked interrupted, and no
// trial cut short counts as held.
func TestDiscoverInterrupted(t *testing.T) {
	clock := memhttp.NewJumpClock(midMinute)
	s := newSimSender(t, builtin(t, "rewst"), clock)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	o := DiscoverOptions{Sender: s, Clock: clock, InFlight: 1, MaxRequests: 3000, MaxDuration: 90 * time.Second,
		OnRequest: func(p *ProbeRequest) {
			if n++; n == 200 {
				cancel()
			}
		}}
	d, err := Discover(ctx, o)
	if err == nil || !d.Interrupted || d.Requests != 200 {
		t.Fatalf("Discover = %d requests, interrupted %v, %v; want 200, true and an error", d.Requests, d.Interrupted, err)
	}
	if d.Burst.Admitted != 25 {
		t.Errorf("the burst before the interruption was lost: %+v", d.Burst)
	}
	for _, tr := range d.Rate.Trials {
		if tr.Sent == 0 {
			t.Errorf("an empty trial was recorded: %+v", d.Rate.Trials)
		}
	}
	if last := d.Steps[len(d.Steps)-1]; last.Status == "done" {
		t.Errorf("the last step says done after an interruption: %+v", d.Steps)
	}
}
