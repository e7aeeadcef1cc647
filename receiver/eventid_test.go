package receiver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
)

func TestScanJSONID(t *testing.T) {
	fields := DefaultIDFields // eventId, id, event_id
	tests := []struct {
		body string
		want string
		ok   bool
	}{
		{`{"id":"evt_1","type":"ticket.updated"}`, "evt_1", true},
		{`  {"type":"x","eventId":"E-9","id":"other"}`, "E-9", true},
		{`{"id":"a","eventId":"b"}`, "b", true}, // eventId is preferred, wherever it is
		{`{"event_id":12345,"x":1}`, "12345", true},
		{`{"id":-1.5e3}`, "-1.5e3", true},
		{`{"data":{"id":"nested"},"x":[{"id":1}],"event_id":"top"}`, "top", true},
		{`{"data":{"id":"nested"}}`, "", false},
		{`{"id":"with \"quotes\" and \u00e9"}`, `with "quotes" and é`, true},
		{`{"\u0069d":"escaped key"}`, "escaped key", true},
		{"{\"id\":\"not \xff UTF-8\"}", "not \ufffd UTF-8", true}, // as encoding/json reads it
		{`{"id":null,"event_id":"e"}`, "e", true},
		{`{"id":true}`, "", false},
		{`{"id":""}`, "", false},
		{`{"id":{"a":1}}`, "", false},
		{`[{"id":"in an array"}]`, "", false},
		{`{"id":"cut off`, "", false},
		{`{"x":"}","id":"after a brace in a string"}`, "after a brace in a string", true},
		{`{"id":12`, "", false}, // a number cut by the end may go on
		{`{"type":"x","id":"ok"} trailing`, "ok", true},
		{`not json`, "", false},
		{``, "", false},
	}
	for _, tt := range tests {
		got, ok := ScanJSONID([]byte(tt.body), fields)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: got %q %v, want %q %v", tt.body, got, ok, tt.want, tt.ok)
		}
	}
	if got, ok := ScanJSONID([]byte(`{"id":"a","uuid":"u"}`), []string{"uuid"}); got != "u" || !ok {
		t.Errorf("configured field: %q %v", got, ok)
	}
}

// FuzzScanJSONID checks the scanner against encoding/json: on a complete
// JSON object, what it finds is what decoding finds at the top level.
func FuzzScanJSONID(f *testing.F) {
	for _, s := range []string{`{"id":"a"}`, `{"eventId":1,"id":"x"}`, `{"a":{"id":2},"event_id":"e"}`, `{"id":"\ud83d\ude00"}`, `{`, `{"id":1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := ScanJSONID(b, DefaultIDFields)
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil {
			return // not a complete object: only "no panic" is asked
		}
		want, wantOK := "", false
		for _, fld := range DefaultIDFields {
			raw, has := m[fld]
			if !has {
				continue
			}
			var s string
			if json.Unmarshal(raw, &s) == nil && s != "" {
				want, wantOK = s, true
				break
			}
			var n json.Number
			if len(raw) > 0 && raw[0] != '"' && json.Unmarshal(raw, &n) == nil {
				want, wantOK = string(raw), true
				break
			}
		}
		if dupKeys(b) {
			return // encoding/json keeps the last of repeated keys, the scanner the first
		}
		if got != want || ok != wantOK {
			t.Errorf("%q: got %q %v, encoding/json finds %q %v", b, got, ok, want, wantOK)
		}
	})
}

// dupKeys reports whether the top-level object b repeats a key.
func dupKeys(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return true
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		k := tok.(string)
		if seen[k] {
			return true
		}
		seen[k] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return true
		}
	}
	return false
}

// TestHeaderID: the first id header in the order of the names, skipping
// empty ones, whether the request has fewer headers than there are names
// (its headers are looked up) or more (the names are).
func TestHeaderID(t *testing.T) {
	names := []string{"Webhook-Id", "Svix-Id", "X-Event-Id"}
	index := map[string]int{"Webhook-Id": 0, "Svix-Id": 1, "X-Event-Id": 2}
	for _, tc := range []struct {
		name string
		h    http.Header
		want string
		ok   bool
	}{
		{"none", http.Header{"Content-Type": {"a"}}, "", false},
		{"one", http.Header{"X-Event-Id": {"e"}}, "e", true},
		{"the first name wins", http.Header{"X-Event-Id": {"e"}, "Svix-Id": {"s"}}, "s", true},
		{"an empty one is skipped", http.Header{"Webhook-Id": {""}, "X-Event-Id": {"e"}}, "e", true},
		{"no value is skipped", http.Header{"Webhook-Id": {}, "Svix-Id": {"s"}}, "s", true},
		{"only empty ones", http.Header{"Webhook-Id": {""}}, "", false},
	} {
		for _, pad := range []int{0, len(names)} { // fewer headers than names, then more
			h := tc.h.Clone()
			for i := range pad {
				h.Set("X-Other-"+strconv.Itoa(i), "x")
			}
			if got, ok := headerID(h, names, index); got != tc.want || ok != tc.ok {
				t.Errorf("%s, %d headers: got %q %v, want %q %v", tc.name, len(h), got, ok, tc.want, tc.ok)
			}
		}
	}
}
