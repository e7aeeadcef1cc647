package limitsim

import (
	"fmt"
	"slices"
	"strings"
)

// ExcludeLimits returns copies of profiles without the limits that specs
// name, each spec "PROFILE.LIMIT" (one profile's limit) or "LIMIT" (that
// limit of every profile that has one), and records what was left out in
// each copy's Excluded. A profile's limits all apply, so a limit left out
// is neither simulated, enforced nor judged: it is how a user says that a
// limit cannot be judged from their data (a byte limit and records without
// sizes) and should not count. It is an error for a spec to name no limit
// of the profiles, or to leave a profile with none.
func ExcludeLimits(profiles []*Profile, specs []string) ([]*Profile, error) {
	out := make([]*Profile, len(profiles))
	for i, p := range profiles {
		out[i] = p.Clone()
	}
	for _, spec := range specs {
		spec = strings.TrimSpace(spec)
		if spec == "" {
			continue
		}
		prof, name, scoped := strings.Cut(spec, ".")
		if !scoped {
			prof, name = "", spec
		}
		found := false
		for _, p := range out {
			if (scoped && p.Name != prof) || p.Limit(name) == nil {
				continue
			}
			found = true
			p.Limits = slices.DeleteFunc(p.Limits, func(l Limit) bool { return l.Name == name })
			p.Excluded = append(p.Excluded, name)
			if len(p.Limits) == 0 {
				return nil, fmt.Errorf("%s: that leaves profile %s with no limit to check", spec, p.Name)
			}
		}
		if !found {
			return nil, fmt.Errorf("%s names no limit of %s (want PROFILE.LIMIT or LIMIT, e.g. %s)", spec, profileNames(out), exampleLimit(out))
		}
	}
	return out, nil
}

func profileNames(ps []*Profile) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// exampleLimit lists the limits of ps as PROFILE.LIMIT.
func exampleLimit(ps []*Profile) string {
	var names []string
	for _, p := range ps {
		for _, l := range p.Limits {
			names = append(names, p.Name+"."+l.Name)
		}
	}
	return strings.Join(names, ", ")
}
