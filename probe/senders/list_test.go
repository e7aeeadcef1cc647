package senders

import (
	"reflect"
	"testing"
)

func TestSplitList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"autotask,svix,hubspot,ordered,pause-on-429", []string{"autotask", "svix", "hubspot", "ordered", "pause-on-429"}},
		{"autotask,concurrency=4,svix", []string{"autotask,concurrency=4", "svix"}},
		{"pause-on-429,pace=1000/1m", []string{"pause-on-429,pace=1000/1m"}},
		{"(ordered,pause-on-429),pace=1000/1m,svix", []string{"ordered,pause-on-429,pace=1000/1m", "svix"}},
		{"parallel,retry-after=max(cap=2h), hubspot ,", []string{"parallel,retry-after=max(cap=2h)", "hubspot"}},
		{"(ordered", []string{"(ordered"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := SplitList(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzSplitList checks that SplitList never panics and that every spec
// it returns parses or fails with an error, never a panic.
func FuzzSplitList(f *testing.F) {
	for _, s := range []string{"autotask,svix", "(ordered,pause-on-429),pace=1000/1m", "((", ")(", "a=(b,c),d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, spec := range SplitList(s) {
			_, _ = Parse(spec)
		}
	})
}
