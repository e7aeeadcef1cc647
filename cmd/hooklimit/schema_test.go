package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/hooklimit/hooklimit/report/schema"

	"github.com/hooklimit/hooklimit/report"
)

// compileSchemas compiles the schema of every kind, as `hooklimit schema
// KIND` prints it.
func compileSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	out := map[string]*jsonschema.Schema{}
	for _, kind := range schema.Kinds {
		d, out2, errOut := newTestDeps()
		if code := execute(context.Background(), newRootCmd(d), errOut, []string{"schema", kind}); code != 0 {
			t.Fatalf("schema %s: exit %d: %s", kind, code, errOut)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out2.Bytes()))
		if err != nil {
			t.Fatalf("schema %s: %v", kind, err)
		}
		url := "mem:///" + schema.FileName(kind)
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
		if out[kind], err = c.Compile(url); err != nil {
			t.Fatalf("schema %s: %v", kind, err)
		}
	}
	return out
}

// validateResult validates one JSON result against the schema of its kind
// and returns the kind.
func validateResult(t *testing.T, schemas map[string]*jsonschema.Schema, name string, doc []byte) string {
	t.Helper()
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(doc, &head); err != nil {
		t.Errorf("%s: not one JSON document: %v", name, err)
		return ""
	}
	s, ok := schemas[head.Kind]
	if !ok {
		t.Errorf("%s: kind %q has no schema", name, head.Kind)
		return ""
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s does not follow the %s schema: %v", name, head.Kind, err)
	}
	return head.Kind
}

// TestSchemaValidatesOutputs validates the JSON every command writes
// against the schema of its kind: the --format json output the scripts
// pin (check, run, compare, report of run, serve and probe results,
// incomplete and unknown ones among them), the golden outputs of serve,
// run and probe, the result lines of the results files, and what report
// prints of each. Every kind must be seen.
func TestSchemaValidatesOutputs(t *testing.T) {
	schemas := compileSchemas(t)
	seen := map[string]int{}
	scripts, _ := filepath.Glob("testdata/script/*.txtar")
	for _, path := range scripts {
		a, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if strings.HasSuffix(f.Name, ".json") && bytes.Contains(f.Data, []byte(`"schema_version"`)) {
				seen[validateResult(t, schemas, path+": "+f.Name, f.Data)]++
			}
		}
	}
	goldens, _ := filepath.Glob("testdata/golden/*.json.golden")
	for _, path := range goldens {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		seen[validateResult(t, schemas, path, b)]++
	}
	files, _ := filepath.Glob("testdata/results/*.jsonl")
	for _, path := range files {
		d, out, errOut := newTestDeps()
		if code := execute(context.Background(), newRootCmd(d), errOut, []string{"report", path, "--format", "json"}); code > 1 {
			t.Fatalf("report %s: exit %d: %s", path, code, errOut)
		}
		seen[validateResult(t, schemas, "report "+path, out.Bytes())]++
	}
	// A check that cannot be judged (records without a size): unknown.
	traffic := filepath.Join(t.TempDir(), "nosize.jsonl")
	if err := os.WriteFile(traffic, []byte(`{"time":1771318800,"key":"ws1"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, out, errOut := newTestDeps()
	if code := execute(context.Background(), newRootCmd(d), errOut, []string{"check", traffic, "--profile", "workato", "--format", "json"}); code != 1 {
		t.Fatalf("check of records without a size: exit %d, want 1: %s", code, errOut)
	}
	if !strings.Contains(out.String(), `"verdict": "unknown"`) {
		t.Errorf("check of records without a size is not unknown:\n%s", out)
	}
	seen[validateResult(t, schemas, "check "+traffic, out.Bytes())]++
	for _, kind := range schema.Kinds {
		if seen[kind] == 0 {
			t.Errorf("no %s output was validated", kind)
		}
	}
	t.Logf("validated: %v", seen)
}

// TestSchemaRejects shows the schemas are strict: a field no schema
// lists, a null, a missing required field and a wrong verdict each fail.
func TestSchemaRejects(t *testing.T) {
	schemas := compileSchemas(t)
	d, out, errOut := newTestDeps()
	if code := execute(context.Background(), newRootCmd(d), errOut, []string{"report", "testdata/results/probe.jsonl", "--format", "json"}); code > 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	good := out.String()
	tests := []struct{ name, from, to string }{
		{"unknown field", `"kind": "probe",`, `"kind": "probe", "extra": 1,`},
		{"null", `"findings": [`, `"findings": null, "x": [`},
		{"no schema_version", `"schema_version": "` + report.CurrentSchemaVersion + `",`, ``},
		{"bad verdict", `"verdict": "`, `"verdict": "maybe`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(good, tt.from, tt.to, 1)
			if bad == good {
				t.Fatalf("%q not in the output", tt.from)
			}
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
			if err != nil {
				return // not JSON: rejected already
			}
			if err := schemas["probe"].Validate(v); err == nil {
				t.Errorf("the probe schema accepts %s", tt.name)
			}
		})
	}
}
