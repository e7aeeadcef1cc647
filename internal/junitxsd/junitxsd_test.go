package junitxsd

import "testing"

// TestValidateRejects shows the validator is real: the document Jenkins'
// schema refuses (a skipped attribute on testsuites, a testsuite without
// its required counts) fails, and a minimal valid one passes.
func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name, doc string
		valid     bool
	}{
		{"minimal", `<testsuites name="x" tests="1" failures="0" errors="0"><testsuite name="s" tests="1" failures="0" errors="0" skipped="0"><testcase name="c" classname="k"/></testsuite></testsuites>`, true},
		{"skipped on testsuites", `<testsuites name="x" tests="1" failures="0" errors="0" skipped="0"><testsuite name="s" tests="1" failures="0" errors="0"><testcase name="c"/></testsuite></testsuites>`, false},
		{"testsuite without tests", `<testsuites><testsuite name="s" failures="0" errors="0"><testcase name="c"/></testsuite></testsuites>`, false},
		{"testcase without name", `<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><testcase/></testsuite></testsuites>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := &fakeT{TB: t}
			Validate(ft, tt.name, []byte(tt.doc))
			if ft.failed == tt.valid {
				t.Errorf("valid %v, but Validate failed=%v", tt.valid, ft.failed)
			}
		})
	}
}

// fakeT records a failure instead of failing the test.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Helper()               {}
