package yamlpos

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// inputError returns err as an input error naming f.yaml, or fails t.
func inputError(t *testing.T, err error) *exitcode.InputError {
	t.Helper()
	var in *exitcode.InputError
	if !errors.As(err, &in) || in.File != "f.yaml" || exitcode.Of(err) != exitcode.Usage {
		t.Fatalf("error %v (%T) is not an input error naming f.yaml", err, err)
	}
	return in
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		line       int
		msg        string
	}{
		{"empty", "", 1, "the thing is empty"},
		{"only a comment", "# nothing\n", 1, "the thing is empty"},
		{"syntax with a line", "name: [x\n", 1, "not valid YAML: did not find expected ',' or ']'"},
		{"syntax without a line", "name: \x01\n", 0, "not valid YAML: control characters are not allowed"},
		{"unknown anchor", "name: *x\n", 0, "not valid YAML: unknown anchor 'x' referenced"},
		{"second document", "name: a\n---\nname: b\n", 2, "a thing file holds one YAML document, found a second"},
		{"second document not valid", "name: a\n---\n[\n", 3, "not valid YAML: did not find expected node content"},
		{"a list", "- a\n", 1, "a thing must be a YAML mapping (name:, ...)"},
		{"a scalar", "a\n", 1, "a thing must be a YAML mapping (name:, ...)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New("f.yaml", "thing").Decode([]byte(tt.yaml), "name:, ...")
			in := inputError(t, err)
			if in.Line != tt.line || in.Msg != tt.msg || in.Field != "" {
				t.Errorf("got line %d field %q msg %q; want line %d msg %q", in.Line, in.Field, in.Msg, tt.line, tt.msg)
			}
		})
	}
}

func TestDecodeMapping(t *testing.T) {
	root, err := New("f.yaml", "thing").Decode([]byte("base: &b {a: 1}\nname: x\n"), "name:")
	if err != nil {
		t.Fatal(err)
	}
	if root.Kind != yaml.MappingNode || len(root.Content) != 4 {
		t.Fatalf("root %+v", root)
	}
	if v := Find(root, "name"); v == nil || v.Value != "x" || v.Line != 2 {
		t.Errorf("Find(name) = %+v", v)
	}
	if v := Find(root, "nope"); v != nil {
		t.Errorf("Find(nope) = %+v, want nil", v)
	}
}

func TestFields(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       string // the fields seen, "path=value@line" each
		line       int    // of the error, if any
		field, msg string
		wantErr    bool
	}{
		{name: "in order", yaml: "b: 1\na: 2\n", want: "p.b=1@1 p.a=2@2"},
		{name: "aliases followed", yaml: "a: &x 1\nb: *x\n", want: "p.a=1@1 p.b=1@1"},
		{name: "twice", yaml: "a: 1\nb: 2\na: 3\n", want: "p.a=1@1 p.b=2@2", wantErr: true, line: 3, field: "p.a", msg: "is given twice"},
		{name: "not a word", yaml: "a: 1\n? [k]\n: 2\n", want: "p.a=1@1", wantErr: true, line: 2, field: "p", msg: "a field name must be a plain word"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New("f.yaml", "thing")
			root, err := r.Decode([]byte(tt.yaml), "")
			if err != nil {
				t.Fatal(err)
			}
			var seen []string
			err = r.Fields(root, "p", func(k, v *yaml.Node, field string) error {
				seen = append(seen, field+"="+v.Value+"@"+strconv.Itoa(v.Line))
				return nil
			})
			if got := strings.Join(seen, " "); got != tt.want {
				t.Errorf("seen %q, want %q", got, tt.want)
			}
			if !tt.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			in := inputError(t, err)
			if in.Line != tt.line || in.Field != tt.field || in.Msg != tt.msg {
				t.Errorf("got line %d field %q msg %q; want line %d field %q msg %q", in.Line, in.Field, in.Msg, tt.line, tt.field, tt.msg)
			}
		})
	}
}

func TestFieldsStopsAtError(t *testing.T) {
	r := New("f.yaml", "thing")
	root, err := r.Decode([]byte("a: 1\nb: 2\nc: 3\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	n := 0
	err = r.Fields(root, "", func(k, _ *yaml.Node, _ string) error {
		n++
		if k.Value == "b" {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 {
		t.Errorf("err %v after %d fields, want stop after 2", err, n)
	}
	if r.Lines["a"] != 1 || r.Lines["b"] != 2 || len(r.Lines) != 2 {
		t.Errorf("lines %v, want a and b only", r.Lines)
	}
}

func TestLinesLine(t *testing.T) {
	l := Lines{"limits": 3, "limits.a": 4, "phases[1]": 9, "phases[1].parallel[0].rate": 12}
	for field, want := range map[string]int{
		"limits": 3, "limits.a": 4, "limits.a.quota": 4, "limits.b.quota": 3,
		"phases[1].rate": 9, "phases[1].parallel[0].rate": 12, "phases[1].parallel[0].copies": 9,
		"phases[2].rate": 0, "name": 0, "": 0,
	} {
		if got := l.Line(field); got != want {
			t.Errorf("Line(%q) = %d, want %d", field, got, want)
		}
	}
}

func TestDerefStopsOnCycles(t *testing.T) {
	a := &yaml.Node{Kind: yaml.AliasNode}
	a.Alias = a
	if got := Deref(a); got != a {
		t.Errorf("Deref of a self-alias = %p, want the node itself", got)
	}
	s := &yaml.Node{Kind: yaml.ScalarNode, Value: "v"}
	if got := Deref(&yaml.Node{Kind: yaml.AliasNode, Alias: s}); got != s {
		t.Errorf("Deref = %+v, want the scalar", got)
	}
}

// FuzzDecode: whatever the bytes, Decode returns a mapping or an input
// error naming the file, and never panics; Fields over every mapping
// returns or reports an input error.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"name: a\n", "a: &x [*x]\n", "phases: &a\n  - *a\n", "? ? ?", "{", "\t", "!!binary x: y",
		"a: 1\n---\nb: 2\n", "limits:\n  a: {kind: bucket, quota: 7}\n", "x: &a {y: *a}\n", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := New("f.yaml", "thing")
		root, err := r.Decode(data, "name:")
		if err != nil {
			inputError(t, err)
			return
		}
		if root.Kind != yaml.MappingNode {
			t.Fatalf("root kind %v, want a mapping", root.Kind)
		}
		var walk func(m *yaml.Node, path string, depth int) error
		walk = func(m *yaml.Node, path string, depth int) error {
			return r.Fields(m, path, func(_, v *yaml.Node, field string) error {
				if v.Kind == yaml.MappingNode && depth < 20 {
					return walk(v, field, depth+1)
				}
				return nil
			})
		}
		if err := walk(root, "", 0); err != nil {
			inputError(t, err)
		}
	})
}
