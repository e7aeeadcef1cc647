// Package schema holds the JSON Schemas (draft 2020-12) of hooklimit's
// results, one per kind (check, run, compare, serve, probe): what
// `--format json` prints and what the result line of a results file
// holds. `hooklimit schema KIND` prints one.
//
// The schemas are strict: every object lists its fields
// (additionalProperties is false), so a field added to a result must be
// added to its schema. They follow one rule for absent values: a field
// is present with a value or left out, never null; a list with no
// entries is [], and the fields each schema lists as required are always
// present. Every result carries schema_version
// (report.CurrentSchemaVersion). The files are generated from the result
// types by this package's tests (go test ./report/schema -update) and
// checked against them, so they cannot drift.
package schema

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed *.schema.json
var files embed.FS

// Kinds lists the kinds of result that have a schema, in the order
// `hooklimit schema` lists them.
var Kinds = []string{"check", "run", "compare", "serve", "probe"}

// Get returns the schema of results of kind, or an error naming the kinds
// there are.
func Get(kind string) ([]byte, error) {
	for _, k := range Kinds {
		if k == kind {
			return files.ReadFile(FileName(k))
		}
	}
	return nil, fmt.Errorf("no schema for kind %q: want one of %s", kind, strings.Join(Kinds, ", "))
}

// FileName is the name of the schema file of kind.
func FileName(kind string) string { return kind + ".schema.json" }
