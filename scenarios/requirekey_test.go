package scenarios

import (
	"strings"
	"testing"
)

func TestRequireKey(t *testing.T) {
	const msg = ": trigger: no record has this field, so all traffic would be one key: " +
		"name the field that holds the key with --key-field, or leave --key-field out to check all traffic as one key"
	tests := []struct {
		name, in string
		require  bool
		records  int // delivered before the end (the reorderer holds the last ones back)
		errMsg   string
	}{
		{"JSON, no record has it", "\n{\"time\": 1700000000, \"key\": \"a\"}\n{\"time\": 1700000001}\n", true, 0, "in:2" + msg},
		{"JSON, one record has it", "{\"time\": 1700000000}\n{\"time\": 1700000001, \"trigger\": \"a\"}\n", true, 2, ""},
		{"JSON, a number key counts", "{\"time\": 1700000000, \"trigger\": 7}\n", true, 1, ""},
		{"JSON, not required", "{\"time\": 1700000000}\n", false, 1, ""},
		{"CSV, no such column", "time,key\n1700000000,a\n", true, 0, "in:2" + msg},
		{"CSV, the column is there", "time,trigger\n1700000000,a\n", true, 1, ""},
		{"no records", "", true, 0, ""},
		{"access log: the path is the key", `127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "POST /hooks/t1 HTTP/1.1" 200 2 "-" "c"` + "\n", true, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), "in", ReadOptions{KeyField: "trigger", RequireKey: tt.require})
			if err != nil {
				t.Fatal(err)
			}
			recs, err := drain(r)
			checkErr(t, err, tt.errMsg)
			if len(recs) != tt.records {
				t.Errorf("%d records, want %d", len(recs), tt.records)
			}
		})
	}
}
