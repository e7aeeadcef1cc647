package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/internal/units"
)

// WriteProbeProfile writes the limiter a probe inferred as a profile file
// (YAML) that check, run and serve read: one limit per inferred limit,
// of its kind, with count_rejected when the probe saw it, and the header
// dialect the endpoint advertised. A comment header says that the profile
// was inferred, from which target (its URL as the result holds it,
// redacted), when, and how sure each limit is. A limit whose kind the
// caps left open is written as the first kind still possible, and the
// comment names the others. It writes nothing else and returns an error
// when the probe inferred no limit: a profile without limits would admit
// everything.
func WriteProbeProfile(w io.Writer, res *ProbeResult, now time.Time) error {
	if len(res.Inferred) == 0 {
		return fmt.Errorf("the probe inferred no limit, so there is no profile to write")
	}
	names := probeProfileNames(res.Inferred)
	var b strings.Builder
	fmt.Fprintf(&b, "# Inferred by hooklimit probe from %s\n", commentSafe(res.Target))
	fmt.Fprintf(&b, "# on %s, from %s requests in %s.\n", now.UTC().Format(time.RFC3339), numfmt.WithCommas(int64(res.Requests)), numfmt.ShortDuration(time.Duration(res.DurationSeconds*float64(time.Second))))
	if res.Verdict == VerdictIncomplete || res.Capped != "" {
		b.WriteString("# The probe was cut short: treat the numbers below as lower bounds.\n")
	}
	for i, l := range res.Inferred {
		conf := l.Confidence
		if conf == "" {
			conf = "unknown"
		}
		fmt.Fprintf(&b, "# %s: %s per %ds, confidence %s, basis %s", names[i], numfmt.WithCommas(l.Limit), l.WindowSeconds, conf, l.Basis)
		if len(l.Kind) > 1 {
			fmt.Fprintf(&b, "; kind open: %s, written as %s", l.Kind, l.Kind[0])
		} else if len(l.Kind) == 0 {
			b.WriteString("; kind not examined, written as window")
		}
		b.WriteString(".\n")
	}
	b.WriteString("name: inferred\n")
	fmt.Fprintf(&b, "description: %s\n", yamlQuote("limits inferred by hooklimit probe from "+res.Target))
	fmt.Fprintf(&b, "headers: %s\n", probeProfileDialect(res))
	if c := probeCountsRejected(res); c != nil {
		fmt.Fprintf(&b, "count_rejected: %t\n", *c)
	}
	for _, l := range res.Inferred {
		if l.Scope == "shared" {
			// One limit for every key: a workspace-scoped limit, which
			// adds up all traffic that names no workspace.
			b.WriteString("scope: workspace\n")
			break
		}
	}
	b.WriteString("limits:\n")
	for i, l := range res.Inferred {
		kind, quota, burst := probeProfileLimit(l, res.Burst.Admitted)
		fmt.Fprintf(&b, "  %s: {kind: %s, quota: %d, per: %ds", names[i], kind, quota, l.WindowSeconds)
		if burst > 0 {
			fmt.Fprintf(&b, ", burst: %d", burst)
		}
		b.WriteString("}\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// probeProfileLimit returns the kind, quota and burst of an inferred
// limit as a profile file writes them. A bucket refills quota per window
// into a capacity of the burst seen; credits add quota per window to a
// store that holds what the burst admitted beyond one window's quota.
func probeProfileLimit(l ProbeInferred, burst int64) (kind string, quota, b int64) {
	kind = "window"
	if len(l.Kind) > 0 {
		kind = l.Kind[0]
	}
	switch kind {
	case "bucket":
		return kind, l.Limit, max(burst, l.Limit, 1)
	case "credits":
		return kind, l.Limit, max(burst-l.Limit, 0)
	}
	return kind, l.Limit, 0
}

// probeProfileNames names the inferred limits by their windows:
// per_second, per_minute, per_hour, per_day, else per_Ns; a second limit
// of one window gets a suffix.
func probeProfileNames(ls []ProbeInferred) []string {
	names := make([]string, len(ls))
	seen := map[string]int{}
	for i, l := range ls {
		n := fmt.Sprintf("per_%ds", l.WindowSeconds)
		switch w := time.Duration(l.WindowSeconds) * time.Second; w {
		case time.Second, time.Minute, time.Hour, units.Day:
			n = "per_" + units.UnitName(w)
		}
		if seen[n]++; seen[n] > 1 {
			n = fmt.Sprintf("%s_%d", n, seen[n])
		}
		names[i] = n
	}
	return names
}

// probeProfileDialect returns the header dialect a profile file names for
// what the endpoint advertised: ietf when it sent the IETF RateLimit
// fields, else none (the other dialects are vendors' own).
func probeProfileDialect(res *ProbeResult) string {
	for name := range res.Headers {
		if n := strings.ToLower(name); n == "ratelimit" || n == "ratelimit-policy" {
			return "ietf"
		}
	}
	return "none"
}

// probeCountsRejected returns whether rejected requests count, when the
// probe saw it for some limit, and true when any limit counts them: the
// profile file has one count_rejected for all its limits.
func probeCountsRejected(res *ProbeResult) *bool {
	var out *bool
	for _, l := range res.Inferred {
		if l.CountsRejected == nil {
			continue
		}
		if out == nil || *l.CountsRejected {
			c := *l.CountsRejected
			out = &c
		}
	}
	return out
}

// yamlQuote quotes s as a YAML double-quoted scalar.
func yamlQuote(s string) string {
	return strconv.Quote(s)
}

// commentSafe replaces the control characters of s, so that it stays on
// one comment line.
func commentSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
