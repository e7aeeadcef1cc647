package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// TestConfirmSend: loopback targets (127.0.0.1, [::1], localhost) and
// --yes go ahead without a question; any other host is asked about on a
// terminal, where only y or yes goes ahead, and refused with exit 2 and a
// hint to pass --yes when there is no terminal. The prompt reader is the
// injected standard input.
func TestConfirmSend(t *testing.T) {
	tests := []struct {
		target   string
		yes, tty bool
		answer   string
		code     int // 0: go ahead
		asked    bool
	}{
		{"http://127.0.0.1:8080/hooks/t1", false, false, "", 0, false},
		{"http://[::1]:8080/hooks/t1", false, false, "", 0, false},
		{"http://localhost:8080/hooks/t1", false, false, "", 0, false},
		{"http://127.0.0.2/x", false, false, "", 0, false},
		{"https://staging.example.test/x", true, false, "", 0, false},
		{"https://staging.example.test/x", false, false, "y\n", exitcode.Usage, false},
		{"http://10.0.0.1/x", false, false, "", exitcode.Usage, false},
		{"http://localhost.example.test/x", false, false, "", exitcode.Usage, false},
		{"https://staging.example.test/x", false, true, "y\n", 0, true},
		{"https://staging.example.test/x", false, true, "YES\n", 0, true},
		{"https://staging.example.test/x", false, true, "n\n", exitcode.Usage, true},
		{"https://staging.example.test/x", false, true, "", exitcode.Usage, true},
	}
	for _, tt := range tests {
		ios, in, _, errOut := newTestIOStreams()
		ios.InIsTerminal = tt.tty
		in.WriteString(tt.answer)
		err := confirmSend(ios, tt.target, tt.yes, "send to", "send 3 events to it")
		code := 0
		var ec *exitcode.Error
		if errors.As(err, &ec) {
			code = ec.Code
		} else if err != nil {
			code = -1
		}
		if code != tt.code {
			t.Errorf("%s yes=%v tty=%v answer %q: exit %d (%v), want %d", tt.target, tt.yes, tt.tty, tt.answer, code, err, tt.code)
		}
		if asked := strings.Contains(errOut.String(), "[y/N]"); asked != tt.asked {
			t.Errorf("%s tty=%v: asked %v, want %v (stderr %q)", tt.target, tt.tty, asked, tt.asked, errOut)
		}
		if code != 0 && !strings.Contains(err.Error(), "pass --yes to send to ") {
			t.Errorf("%s: %v does not say to pass --yes", tt.target, err)
		}
	}
}
