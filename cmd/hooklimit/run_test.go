package main

import (
	"slices"
	"testing"
)

func TestSplitPolicies(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"none,immediate,exponential,retry-after", []string{"none", "immediate", "exponential", "retry-after"}},
		{"none,exponential,base=2s,max=3,retry-after", []string{"none", "exponential,base=2s,max=3", "retry-after"}},
		{"retry-after,fallback=(fixed,delay=1s,max=2),svix", []string{"retry-after,fallback=(fixed,delay=1s,max=2)", "svix"}},
		{" none , ,fixed", []string{"none", "fixed"}},
	}
	for _, tt := range tests {
		if got := splitPolicies(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitPolicies(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
