package schema

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/golden"
	"github.com/hooklimit/hooklimit/report"
)

// resultTypes are the result types of each kind.
var resultTypes = map[string]any{
	"check":   report.CheckResult{},
	"run":     report.RunResult{},
	"compare": report.CompareResult{},
	"serve":   report.ServeResult{},
	"probe":   report.ProbeResult{},
}

// TestSchemasMatchTypes generates each kind's schema from its result type
// and compares it with the file in the repository: a field added to a
// result type fails here until the schema is regenerated (go test
// ./report/schema -update) and the change is reviewed.
func TestSchemasMatchTypes(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			golden.Assert(t, FileName(kind), generate(t, kind, reflect.TypeOf(resultTypes[kind])))
		})
	}
}

// generator writes the schema of a Go type as encoding/json writes it.
type generator struct {
	t    *testing.T
	defs map[string]any
}

var (
	timestampType = reflect.TypeOf(report.Timestamp(0))
	verdictType   = reflect.TypeOf(report.Verdict(""))
	versionType   = reflect.TypeOf(report.SchemaVersion{})
	probeKindType = reflect.TypeOf(report.ProbeKind{})
)

func generate(t *testing.T, kind string, typ reflect.Type) []byte {
	g := &generator{t: t, defs: map[string]any{}}
	root := g.object(typ)
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = "https://github.com/hooklimit/hooklimit/report/schema/" + FileName(kind)
	root["title"] = "hooklimit " + kind + " result, schema version " + report.CurrentSchemaVersion
	props := root["properties"].(map[string]any)
	props["kind"] = map[string]any{"const": kind}
	if len(g.defs) > 0 {
		root["$defs"] = g.defs
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(root); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// schemaOf is the schema of a value of typ: named structs go to $defs.
func (g *generator) schemaOf(typ reflect.Type) map[string]any {
	switch typ {
	case timestampType:
		return map[string]any{"type": "string", "format": "date-time"}
	case verdictType:
		return map[string]any{"enum": []string{"pass", "partial", "fail", "unknown", "incomplete"}}
	case probeKindType:
		kinds := map[string]any{"enum": []string{"window", "fixed", "bucket", "credits"}}
		return map[string]any{"oneOf": []any{kinds, map[string]any{"type": "array", "items": kinds, "minItems": 2}}}
	case versionType:
		return map[string]any{"type": "string", "pattern": "^" + strings.SplitN(report.CurrentSchemaVersion, ".", 2)[0] + `\.[0-9]+$`}
	}
	switch typ.Kind() {
	case reflect.Pointer:
		return g.schemaOf(typ.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s := map[string]any{"type": "integer"}
		if typ.Kind() >= reflect.Uint {
			s["minimum"] = 0
		}
		return s
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schemaOf(typ.Elem())}
	case reflect.Map:
		if typ.Key().Kind() != reflect.String {
			g.t.Fatalf("map %v: keys must be strings", typ)
		}
		return map[string]any{"type": "object", "additionalProperties": g.schemaOf(typ.Elem())}
	case reflect.Struct:
		name := typ.Name()
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = nil // recursion stops here
			g.defs[name] = g.object(typ)
		}
		return map[string]any{"$ref": "#/$defs/" + name}
	}
	g.t.Fatalf("no schema for %v", typ)
	return nil
}

// object is the schema of a struct: its fields as encoding/json writes
// them, embedded structs inline; a field without omitempty is required.
func (g *generator) object(typ reflect.Type) map[string]any {
	props, required := map[string]any{}, []string{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag := f.Tag.Get("json")
			if !f.IsExported() || tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				walk(f.Type)
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = g.schemaOf(f.Type)
			if !strings.Contains(opts, "omitempty") {
				required = append(required, name)
			}
		}
	}
	walk(typ)
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}
