package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/golden"
	"github.com/hooklimit/hooklimit/limitsim"
)

func TestGoldenProfileDiff(t *testing.T) {
	builtin := func(name string) *limitsim.Profile {
		p, ok := limitsim.Builtin(name)
		if !ok {
			t.Fatalf("no built-in %s", name)
		}
		return p
	}
	for _, c := range []struct{ a, b, file string }{
		{"rewst", "rewst@2026-02-18", "rewst.rewst@2026-02-18"},
		{"workato", "workato@r3", "workato.workato@r3"},
	} {
		for _, f := range []Format{Table, Markdown, JSON} {
			var b bytes.Buffer
			if err := ProfileDiff(&b, f, builtin(c.a), builtin(c.b)); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "testdata/profiles_diff/"+c.file+"."+string(f), b.Bytes())
		}
	}
}

func TestProfileDiffSame(t *testing.T) {
	p, _ := limitsim.Builtin("workato@r2")
	var b bytes.Buffer
	if err := ProfileDiff(&b, Table, p, p); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "workato@r2 and workato@r2 have the same limits, scope, headers, count_rejected and ordered.\n" {
		t.Errorf("same profile: %q", got)
	}
	b.Reset()
	if err := ProfileDiff(&b, JSON, p, p); err != nil {
		t.Fatal(err)
	}
	var j ProfileDiffJSON
	if err := json.Unmarshal(b.Bytes(), &j); err != nil || j.Changes == nil || len(j.Changes) != 0 {
		t.Errorf("JSON of no change: %s (%v)", b.String(), err)
	}
	// A name from a file path cannot drive the terminal.
	q := p.Clone()
	q.Name = "evil\x1b[2J"
	q.Limits[0].Burst = 5
	b.Reset()
	if err := ProfileDiff(&b, Table, p, q); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b") {
		t.Errorf("escape sequence passed through: %q", b.String())
	}
}
