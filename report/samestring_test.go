package report

import (
	"strings"
	"testing"
)

// TestSameString: sameString is ==, for strings that share their bytes,
// equal ones that do not, empty ones and ones that differ in length or
// in a byte.
func TestSameString(t *testing.T) {
	t.Parallel()
	k := "trigger-1"
	for _, tc := range []struct{ a, b string }{
		{k, k}, {k, strings.Clone(k)}, {"", ""}, {k, ""}, {k, k[:8]}, {k[:8], k[:8]}, {k, "trigger-2"}, {k[1:], k[1:]}, {k[:0], ""},
	} {
		if got, want := sameString(tc.a, tc.b), tc.a == tc.b; got != want {
			t.Errorf("sameString(%q, %q) = %v, want %v", tc.a, tc.b, got, want)
		}
	}
}
