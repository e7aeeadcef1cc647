package probe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"text/template"
	"text/template/parse"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// DefaultBodyTemplate is the body sent when no template is given: a compact
// JSON object naming the event.
const DefaultBodyTemplate = `{"eventId":"{{.ID}}","seq":{{.Seq}},"key":"{{.Key}}","time":"{{.Time}}"}`

// MaxBodySize is the largest padded size a Body accepts: 64 MiB, more than
// Workato's 30 MB byte burst, so one body can exceed any documented limit.
const MaxBodySize = 64 << 20

// BodyTimeLayout is RFC 3339 with nanoseconds and a fixed width, so that
// bodies do not change length with the trailing zeros of the time.
const BodyTimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// BodyData is what a body template sees for one attempt of an event.
type BodyData struct {
	ID      string // the event's id, the same for every attempt (and the webhook-id)
	Seq     int64  // the event's number in the run, from 0
	Key     string // the partition key
	Time    string // when the event was emitted, UTC, in BodyTimeLayout
	Unix    int64  // the same time in Unix seconds
	Attempt int    // the attempt number, from 1
}

// NewBodyData fills a BodyData, formatting t in UTC.
func NewBodyData(id string, seq int64, key string, t time.Time, attempt int) BodyData {
	return BodyData{ID: id, Seq: seq, Key: key, Time: t.UTC().Format(BodyTimeLayout), Unix: t.Unix(), Attempt: attempt}
}

// Body renders the body of each attempt from a text/template over BodyData,
// padded to an exact size.
//
// The template sees .ID, .Seq, .Key, .Time, .Unix and .Attempt, the usual
// text/template functions, and json, which writes its argument as JSON
// ({{json .Key}} gives "k-1" with the quotes, escaped as needed). Values are
// not escaped otherwise: the default template puts ids and keys between
// quotes as they are. A template is one flat body: range, template, define
// and block are rejected, which also keeps a template from looping.
//
// When Size is larger than the rendered length, the body is padded to
// exactly Size bytes. A JSON object (the body starts with "{" and ends with
// "}", ignoring surrounding white space) gets a "pad" field of x's before
// its closing brace, `,"pad":"xxx"`, or spaces there when the gap is too
// small for the field (9 bytes, 8 in an empty object), so it stays valid
// JSON. Any other
// body gets trailing spaces. A body already Size bytes or longer is sent
// as it is: Size is a minimum, not a cut.
//
// A Body is safe for concurrent use; each goroutine renders into its own
// buffer.
type Body struct {
	text string
	size int
	tmpl *template.Template
	// static is the padded body of a template without actions (a
	// --body @payload.json that uses no field), rendered once by
	// ParseBody: every attempt sends the same bytes, so Render copies
	// them instead of running the template.
	static []byte
}

// ParseBody parses a body template. file names where it came from ("flag
// --body" or a path) for errors, which are *exitcode.InputError naming the
// file and line. size is the padded size in bytes, 0 for none. The
// template is tried once on sample data, so a field that does not exist
// ({{.Nme}}) is an error here rather than on the first event.
func ParseBody(file, text string, size int) (*Body, error) {
	if size < 0 || size > MaxBodySize {
		return nil, &exitcode.InputError{File: "flag --size", Msg: fmt.Sprintf("body size %d is out of range; want 0 to %d bytes (64 MiB)", size, MaxBodySize)}
	}
	t, err := template.New("body").Option("missingkey=error").Funcs(template.FuncMap{"json": jsonFunc}).Parse(text)
	if err != nil {
		return nil, templateError(file, err)
	}
	if t.Tree == nil || t.Tree.Root == nil {
		return nil, &exitcode.InputError{File: file, Line: 1, Msg: "empty body template"}
	}
	if len(t.Templates()) > 1 {
		return nil, &exitcode.InputError{File: file, Line: 1, Msg: "define and block are not supported in a body template"}
	}
	if n := unsupportedNode(t.Tree.Root); n != nil {
		return nil, &exitcode.InputError{File: file, Line: lineOf(text, int(n.Position())), Msg: "range and template are not supported in a body template"}
	}
	b := &Body{text: text, size: size, tmpl: t}
	var buf bytes.Buffer
	if err := b.tmpl.Execute(&limitWriter{w: &buf, n: MaxBodySize}, NewBodyData("evt-0", 0, "key-0", time.Unix(0, 0), 1)); err != nil {
		return nil, templateError(file, err)
	}
	if textOnly(t.Tree.Root) {
		pad(&buf, size)
		b.static = buf.Bytes()
	}
	return b, nil
}

