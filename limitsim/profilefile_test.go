package limitsim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

func TestParseProfileExtendsChangesOneNumber(t *testing.T) {
	p, err := LoadProfile("testdata/profiles/rewst-50.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := builtin(t, "rewst")
	want.Limits[0].Quota = 50
	if p.Name != "rewst-50" || p.Extends != "rewst" || p.Dialect != "rewst" {
		t.Fatalf("name %q extends %q headers %q", p.Name, p.Extends, p.Dialect)
	}
	if len(p.Limits) != 2 || p.Limits[0] != want.Limits[0] || p.Limits[1] != want.Limits[1] {
		t.Fatalf("limits = %+v, want %+v", p.Limits, want.Limits)
	}
	// 50 in one second now fit, the 51st does not.
	pt := p.NewPartition()
	if got, _ := burst(pt, t0, 51, 0); got != 50 {
		t.Fatalf("admitted %d, want 50", got)
	}
}

func TestParseProfileFull(t *testing.T) {
	p, err := LoadProfile("testdata/profiles/gateway.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []Limit{
		{Name: "per_second", Kind: Window, Quota: 25, Per: time.Second, Unit: Requests},
		{Name: "bytes", Kind: Credits, Quota: 30_000_000, Per: time.Minute, Burst: 30_000_000, Unit: Bytes},
	}
	if p.Name != "my-gateway" || p.Scope != "tenant" || p.Dialect != "ietf" || len(p.Limits) != 2 || p.Limits[0] != want[0] || p.Limits[1] != want[1] {
		t.Fatalf("got %+v", p)
	}
}

func TestParseProfileErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		line       int
		field, msg string
	}{
		{"syntax", "limits: [\n", 1, "", "not valid YAML"},
		{"empty", "", 1, "", "the profile is empty"},
		{"not a mapping", "- rewst\n", 1, "", "must be a YAML mapping"},
		{"unknown extends", "extends: rewsst\n", 1, "extends", `unknown built-in profile "rewsst"`},
		{"unknown field", "extends: rewst\nlimitz: {}\n", 2, "limitz", "unknown field"},
		{"limit name typo", "extends: rewst\nlimits:\n  per_secnd:\n    quota: 10\n", 3, "limits.per_secnd", `rewst has no limit "per_secnd" (it has per_second, per_minute); to add a new limit, give its kind, quota and per`},
		{"limit name typo, workato", "extends: workato\nlimits:\n  bytez:\n    unit: bytes\n", 3, "limits.bytez", `workato has no limit "bytez" (it has `},
		{"unknown limit field", "extends: rewst\nlimits:\n  per_second:\n    quote: 5\n", 4, "limits.per_second.quote", "unknown field"},
		{"zero quota", "extends: rewst\nlimits:\n  per_second:\n    quota: 0\n", 4, "limits.per_second.quota", "must be a positive integer"},
		{"negative quota", "extends: rewst\nlimits:\n  per_second:\n    quota: -5\n", 4, "limits.per_second.quota", "must be a positive integer"},
		{"fraction", "extends: rewst\nlimits:\n  per_second:\n    quota: 2.5\n", 4, "limits.per_second.quota", "whole number"},
		{"bad per", "extends: rewst\nlimits:\n  per_second:\n    per: 1 fortnight\n", 4, "limits.per_second.per", "cannot parse"},
		{"bad size", "extends: workato\nlimits:\n  bytes:\n    quota: 30 megabytes\n", 4, "limits.bytes.quota", "cannot parse"},
		{"bad kind", "limits:\n  a: {kind: cone, quota: 1, per: 1s}\n", 2, "limits.a.kind", "must be one of"},
		{"missing per", "limits:\n  a: {kind: window, quota: 1}\n", 2, "limits.a.per", "positive duration"},
		{"no limits", "name: x\n", 0, "limits", "at least one limit"},
		{"bad headers", "extends: rewst\nheaders: klingon\n", 2, "headers", "unknown header dialect"},
		{"bad bool", "extends: rewst\ncount_rejected: maybe\n", 2, "count_rejected", "true or false"},
		{"twice", "extends: rewst\nname: a\nname: b\n", 3, "name", "given twice"},
		{"perwebhook order", "extends: perwebhook\nlimits:\n  hour:\n    quota: 30\n", 4, "limits.hour.quota", "minute <= hour <= day"},
		{"perwebhook day", "extends: perwebhook\nlimits:\n  day:\n    quota: 999\n", 4, "limits.day.quota", "must be at least hour's quota 1000"},
		{"limit not mapping", "limits:\n  a: 5\n", 2, "limits.a", "must be a mapping"},
		{"unknown scope", "extends: workato\nscope: workpsace\n", 2, "scope", `unknown scope "workpsace"`},
		{"scope not a string", "extends: rewst\nscope: [a]\n", 2, "scope", "must be a string"},
		{"second document", "extends: rewst\n---\nname: b\n", 2, "", "a profile file holds one YAML document, found a second"},
		{"key not a word", "extends: rewst\n? [a]: b\n", 2, "", "a field name must be a plain word"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProfile("p.yaml", []byte(tt.yaml))
			var in *exitcode.InputError
			if !errors.As(err, &in) {
				t.Fatalf("error %v (%T), want an *exitcode.InputError", err, err)
			}
			if in.File != "p.yaml" || in.Line != tt.line || in.Field != tt.field || !strings.Contains(in.Msg, tt.msg) {
				t.Fatalf("got %s:%d field %q msg %q; want line %d field %q msg containing %q", in.File, in.Line, in.Field, in.Msg, tt.line, tt.field, tt.msg)
			}
			if exitcode.Of(err) != exitcode.Usage {
				t.Fatalf("exit code %d, want 2", exitcode.Of(err))
			}
		})
	}
}

