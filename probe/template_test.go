package probe

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

var bodyAt = time.Date(2026, 2, 17, 9, 0, 0, 5, time.UTC)

func mustBody(t testing.TB, text string, size int) *Body {
	t.Helper()
	b, err := ParseBody("flag --body", text, size)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func render(t testing.TB, b *Body, d BodyData) string {
	t.Helper()
	var buf bytes.Buffer
	if err := b.Render(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestBodyDefault(t *testing.T) {
	got := render(t, mustBody(t, DefaultBodyTemplate, 0), NewBodyData("evt-1", 1, "k1", bodyAt, 1))
	want := `{"eventId":"evt-1","seq":1,"key":"k1","time":"2026-02-17T09:00:00.000000005Z"}`
	if got != want {
		t.Errorf("default body = %s, want %s", got, want)
	}
	// The time has a fixed width, so bodies do not change length with it.
	other := render(t, mustBody(t, DefaultBodyTemplate, 0), NewBodyData("evt-1", 1, "k1", bodyAt.Truncate(time.Second).In(time.FixedZone("X", 3600)), 1))
	if len(other) != len(want) || !strings.Contains(other, `"2026-02-17T09:00:00.000000000Z"`) {
		t.Errorf("body at a whole second = %s", other)
	}
}

func TestBodyFields(t *testing.T) {
	b := mustBody(t, `{{.ID}} {{.Seq}} {{.Key}} {{.Time}} {{.Unix}} {{.Attempt}} {{json .Key}}`, 0)
	got := render(t, b, NewBodyData("e", 7, `a"b`, bodyAt, 3))
	want := `e 7 a"b 2026-02-17T09:00:00.000000005Z 1771318800 3 "a\"b"`
	if got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
}

// TestBodyPadding checks exact sizes around the natural length, that JSON
// stays valid, and that the pad field holds the rest.
func TestBodyPadding(t *testing.T) {
	d := NewBodyData("evt-1", 1, "k1", bodyAt, 1)
	tests := []struct {
		name, text string
		json       bool
		field      int // the bytes of the pad field besides the x's; 0 for none
	}{
		{"default", DefaultBodyTemplate, true, 9},
		{"trailing newline", DefaultBodyTemplate + "\n", true, 9},
		{"indented", "{\n  \"id\": \"{{.ID}}\"\n}\n", true, 9},
		{"empty object", "{}", true, 8},
		{"empty object with space", "{ }", true, 8},
		{"plain text", "id={{.ID}}&seq={{.Seq}}", false, 0},
		{"array", `[{{.Seq}}]`, true, 0},
	}
	for _, tt := range tests {
		natural := len(render(t, mustBody(t, tt.text, 0), d))
		for _, size := range []int{0, 1, natural - 1, natural, natural + 1, natural + 7, natural + 8, natural + 9, natural + 10, natural + 11, 1000, 100_000} {
			got := render(t, mustBody(t, tt.text, size), d)
			if want := max(size, natural); len(got) != want {
				t.Fatalf("%s, size %d: %d bytes, want %d: %q", tt.name, size, len(got), want, got)
			}
			if tt.json && !json.Valid([]byte(got)) {
				t.Fatalf("%s, size %d: invalid JSON %q", tt.name, size, got)
			}
			if gap := size - natural; tt.field > 0 && gap >= tt.field {
				var v map[string]any
				_ = json.Unmarshal([]byte(got), &v)
				if pad, _ := v["pad"].(string); strings.Trim(pad, "x") != "" || len(pad) != gap-tt.field {
					t.Errorf("%s, size %d: pad = %q, want %d x's", tt.name, size, pad, gap-tt.field)
				}
			}
		}
	}
	if got := render(t, mustBody(t, "{}", 12), d); got != `{"pad":"xx"}` {
		t.Errorf("{} padded to 12 = %q", got)
	}
	if got := render(t, mustBody(t, `{"a":1}`, 20), d); got != `{"a":1,"pad":"xxxx"}` {
		t.Errorf(`{"a":1} padded to 20 = %q`, got)
	}
	if got := render(t, mustBody(t, "{\"a\":1}\n", 12), d); got != "{\"a\":1    }\n" {
		t.Errorf(`{"a":1} padded to 12 = %q`, got)
	}
	if got := render(t, mustBody(t, "id={{.ID}}", 12), d); got != "id=evt-1    " {
		t.Errorf("text padded to 12 = %q", got)
	}
}

// TestBodyReuse checks that rendering replaces what the buffer held, and
// that a warm buffer is reused rather than grown again.
func TestBodyReuse(t *testing.T) {
	b := mustBody(t, DefaultBodyTemplate, 4096)
	var buf bytes.Buffer
	for i := range 3 {
		if err := b.Render(&buf, NewBodyData("evt", int64(i), "k", bodyAt, 1)); err != nil {
			t.Fatal(err)
		}
		if buf.Len() != 4096 {
			t.Fatalf("render %d: %d bytes, want 4096", i, buf.Len())
		}
	}
	capacity := buf.Cap()
	d := NewBodyData("evt", 9, "k", bodyAt, 1)
	allocs := testing.AllocsPerRun(100, func() { _ = b.Render(&buf, d) })
	if buf.Cap() != capacity {
		t.Errorf("buffer grew from %d to %d", capacity, buf.Cap())
	}
	if allocs > 10 {
		t.Errorf("Render allocates %.0f times per body, want at most 10", allocs)
	}
}

func TestParseBodyErrors(t *testing.T) {
	tests := []struct {
		text string
		size int
		file string
		line int
		msg  string
	}{
		{"{{.ID", 0, "flag --body", 1, "unclosed action"},
		{"{\n\"id\": \"{{.ID}}\",\n\"x\": {{if}}\n}", 0, "flag --body", 3, "missing value for if"},
		{"a\n{{.Nope}}", 0, "flag --body", 2, "can't evaluate field Nope"},
		{"{{nofunc .ID}}", 0, "flag --body", 1, `function "nofunc" not defined`},
		{"x\n\n{{range .ID}}{{end}}", 0, "flag --body", 3, "range and template are not supported"},
		{"{{if .ID}}\n{{range 1000000000000}}{{end}}{{end}}", 0, "flag --body", 2, "range and template are not supported"},
		{`{{define "x"}}y{{end}}`, 0, "flag --body", 1, "define and block are not supported"},
		{`{{block "x" .}}y{{end}}`, 0, "flag --body", 1, "define and block are not supported"},
		{`{{template "x"}}`, 0, "flag --body", 1, "not supported"},
		{DefaultBodyTemplate, -1, "flag --size", 0, "out of range"},
		{DefaultBodyTemplate, MaxBodySize + 1, "flag --size", 0, "out of range"},
	}
	for _, tt := range tests {
		b, err := ParseBody("flag --body", tt.text, tt.size)
		var in *exitcode.InputError
		if !errors.As(err, &in) {
			t.Errorf("ParseBody(%q) = %v, %v; want an InputError", tt.text, b, err)
			continue
		}
		if in.File != tt.file || in.Line != tt.line || !strings.Contains(in.Msg, tt.msg) {
			t.Errorf("ParseBody(%q) error = %q; want %s:%d: ...%s", tt.text, err, tt.file, tt.line, tt.msg)
		}
	}
}

func FuzzParseBody(f *testing.F) {
	f.Add(DefaultBodyTemplate, uint16(0))
	f.Add(DefaultBodyTemplate, uint16(200))
	f.Add("{}", uint16(9))
	f.Add("{ }\n", uint16(30))
	f.Add(`{"a":{{json .Key}},"n":{{.Unix}}}`, uint16(64))
	f.Add("id={{.ID}}{{if .Attempt}}&a={{.Attempt}}{{end}}", uint16(40))
	f.Add("{{.ID", uint16(0))
	f.Add(`{{printf "%05d" .Seq}}`, uint16(3))
	f.Fuzz(func(t *testing.T, text string, size uint16) {
		b, err := ParseBody("flag --body", text, int(size))
		if err != nil {
			var in *exitcode.InputError
			if !errors.As(err, &in) || in.File != "flag --body" {
				t.Fatalf("ParseBody(%q) error %#v is not an InputError for flag --body", text, err)
			}
			return
		}
		d := NewBodyData("evt-3", 3, "key-1", bodyAt, 2)
		var natural, padded bytes.Buffer
		if b.tmpl.Execute(&natural, d) != nil {
			return // a template may fail on some data; Render reports it
		}
		if err := b.Render(&padded, d); err != nil {
			t.Fatalf("Render failed where Execute did not: %v", err)
		}
		if want := max(int(size), natural.Len()); padded.Len() != want {
			t.Fatalf("%q size %d: %d bytes, want %d", text, size, padded.Len(), want)
		}
		if json.Valid(natural.Bytes()) && !json.Valid(padded.Bytes()) {
			t.Fatalf("%q size %d: padding broke JSON: %q", text, size, padded.Bytes())
		}
	})
}

// TestBodyStatic checks that a template without actions is rendered once,
// and that the bytes it sends are the ones the template gives, padding
// included; a template with any action is run for each event.
func TestBodyStatic(t *testing.T) {
	for _, tc := range []struct {
		text   string
		size   int
		static bool
	}{
		{`{"type":"ping"}`, 0, true},
		{`{"type":"ping"}`, 64, true},
		{`{}`, 20, true},
		{`{ }`, 10, true}, // a gap too small for the pad field
		{"plain text\n", 40, true},
		{`{"id":"{{.ID}}"}`, 64, false},
		{`{"n":{{.Attempt}}}`, 0, false},
		{`{{/* a comment */}}{"a":1}`, 32, true}, // comments leave no node
	} {
		body := mustBody(t, tc.text, tc.size)
		if got := body.static != nil; got != tc.static {
			t.Errorf("%q: rendered once %v, want %v", tc.text, got, tc.static)
		}
		// What running the template gives, for two events.
		slow := &Body{text: body.text, size: body.size, tmpl: body.tmpl}
		for _, d := range []BodyData{NewBodyData("evt-1", 1, "k1", bodyAt, 1), NewBodyData("evt-2", 2, "k2", bodyAt.Add(time.Second), 3)} {
			var got, want bytes.Buffer
			if err := body.Render(&got, d); err != nil {
				t.Fatal(err)
			}
			if err := slow.Render(&want, d); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%q size %d: renders %q, the template gives %q", tc.text, tc.size, got.Bytes(), want.Bytes())
			}
		}
	}
}

// BenchmarkBodyRender renders a body per attempt: the default template
// (run for every event) and a payload with no field (rendered once).
func BenchmarkBodyRender(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"template", DefaultBodyTemplate},
		{"static", `{"type":"ticket.updated","data":{"status":"open","priority":"high"}}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			body := mustBody(b, bc.text, 1024)
			d := NewBodyData("evt-1", 1, "k1", bodyAt, 1)
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				_ = body.Render(&buf, d)
			}
		})
	}
}
