package advise

import (
	"strconv"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/scenarios"
)

// Command returns the command line of r with its flags: "hooklimit run",
// the scenario or plan, the scenario's parameters, the profile, the
// sender and retry policy when given, the seed, then r.Extra, every
// argument shell-quoted.
func (r *Run) Command() string {
	args := []string{"hooklimit", "run"}
	if r.Plan != "" {
		args = append(args, "--plan", r.Plan)
	} else {
		args = append(args, r.Scenario)
		if r.File != "" {
			args = append(args, r.File)
		}
		args = append(args, paramFlags(r.Params)...)
	}
	if r.Profile != "" {
		args = append(args, "--profile", r.Profile)
	}
	for _, e := range r.Exclude {
		args = append(args, "--exclude-limit", e)
	}
	if r.Sender != "" {
		args = append(args, "--sender", r.Sender)
	}
	if r.Retry != "" {
		args = append(args, "--retry", r.Retry)
	}
	args = append(args, "--seed", strconv.FormatUint(r.Seed, 10))
	args = append(args, r.Extra...)
	for i, a := range args {
		args[i] = ShellQuote(a)
	}
	return strings.Join(args, " ")
}

// paramFlags writes the parameters given in p as flags of `hooklimit run`.
func paramFlags(p scenarios.Params) []string {
	var out []string
	add := func(ok bool, name, val string) {
		if ok {
			out = append(out, "--"+name, val)
		}
	}
	add(!p.Rate.IsZero(), "rate", p.Rate.String())
	add(!p.To.IsZero(), "to", p.To.String())
	add(p.Duration != 0, "duration", FlagDuration(p.Duration))
	add(p.Events != 0, "events", strconv.FormatInt(p.Events, 10))
	add(p.Over != 0, "over", FlagDuration(p.Over))
	add(p.Copies != 0, "copies", strconv.Itoa(p.Copies))
	add(p.Gap != 0, "gap", FlagDuration(p.Gap))
	add(p.Keys != 0, "keys", strconv.Itoa(p.Keys))
	add(p.Size != 0, "size", strconv.FormatInt(p.Size, 10))
	add(p.Speed != 0, "speed", strconv.FormatFloat(p.Speed, 'g', -1, 64))
	return out
}

// FlagDuration writes d as a duration flag reads it (time.ParseDuration),
// as short as it goes: "2m", "1m58s", "1h", "1h0m5s".
func FlagDuration(d time.Duration) string {
	s := d.String()
	for _, z := range []string{"0s", "0m"} {
		if len(s) > 2 && strings.HasSuffix(s, z) && s != "0s" {
			if t := strings.TrimSuffix(s, z); t != "" && !strings.HasSuffix(t, ".") && (t[len(t)-1] < '0' || t[len(t)-1] > '9') {
				s = t
			}
		}
	}
	return s
}

// ShellQuote returns s as one word of a POSIX shell: as it is when it
// holds only characters the shell leaves alone, else in single quotes.
func ShellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("@%+=:,./_-", c)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
