package main

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// BuildInfo describes the running binary. Its JSON form is the output of
// `hooklimit version --format json`; every field is always present.
type BuildInfo struct {
	Version   string `json:"version"`    // e.g. "1.2.3", or "dev" when unknown
	Commit    string `json:"commit"`     // full revision, "" when unknown
	Dirty     bool   `json:"dirty"`      // built from a modified work tree
	Date      string `json:"date"`       // RFC 3339 build or commit time, "" when unknown
	GoVersion string `json:"go_version"` // e.g. "go1.26.0"
	Platform  string `json:"platform"`   // GOOS/GOARCH, e.g. "linux/amd64"
}

// resolveBuild returns the build's description from the values the linker
// set (version, commit, date) and, for any of them left unset, from bi, the
// build information the go command recorded (nil when there is none).
//
// A release build sets all three with -ldflags -X. A `go install
// module@version` build leaves them unset but records the module version;
// a build in a Git checkout records the revision and its time. A version
// from the module is shown without its leading "v", like a release's.
func resolveBuild(version, commit, date string, bi *debug.BuildInfo) BuildInfo {
	b := BuildInfo{
		Version:   version,
		Commit:    commit,
		Date:      date,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if unset(b.Commit) {
		b.Commit = ""
	}
	if unset(b.Date) {
		b.Date = ""
	}
	if bi != nil {
		if bi.GoVersion != "" {
			b.GoVersion = bi.GoVersion
		}
		if v := bi.Main.Version; unset(b.Version) && v != "" && v != "(devel)" {
			b.Version = strings.TrimPrefix(v, "v")
		}
		if b.Commit == "" {
			b.Commit = setting(bi, "vcs.revision")
			b.Dirty = b.Commit != "" && setting(bi, "vcs.modified") == "true"
		}
		if b.Date == "" {
			b.Date = setting(bi, "vcs.time")
		}
	}
	if unset(b.Version) {
		b.Version = "dev"
	}
	return b
}

// unset reports whether a linker-set value was left at a placeholder.
func unset(s string) bool {
	switch s {
	case "", "dev", "none", "unknown":
		return true
	}
	return false
}

// setting returns the value of the build setting key in bi, or "".
func setting(bi *debug.BuildInfo, key string) string {
	for _, s := range bi.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// String returns the one-line description printed by `hooklimit version`,
// such as "hooklimit 1.2.3 (commit abc1234, built 2026-11-25T10:00:00Z)".
// The parts that are unknown are left out.
func (b BuildInfo) String() string {
	var details []string
	if b.Commit != "" {
		c := shortCommit(b.Commit)
		if b.Dirty {
			c += "-dirty"
		}
		details = append(details, "commit "+c)
	}
	if b.Date != "" {
		details = append(details, "built "+b.Date)
	}
	s := "hooklimit " + b.Version
	if len(details) > 0 {
		s += " (" + strings.Join(details, ", ") + ")"
	}
	return s
}

// shortCommit abbreviates a hexadecimal revision to 7 digits, as git does,
// and returns anything else unchanged.
func shortCommit(c string) string {
	if len(c) <= 7 || strings.Trim(c, "0123456789abcdef") != "" {
		return c
	}
	return c[:7]
}
