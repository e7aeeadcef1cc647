package discover

import (
	"testing"

	"github.com/hooklimit/hooklimit/internal/testmain"
)

// TestMain exits without the race detector's second of waiting, and
// lets the tests against real servers (nginx, a socket), which wait on
// the clock for seconds, all run at once (see package internal/testmain).
func TestMain(m *testing.M) { testmain.RunWaiting(m, 8) }
