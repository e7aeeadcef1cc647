package probe

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// TestParseSender reads specs into Senders, and their String back into
// the same Sender.
func TestParseSender(t *testing.T) {
	for _, tt := range []struct {
		spec string
		want Sender
		str  string
	}{
		{"parallel", Sender{}, "parallel"},
		{"ordered", Sender{Ordered: true}, "ordered"},
		{" Ordered , pause-on-429 ", Sender{Ordered: true, PauseOn429: true}, "ordered,pause-on-429=1m"},
		{"pause-on-429=30s", Sender{PauseOn429: true, PauseFallback: 30 * time.Second}, "parallel,pause-on-429=30s"},
		{"pace=1000/1m", Sender{Pace: Bucket{Rate: 1000, Per: time.Minute}}, "parallel,pace=1000/1m"},
		{"pace=20/s,burst=5,pace-per=partition", Sender{Pace: Bucket{Rate: 20, Per: time.Second, Burst: 5, PerPartition: true}}, "parallel,pace=20/s,burst=5,pace-per=partition"},
		{"concurrency=8,disable-after=25", Sender{Concurrency: 8, DisableAfter: 25}, "parallel,concurrency=8,disable-after=25"},
		{"retry-after=ms", Sender{RetryAfter: RetryAfterMillis}, "parallel,retry-after=ms"},
		{"retry-after=ignore", Sender{RetryAfter: RetryAfterIgnore}, "parallel,retry-after=ignore"},
		{"retry-after=honour", Sender{}, "parallel"},
		{"retry-after=max(cap=2h)", Sender{RetryAfter: RetryAfterMax, RetryAfterCap: 2 * time.Hour}, "parallel,retry-after=max(cap=2h)"},
	} {
		got, err := ParseSender(tt.spec)
		if err != nil || got != tt.want {
			t.Errorf("ParseSender(%q) = %+v, %v; want %+v", tt.spec, got, err, tt.want)
			continue
		}
		if s := got.String(); s != tt.str {
			t.Errorf("%q: String() = %q, want %q", tt.spec, s, tt.str)
		}
		if back, err := ParseSender(got.String()); err != nil || back.String() != got.String() {
			t.Errorf("%q: String() %q does not read back: %+v, %v", tt.spec, got.String(), back, err)
		}
	}
}

// TestParseSenderErrors checks that bad specs are usage errors naming the
// item at fault.
func TestParseSenderErrors(t *testing.T) {
	for _, tt := range []struct{ spec, field string }{
		{"", "spec"},
		{"ordered,", "spec"},
		{"ordered,parallel", "parallel"},
		{"ordered,ordered", "ordered"},
		{"serial", "serial"},
		{"ordered=1", "ordered"},
		{"pace", "pace"},
		{"pace=fast", "pace"},
		{"pace=0/1m", "pace"},
		{"burst=3", "pace"},
		{"pace=1/s,pace-per=key", "pace-per"},
		{"concurrency=0", "concurrency"},
		{"concurrency=-1", "concurrency"},
		{"disable-after=x", "disable-after"},
		{"retry-after=seconds", "retry-after"},
		{"retry-after=max(2h)", "retry-after"},
		{"retry-after=max(cap=-1s)", "retry-after"},
		{"pause-on-429=0s", "pause-on-429"},
		{strings.Repeat("ordered", 200), "spec"},
	} {
		_, err := ParseSender(tt.spec)
		var ie *exitcode.InputError
		if !errors.As(err, &ie) || ie.File != "flag --sender" || ie.Field != tt.field || exitcode.Of(err) != exitcode.Usage {
			t.Errorf("ParseSender(%q) = %v; want an input error (exit 2) on field %q", tt.spec, err, tt.field)
		}
	}
}

// FuzzParseSender checks that ParseSender never panics, and that what it
// accepts prints as a spec it reads back the same.
func FuzzParseSender(f *testing.F) {
	for _, s := range []string{"parallel", "ordered,pause-on-429=30s,pace=1000/1m,burst=3,pace-per=partition,concurrency=8,disable-after=25,retry-after=max(cap=2h)", "retry-after=ms", ",,=", "pace=1/0s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := ParseSender(spec)
		if err != nil {
			return
		}
		back, err := ParseSender(s.String())
		if err != nil || back.String() != s.String() {
			t.Fatalf("%q: String() %q reads back as %+v, %v", spec, s.String(), back, err)
		}
	})
}
