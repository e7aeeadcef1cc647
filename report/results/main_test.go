package results

import (
	"testing"

	"github.com/hooklimit/hooklimit/internal/testmain"
)

// TestMain exits without the race detector's second of waiting (see
// package internal/testmain).
func TestMain(m *testing.M) { testmain.Run(m) }
