// Package junitxsd checks, in tests, that a JUnit XML document is valid
// against junit-10.xsd, the schema the Jenkins xunit plugin checks JUnit
// reports against (embedded; README.md says where it comes from and its
// licence). It runs xmllint, a real XML Schema validator (Debian package
// libxml2-utils). Without xmllint the test is skipped, unless the CI
// environment variable is set: in CI a missing validator fails the test,
// so that the check never goes quietly missing.
package junitxsd

import (
	_ "embed"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

//go:embed junit-10.xsd
var xsd []byte

// XSD returns the schema's text.
func XSD() []byte { return xsd }

// Validate fails t when doc is not valid against junit-10.xsd, with
// xmllint's own words for why. name names the document in the message.
func Validate(t testing.TB, name string, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("xmllint is not installed (apt-get install libxml2-utils): %s cannot be checked against junit-10.xsd", name)
		}
		t.Skip("xmllint is not installed (apt-get install libxml2-utils); CI installs it")
	}
	dir := t.TempDir()
	schema, file := filepath.Join(dir, "junit-10.xsd"), filepath.Join(dir, "junit.xml")
	if err := os.WriteFile(schema, xsd, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", schema, file).CombinedOutput()
	if err != nil {
		t.Errorf("%s is not valid against junit-10.xsd: %v\n%s\n%s", name, err, strings.TrimSpace(string(out)), doc)
	}
}
