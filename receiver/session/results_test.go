package session_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report/results"
)

// TestServeResultsFile: a session's results file holds a line per
// request, as the recorder saw it, and the result line.
func TestServeResultsFile(t *testing.T) {
	var out bytes.Buffer
	rw := results.NewWriter(&out)
	_, res := session.SessionForTest(t, session.Options{Log: rw})
	if err := rw.Result(res); err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 37 {
		t.Fatalf("%d lines, want 36 requests and a result", len(lines))
	}
	first, retry, last := lines[0], lines[30], lines[36]
	if first["type"] != "request" || first["key"] != "t1" || first["event_id"] != "evt-0" || first["attempt"] != 1.0 || first["status"] != 200.0 {
		t.Errorf("first line %v", first)
	}
	if retry["attempt"] != 2.0 || retry["early"] != false || retry["retry_slack_ms"] == nil {
		t.Errorf("a retry's line %v", retry)
	}
	if lines[35]["status"] != 404.0 || lines[35]["key"] != nil {
		t.Errorf("a 404's line %v", lines[35])
	}
	if last["type"] != "result" || last["result"].(map[string]any)["kind"] != "serve" {
		t.Errorf("last line %v", last)
	}
}
