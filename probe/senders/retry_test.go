package senders

import (
	"errors"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// TestParsePolicy reads policies as retry.ParsePolicy does, and points a
// preset's name given as a policy to --sender, unless the name is also a
// policy's (svix, outboundsync), which --retry takes as that policy.
func TestParsePolicy(t *testing.T) {
	if p, err := ParsePolicy("fixed,delay=2s,max=5"); err != nil || p.String() != "fixed,delay=2s,max=5" {
		t.Fatalf("fixed: %v, %v", p, err)
	}
	for _, pre := range Presets() {
		p, err := ParsePolicy(pre.Name)
		if pre.Name == "svix" || pre.Name == "outboundsync" {
			if err != nil || p.Name() != pre.Name {
				t.Errorf("%s is a policy too: %v, %v", pre.Name, p, err)
			}
			continue
		}
		var ie *exitcode.InputError
		if !errors.As(err, &ie) || ie.Field != "policy" || !strings.Contains(ie.Msg, "use --sender "+pre.Name) || !strings.Contains(ie.Msg, pre.Retry) {
			t.Errorf("%s: %v", pre.Name, err)
		}
	}
	if _, err := ParsePolicy("nonsense"); err == nil || !strings.Contains(err.Error(), `unknown policy "nonsense"`) {
		t.Errorf("nonsense: %v", err)
	}
}
