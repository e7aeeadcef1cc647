package limitsim

import (
	"strings"
	"testing"
)

func TestExcludeLimits(t *testing.T) {
	tests := []struct {
		specs   []string
		want    string // the limits left, "profile:limit,limit;..."
		wantErr string
	}{
		{nil, "rewst:per_second,per_minute;workato:events,bytes", ""},
		{[]string{"workato.bytes"}, "rewst:per_second,per_minute;workato:events", ""},
		{[]string{"per_minute"}, "rewst:per_second;workato:events,bytes", ""},
		{[]string{" bytes ", ""}, "rewst:per_second,per_minute;workato:events", ""},
		{[]string{"rewst.bytes"}, "", "rewst.bytes names no limit of rewst, workato"},
		{[]string{"workato.events", "workato.bytes"}, "", "workato.bytes: that leaves profile workato with no limit"},
	}
	for _, tt := range tests {
		r, _ := Builtin("rewst")
		w, _ := Builtin("workato")
		got, err := ExcludeLimits([]*Profile{r, w}, tt.specs)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err %v, want %q", tt.specs, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.specs, err)
		}
		var parts []string
		for _, p := range got {
			var names []string
			for _, l := range p.Limits {
				names = append(names, l.Name)
			}
			parts = append(parts, p.Name+":"+strings.Join(names, ","))
		}
		if s := strings.Join(parts, ";"); s != tt.want {
			t.Errorf("%q: left %s, want %s", tt.specs, s, tt.want)
		}
		if len(w.Limits) != 2 {
			t.Errorf("%q: the profile given was changed", tt.specs)
		}
	}
}

// FuzzExcludeLimits: any --exclude-limit value either names limits or is
// refused; it never panics and never leaves a profile without a limit.
func FuzzExcludeLimits(f *testing.F) {
	for _, s := range []string{"workato.bytes", "bytes", "rewst.", ".", "", "workato.events,workato.bytes", "per_second.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, _ := Builtin("rewst")
		w, _ := Builtin("workato")
		got, err := ExcludeLimits([]*Profile{r, w}, strings.Split(s, ","))
		if err != nil {
			return
		}
		for _, p := range got {
			if len(p.Limits) == 0 || p.Validate() != nil {
				t.Fatalf("%q left profile %s invalid: %+v", s, p.Name, p.Limits)
			}
		}
	})
}
