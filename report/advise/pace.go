package advise

import (
	"fmt"

	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/senders"
	"github.com/hooklimit/hooklimit/report"
)

// pace paces the sender, one bucket for every partition, at the rate of
// the profile's tightest limit counted in requests: under that rate, no
// limit of the profile is exceeded.
func (a *advisor) pace() ([]report.Suggestion, error) {
	l, ok := tightest(a.run.LoadedLimit)
	if !ok {
		return nil, nil
	}
	v := a.base()
	v.sender.Pace = probe.Bucket{Rate: l.Quota, Per: l.Per, Burst: 1}
	rate := units.FormatRate(l.Quota, l.Per)
	a.withSender(&v, "pace="+rate)
	res, err := a.simulate(v)
	if err != nil {
		return nil, err
	}
	return []report.Suggestion{suggestion("pace", fmt.Sprintf("pace the sender at %s, the profile's %s limit (--sender %s)", rate, l.Name, v.cmd.Sender), v, res)}, nil
}

// tightest returns the limit of p, counted in requests, whose rate is the
// lowest.
func tightest(p *limitsim.Profile) (limitsim.Limit, bool) {
	var best limitsim.Limit
	found := false
	for _, l := range p.Limits {
		if l.Unit == limitsim.Bytes || l.Quota <= 0 || l.Per <= 0 {
			continue
		}
		// l.Quota/l.Per < best.Quota/best.Per, without division.
		if !found || float64(l.Quota)*float64(best.Per) < float64(best.Quota)*float64(l.Per) {
			best, found = l, true
		}
	}
	return best, found
}

// withSender sets v's command line for v.sender, which is the run's sender
// with items added: the preset's name and the items when that parses to
// v.sender, else the whole spec, with the preset's retry policy spelled
// out when it was the preset's.
func (a *advisor) withSender(v *variant, items string) {
	if a.run.Sender != "" {
		spec := a.run.Sender + "," + items
		if m, err := senders.Parse(spec); err == nil && m.Sender == v.sender {
			v.cmd.Sender = spec
			return
		}
	}
	v.cmd.Sender = v.sender.String()
	if a.run.PresetRetry {
		v.cmd.Retry = v.policy.String()
	}
}
