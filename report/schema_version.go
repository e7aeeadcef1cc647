package report

import (
	"encoding/json"
	"fmt"
	"strings"
)

// CurrentSchemaVersion is the version of the JSON schema of results (the
// files under report/schema, printed by `hooklimit schema KIND`), as
// MAJOR.MINOR. MINOR grows when a field is added; MAJOR when a field is
// removed, renamed or changes meaning, which a reader must not take for
// the old one.
const CurrentSchemaVersion = "1.1"

// SchemaVersion is the schema_version field of every result. Its zero
// value writes CurrentSchemaVersion, so every result carries it without
// its maker setting it. Reading accepts any version of major 1 (and a
// result written before results had the field); another major is an
// error.
type SchemaVersion struct{}

// MarshalJSON writes CurrentSchemaVersion.
func (SchemaVersion) MarshalJSON() ([]byte, error) {
	return json.Marshal(CurrentSchemaVersion)
}

// UnmarshalJSON accepts a version of the same major as
// CurrentSchemaVersion.
func (*SchemaVersion) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("schema_version: want a string like %q", CurrentSchemaVersion)
	}
	major, _, _ := strings.Cut(CurrentSchemaVersion, ".")
	if got, _, _ := strings.Cut(v, "."); got != major {
		return fmt.Errorf("schema_version: %q is not version %s.x, the one this hooklimit reads: read it with a hooklimit of that version", v, major)
	}
	return nil
}
