package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestResolveBuild(t *testing.T) {
	const rev = "abc1234def5678abc1234def5678abc1234def56"
	vcs := func(rev, time, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: time},
			{Key: "vcs.modified", Value: modified},
		}
	}
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  BuildInfo // GoVersion and Platform left out
	}{
		{
			name:    "release build: ldflags win",
			version: "1.2.3", commit: rev, date: "2026-11-25T10:00:00Z",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "v9.9.9"}, Settings: vcs("fff", "2000-01-01T00:00:00Z", "true")},
			want: BuildInfo{Version: "1.2.3", Commit: rev, Date: "2026-11-25T10:00:00Z"},
		},
		{
			name:    "go install module@version: module version, no vcs",
			version: "dev",
			bi:      &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}},
			want:    BuildInfo{Version: "1.4.0"},
		},
		{
			name:    "go build in a checkout: pseudo-version and vcs",
			version: "dev",
			bi: &debug.BuildInfo{
				Main:     debug.Module{Version: "v0.0.0-20261125100000-abc1234def56+dirty"},
				Settings: vcs(rev, "2026-11-25T10:00:00Z", "true"),
			},
			want: BuildInfo{Version: "0.0.0-20261125100000-abc1234def56+dirty", Commit: rev, Dirty: true, Date: "2026-11-25T10:00:00Z"},
		},
		{
			name: "devel build with clean vcs",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-11-25T10:00:00Z", "false")},
			want: BuildInfo{Version: "dev", Commit: rev, Date: "2026-11-25T10:00:00Z"},
		},
		{
			name:    "goreleaser-style placeholders count as unset",
			version: "dev", commit: "none", date: "unknown",
			bi:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-11-25T10:00:00Z", "false")},
			want: BuildInfo{Version: "dev", Commit: rev, Date: "2026-11-25T10:00:00Z"},
		},
		{
			name:    "version from ldflags, commit and date from vcs",
			version: "1.2.3",
			bi:      &debug.BuildInfo{Main: debug.Module{Version: "v9.9.9"}, Settings: vcs(rev, "2026-11-25T10:00:00Z", "false")},
			want:    BuildInfo{Version: "1.2.3", Commit: rev, Date: "2026-11-25T10:00:00Z"},
		},
		{
			name:    "modified without a revision is not dirty",
			version: "dev",
			bi:      &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.modified", Value: "true"}}},
			want:    BuildInfo{Version: "dev"},
		},
		{
			name: "no build info at all",
			want: BuildInfo{Version: "dev"},
		},
		{
			name:    "no build info, placeholders cleared",
			version: "", commit: "none", date: "unknown",
			want: BuildInfo{Version: "dev"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolveBuild(tt.version, tt.commit, tt.date, tt.bi)
			if got.GoVersion == "" || got.Platform != runtime.GOOS+"/"+runtime.GOARCH {
				t.Errorf("GoVersion, Platform = %q, %q", got.GoVersion, got.Platform)
			}
			got.GoVersion, got.Platform = "", ""
			if got != tt.want {
				t.Errorf("resolveBuild(%q, %q, %q, bi)\n got %+v\nwant %+v", tt.version, tt.commit, tt.date, got, tt.want)
			}
		})
	}
}

func TestResolveBuildGoVersion(t *testing.T) {
	if got := resolveBuild("1.2.3", "", "", &debug.BuildInfo{GoVersion: "go1.25.4"}).GoVersion; got != "go1.25.4" {
		t.Errorf("GoVersion from build info = %q, want go1.25.4", got)
	}
	if got := resolveBuild("1.2.3", "", "", nil).GoVersion; got != runtime.Version() {
		t.Errorf("GoVersion without build info = %q, want %q", got, runtime.Version())
	}
}

func TestBuildInfoString(t *testing.T) {
	const rev = "abc1234def5678abc1234def5678abc1234def56"
	tests := []struct {
		b    BuildInfo
		want string
	}{
		{BuildInfo{Version: "1.2.3", Commit: rev, Date: "2026-11-25T10:00:00Z"}, "hooklimit 1.2.3 (commit abc1234, built 2026-11-25T10:00:00Z)"},
		{BuildInfo{Version: "1.2.3", Commit: rev, Dirty: true}, "hooklimit 1.2.3 (commit abc1234-dirty)"},
		{BuildInfo{Version: "1.2.3", Date: "2026-11-25T10:00:00Z"}, "hooklimit 1.2.3 (built 2026-11-25T10:00:00Z)"},
		{BuildInfo{Version: "1.4.0"}, "hooklimit 1.4.0"},
		{BuildInfo{Version: "dev", Commit: "abc1234"}, "hooklimit dev (commit abc1234)"},
		{BuildInfo{Version: "dev", Commit: "release-build-7"}, "hooklimit dev (commit release-build-7)"},
	}
	for _, tt := range tests {
		if got := tt.b.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.b, got, tt.want)
		}
	}
}
