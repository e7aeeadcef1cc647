package probe

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/units"
)

// senderFlag names the input ParseSender errors point to.
const senderFlag = "flag --sender"

// maxSenderSpec bounds a spec, so that a hostile one costs nothing.
const maxSenderSpec = 1024

// SenderSyntax is the grammar of a sender spec, for help texts.
const SenderSyntax = `parallel | ordered, then any of:
  pause-on-429[=FALLBACK]   hold the partition until the Retry-After ends (FALLBACK, default 1m, without one)
  pace=RATE                 client-side token bucket: 1000/1m, 20/s
  burst=N                   tokens the bucket holds (default 1)
  pace-per=all|partition    one bucket for all partitions (default) or one each
  concurrency=N             attempts in flight at most
  disable-after=N           disable after N deliveries given up in a row: every later one is lost
  retry-after=honour|ms|ignore|max(cap=DURATION)
                            read Retry-After as sent, as milliseconds, not at all,
                            or wait max(backoff, Retry-After) but at most backoff + cap`

// ParseSender reads a sender spec: comma-separated items, in any order,
// as SenderSyntax lists them. "parallel" alone is the zero Sender:
//
//	ordered,pause-on-429,pace=1000/1m,concurrency=8,disable-after=25,retry-after=max(cap=2h)
//
// Names are not case sensitive and spaces around the commas and the "="
// are ignored. An error is an *exitcode.InputError whose File is
// "flag --sender" and whose Field is the item at fault; it says what was
// expected. ParseSender never panics.
func ParseSender(spec string) (Sender, error) {
	var s Sender
	if len(spec) > maxSenderSpec {
		return s, senderError("spec", fmt.Sprintf("longer than %d bytes", maxSenderSpec))
	}
	seen := map[string]bool{}
	for _, item := range strings.Split(spec, ",") {
		name, val, hasVal := strings.Cut(item, "=")
		name, val = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(val)
		if name == "" {
			return s, senderError("spec", "empty item; want "+itemNames)
		}
		if seen[name] || (seen["parallel"] && name == "ordered") || (seen["ordered"] && name == "parallel") {
			return s, senderError(name, "given twice, or with its opposite")
		}
		seen[name] = true
		if err := s.set(name, val, hasVal); err != nil {
			return Sender{}, err
		}
	}
	if seen["burst"] && s.Pace.Rate == 0 || seen["pace-per"] && s.Pace.Rate == 0 {
		return Sender{}, senderError("pace", "burst and pace-per need a pace=RATE")
	}
	if err := s.Validate(); err != nil {
		return Sender{}, senderError("spec", err.Error())
	}
	return s, nil
}

// itemNames lists the items of a spec, for errors.
const itemNames = "parallel, ordered, pause-on-429, pace, burst, pace-per, concurrency, disable-after, retry-after"

// set applies one item.
func (s *Sender) set(name, val string, hasVal bool) error {
	noValue := func() error {
		if hasVal {
			return senderError(name, "takes no value")
		}
		return nil
	}
	if !strings.Contains(", "+itemNames+",", ", "+name+",") {
		return senderError(name, "unknown item; want "+itemNames)
	}
	if !hasVal && name != "parallel" && name != "ordered" && name != "pause-on-429" {
		return senderError(name, "needs a value: "+name+"=...; want "+itemNames)
	}
	switch name {
	case "parallel":
		return noValue()
	case "ordered":
		s.Ordered = true
		return noValue()
	case "pause-on-429":
		s.PauseOn429 = true
		if hasVal {
			d, err := units.ParseDuration(val)
			if err != nil || d <= 0 {
				return senderError(name, "want a positive duration, e.g. pause-on-429=30s")
			}
			s.PauseFallback = d
		}
	case "pace":
		n, per, err := units.ParseRate(val)
		if err != nil {
			return senderError(name, err.Error())
		}
		s.Pace.Rate, s.Pace.Per = n, per
	case "burst":
		n, err := count(name, val)
		s.Pace.Burst = int64(n)
		return err
	case "pace-per":
		switch strings.ToLower(val) {
		case "all":
		case "partition":
			s.Pace.PerPartition = true
		default:
			return senderError(name, "want all or partition")
		}
	case "concurrency":
		n, err := count(name, val)
		s.Concurrency = n
		return err
	case "disable-after":
		n, err := count(name, val)
		s.DisableAfter = n
		return err
	case "retry-after":
		return s.setRetryAfter(strings.ToLower(val))
	default:
		return senderError(name, "unknown item; want "+itemNames)
	}
	return nil
}

// setRetryAfter reads honour, ms, ignore or max(cap=DURATION).
func (s *Sender) setRetryAfter(v string) error {
	switch v {
	case "honour", "honor":
		s.RetryAfter = RetryAfterHonour
		return nil
	case "ms":
		s.RetryAfter = RetryAfterMillis
		return nil
	case "ignore":
		s.RetryAfter = RetryAfterIgnore
		return nil
	}
	inner, ok := strings.CutPrefix(v, "max(")
	if inner, ok2 := strings.CutSuffix(inner, ")"); ok && ok2 {
		k, d, _ := strings.Cut(inner, "=")
		capd, err := units.ParseDuration(strings.TrimSpace(d))
		if strings.TrimSpace(k) == "cap" && err == nil && capd >= 0 {
			s.RetryAfter, s.RetryAfterCap = RetryAfterMax, capd
			return nil
		}
	}
	return senderError("retry-after", "want honor, ms, ignore or max(cap=DURATION), e.g. retry-after=max(cap=2h)")
}

// count reads a whole number from 1 to 1,000,000.
func count(name, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, senderError(name, "want a whole number from 1 to 1000000")
	}
	return n, nil
}

func senderError(field, msg string) *exitcode.InputError {
	return &exitcode.InputError{File: senderFlag, Field: field, Msg: msg}
}