func TestLoadProfileNames(t *testing.T) {
	if p, err := LoadProfile("workato"); err != nil || p.Name != "workato" {
		t.Fatalf("LoadProfile(workato) = %v, %v", p, err)
	}
	_, err := LoadProfile("rewts")
	if err == nil || !strings.Contains(err.Error(), "unknown profile \"rewts\"") || !strings.Contains(err.Error(), "rewst") {
		t.Fatalf("LoadProfile(rewts) error = %v", err)
	}
	_, err = LoadProfile(filepath.Join(t.TempDir(), "missing.yaml"))
	if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "missing.yaml") {
		t.Fatalf("missing file: %v", err)
	}
}

func FuzzParseProfile(f *testing.F) {
	for _, name := range []string{"testdata/profiles/rewst-50.yaml", "testdata/profiles/gateway.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("extends: perwebhook\nlimits:\n  day: {quota: 5}\n"))
	f.Add([]byte("limits:\n  a: {kind: bucket, quota: 7, per: 3s, burst: 9}\n"))
	f.Add([]byte("extends: rewst\nlimits:\n  per_secnd: {quota: 10}\n  extra: {kind: window, quota: 5, per: 1h}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProfile("f.yaml", data)
		if err != nil {
			var in *exitcode.InputError
			if !errors.As(err, &in) || in.File != "f.yaml" {
				t.Fatalf("error %v is not an input error naming the file", err)
			}
			return
		}
		// A profile that parses is valid and can decide.
		if err := p.Validate(); err != nil {
			t.Fatalf("parsed profile is invalid: %v", err)
		}
		p.NewPartition().Decide(t0, 100)
	})
}

// manyLimits returns a profile file of n window limits.
func manyLimits(n int) []byte {
	var b strings.Builder
	b.WriteString("limits:\n")
	for i := range n {
		fmt.Fprintf(&b, "  l%d: {kind: window, quota: %d, per: 1s}\n", i, i+1)
	}
	return []byte(b.String())
}

// TestProfileLimitCap: MaxLimits limits parse; one more is an error at
// its line; and a file of 2,000 stops there with the same error
// (BenchmarkParseProfile shows the time is linear in the file: 50,000
// took 11 s when parsing was quadratic).
func TestProfileLimitCap(t *testing.T) {
	p, err := ParseProfile("p.yaml", manyLimits(MaxLimits))
	if err != nil || len(p.Limits) != MaxLimits {
		t.Fatalf("%d limits: %v", MaxLimits, err)
	}
	for _, n := range []int{MaxLimits + 1, 2_000} {
		_, err := ParseProfile("p.yaml", manyLimits(n))
		want := fmt.Sprintf("p.yaml:%d: limits.l%d: is one limit too many: a profile has at most %d", MaxLimits+2, MaxLimits, MaxLimits)
		if err == nil || err.Error() != want || exitcode.Of(err) != exitcode.Usage {
			t.Errorf("%d limits: %v, want %q", n, err, want)
		}
	}
	// Extending a built-in profile counts its limits too.
	_, err = ParseProfile("p.yaml", append([]byte("extends: perwebhook\n"), manyLimits(MaxLimits)...))
	if err == nil || !strings.Contains(err.Error(), "is one limit too many") {
		t.Errorf("extends: %v", err)
	}
}

// BenchmarkParseProfile parses profiles of 10 and MaxLimits limits, and
// rejects files of 1,000 and 10,000: the time is linear in the file.
func BenchmarkParseProfile(b *testing.B) {
	for _, n := range []int{10, MaxLimits, 1_000, 10_000} {
		data := manyLimits(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ParseProfile("p.yaml", data); (err == nil) != (n <= MaxLimits) {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestLoadProfileSizeCap: a profile file past MaxProfileFile, or endless,
// is an input error naming it.
func TestLoadProfileSizeCap(t *testing.T) {
	name := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(name, manyLimits(30_000), 0o644); err != nil { // about 1.2 MiB
		t.Fatal(err)
	}
	for _, n := range []string{name, "/dev/zero"} {
		if _, err := os.Stat(n); err != nil {
			continue
		}
		_, err := LoadProfile(n)
		if want := n + ": is longer than 1 MiB, the most a profile may hold"; err == nil || err.Error() != want || exitcode.Of(err) != exitcode.Usage {
			t.Errorf("LoadProfile(%s) = %v, want %q", n, err, want)
		}
	}
}