// Render writes the body for d into buf, replacing what buf held, padded
// to the Body's size. Reusing buf across events keeps rendering from
// allocating a new buffer each time.
func (b *Body) Render(buf *bytes.Buffer, d BodyData) error {
	buf.Reset()
	if b.static != nil {
		buf.Write(b.static)
		return nil
	}
	if err := b.tmpl.Execute(buf, d); err != nil {
		return fmt.Errorf("body template: %w", err)
	}
	pad(buf, b.size)
	return nil
}

// Size returns the padded size, 0 for none.
func (b *Body) Size() int { return b.size }

// Text returns the template text.
func (b *Body) Text() string { return b.text }

// pad grows the body in buf to size bytes, as Body documents.
func pad(buf *bytes.Buffer, size int) {
	n := buf.Len()
	gap := size - n
	if gap <= 0 {
		return
	}
	body := buf.Bytes()
	first, last := firstNonSpace(body), lastNonSpace(body)
	if first < 0 || body[first] != '{' || body[last] != '}' || last == first {
		writeRepeat(buf, ' ', gap)
		return
	}
	// Make room before the closing brace, then fill it.
	writeRepeat(buf, ' ', gap)
	body = buf.Bytes()
	copy(body[last+gap:], body[last:n])
	hole := body[last : last+gap]
	field := `,"pad":"`
	if inner := lastNonSpace(body[:last]); inner == first {
		field = field[1:] // an empty object takes no comma
	}
	if gap < len(field)+1 {
		for i := range hole {
			hole[i] = ' '
		}
		return
	}
	copy(hole, field)
	for i := len(field); i < gap-1; i++ {
		hole[i] = 'x'
	}
	hole[gap-1] = '"'
}

// writeRepeat appends n copies of c to buf.
func writeRepeat(buf *bytes.Buffer, c byte, n int) {
	var chunk [256]byte
	for i := range chunk {
		chunk[i] = c
	}
	for n > 0 {
		k := min(n, len(chunk))
		buf.Write(chunk[:k])
		n -= k
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// firstNonSpace returns the index of the first non-space byte, or -1.
func firstNonSpace(b []byte) int {
	for i, c := range b {
		if !isSpace(c) {
			return i
		}
	}
	return -1
}

// lastNonSpace returns the index of the last non-space byte, or -1.
func lastNonSpace(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if !isSpace(b[i]) {
			return i
		}
	}
	return -1
}

// jsonFunc is the template function json.
func jsonFunc(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// unsupportedNode returns the first range or template node in the tree.
// textOnly reports whether a template's tree is text alone: no action, so
// it renders the same bytes for every event.
func textOnly(root *parse.ListNode) bool {
	for _, n := range root.Nodes {
		if _, ok := n.(*parse.TextNode); !ok {
			return false
		}
	}
	return true
}

func unsupportedNode(n parse.Node) parse.Node {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if bad := unsupportedNode(c); bad != nil {
				return bad
			}
		}
	case *parse.IfNode:
		return firstOf(unsupportedNode(n.List), unsupportedNode(n.ElseList))
	case *parse.WithNode:
		return firstOf(unsupportedNode(n.List), unsupportedNode(n.ElseList))
	case *parse.RangeNode, *parse.TemplateNode:
		return n
	}
	return nil
}

func firstOf(a, b parse.Node) parse.Node {
	if a != nil {
		return a
	}
	return b
}

// lineOf returns the 1-based line of byte offset pos in text.
func lineOf(text string, pos int) int {
	return 1 + bytes.Count([]byte(text[:min(max(pos, 0), len(text))]), []byte{'\n'})
}

// templateMsg splits text/template's "template: body:LINE[:COL]: msg".
var templateMsg = regexp.MustCompile(`(?s)^template: body:(\d+)(?::\d+)?: (.*)$`)

// templateError turns a parse or execution error into an InputError.
func templateError(file string, err error) *exitcode.InputError {
	e := &exitcode.InputError{File: file, Msg: err.Error()}
	if m := templateMsg.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = m[2]
	}
	return e
}

// limitWriter fails once more than n bytes were written: a template tried
// at parse time may not produce an unbounded body.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if len(p) > l.n {
		return 0, fmt.Errorf("the body is longer than %d bytes", MaxBodySize)
	}
	l.n -= len(p)
	return l.w.Write(p)
}
