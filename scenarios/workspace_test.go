package scenarios

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadWorkspaceField(t *testing.T) {
	runReadCases(t, "w.jsonl", []readCase{
		{name: "jsonl without the option ignores the field", in: `{"time":1,"key":"a","ws":"acme"}` + "\n",
			want: []Record{{Time: 1e9, Key: "a", Line: 1}}},
		{name: "jsonl string and number", opt: ReadOptions{WorkspaceField: "ws"},
			in:   `{"time":1,"key":"a","ws":"acme"}` + "\n" + `{"time":2,"key":"b","ws":7}` + "\n" + `{"time":3,"key":"c"}` + "\n",
			want: []Record{{Time: 1e9, Key: "a", Workspace: "acme", Line: 1}, {Time: 2e9, Key: "b", Workspace: "7", Line: 2}, {Time: 3e9, Key: "c", Line: 3}}},
		{name: "jsonl bad workspace", opt: ReadOptions{WorkspaceField: "ws"}, in: `{"time":1,"ws":[1]}` + "\n",
			errMsg: `w.jsonl:1: ws: cannot use [1] as a workspace (want a string or number)`},
	})
	runReadCases(t, "w.csv", []readCase{
		{name: "csv column", opt: ReadOptions{Format: FormatCSV, WorkspaceField: "ws"}, in: "time,key,ws\n1,a,acme\n2,b,\n",
			want: []Record{{Time: 1e9, Key: "a", Workspace: "acme", Line: 2}, {Time: 2e9, Key: "b", Line: 3}}},
		{name: "csv without the option", opt: ReadOptions{Format: FormatCSV}, in: "time,key,ws\n1,a,acme\n",
			want: []Record{{Time: 1e9, Key: "a", Line: 2}}},
	})
}

func TestPlanReplayWorkspaceField(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "t.jsonl"), []byte(`{"time":1,"key":"a","tenant":"acme"}`+"\n"+`{"time":2,"key":"b","tenant":"globex"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	plan, err := ParsePlan(filepath.Join(dir, "p.yaml"), []byte("phases:\n  - scenario: replay\n    file: t.jsonl\n    workspace_field: tenant\n"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := plan.Source()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		e, err := src.Next()
		if err != nil {
			break
		}
		got = append(got, e.Key+"@"+e.Workspace)
	}
	if len(got) != 2 || got[0] != "a@acme" || got[1] != "b@globex" {
		t.Fatalf("emissions %q, want a@acme b@globex", got)
	}
}
