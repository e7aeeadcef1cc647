package scenarios

// Settings are what a run takes either from a plan or from the command
// line: the profile, the retry policy, the target and the seed.
type Settings struct {
	Profile string
	Retry   string
	Sender  string
	Target  string // "" for the simulator
	Seed    uint64
}

// Given says which Settings the command line set explicitly. RetryList
// is set when it gave retry policies to compare, which replaces the
// plan's policy as Retry does.
type Given struct {
	Profile, Retry, RetryList, Target, Seed, Sender bool
}

// Settings returns the settings to run the plan with. cmd holds the
// command line's values, its defaults where given says it set nothing.
// A setting the command line gives wins over the plan's:
//
//   - profile: the plan's, unless the command line gives one or the plan
//     gives none;
//   - retry: the plan's, unless the command line gives a policy or a list
//     to compare, or the plan gives none;
//   - sender: the plan's, unless the command line gives one;
//   - target: the plan's, unless the command line gives one or the plan's
//     is "sim" (the simulator), which leaves the command line's;
//   - seed: the plan's (0 when it gives none), unless the command line
//     gives one.
//
// checkRetry validates the plan's retry policy when it is the one used;
// its error is reported at the plan's retry line.
func (p *Plan) Settings(cmd Settings, given Given, checkRetry func(string) error) (Settings, error) {
	s := cmd
	if p.Profile != "" && !given.Profile {
		s.Profile = p.Profile
	}
	if p.Retry != "" && !given.Retry && !given.RetryList {
		if err := checkRetry(p.Retry); err != nil {
			return Settings{}, p.ValueError("retry", err)
		}
		s.Retry = p.Retry
	}
	if p.Sender != "" && !given.Sender {
		s.Sender = p.Sender
	}
	if !given.Target && p.Target != "sim" {
		s.Target = p.Target
	}
	if !given.Seed {
		s.Seed = p.Seed
	}
	return s, nil
}
