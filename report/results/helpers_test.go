package results

import (
	"testing"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
)

// st0 is the time the fixtures start at: 2026-02-17T09:00:00Z.
const st0 = int64(1_771_318_800_000_000_000)

// builtin returns the built-in profile name.
func builtin(t testing.TB, name string) *limitsim.Profile {
	t.Helper()
	p, ok := limitsim.Builtin(name)
	if !ok {
		t.Fatalf("no built-in profile %q", name)
	}
	return p
}

// cancelAfter cancels a run after its n-th attempt.
type cancelAfter struct {
	probe.Observer
	n      int
	cancel func()
}

func (c *cancelAfter) Attempt(a *probe.Attempt) {
	c.Observer.Attempt(a)
	if c.n--; c.n == 0 {
		c.cancel()
	}
}
