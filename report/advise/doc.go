// Package advise says what would have passed when a run fails. It tries
// changes one at a time on the profile's simulator, in virtual time, with
// the same report.Simulation that `hooklimit run` uses:
//
//   - spread: the smallest time a bulk operation or burst must be spread
//     over (--over), or the highest steady or Poisson rate (--rate), found
//     by bisection to whole seconds or whole events a minute; the value
//     printed passes and the value one step worse fails, both simulated;
//   - pace: client-side pacing at the rate of the profile's tightest
//     limit (a token bucket shared by every partition);
//   - sender: the presets and disciplines, keeping those that lose nothing
//     and stay compliant;
//   - jitter: the smallest random extra wait on a Retry-After (whole
//     seconds) that breaks a herd of retries.
//
// Each suggestion carries the outcome of its simulated run and the
// complete `hooklimit run` command line that reproduces it, shell-quoted.
// A suggestion is offered as one that would pass only when that run
// passed, lost no event and got no 429. The advisor's cost is bounded:
// a number of simulations and of simulated attempts; a run too large to
// advise on by default is left alone, with a note saying how to ask.
package advise
