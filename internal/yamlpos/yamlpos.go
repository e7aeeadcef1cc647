// Package yamlpos reads a YAML configuration file (a profile, a plan) as
// nodes, and keeps the line of every field it reads, so that each problem
// is reported as an *exitcode.InputError naming the file, the line and
// the field. It decides what a file must look like to be read at all
// (one document, a mapping at the top, valid YAML); what the fields mean
// is its caller's.
//
// It parses data already read: the caller bounds its size (package
// bounded) before.
package yamlpos

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// Reader reads the nodes of one file.
type Reader struct {
	File  string // the file's name, for messages
	What  string // what the file holds, for messages: "profile", "plan"
	Lines Lines  // the line of each field read so far
}

// New returns a Reader of file, which holds a what ("profile", "plan").
func New(file, what string) *Reader {
	return &Reader{File: file, What: what, Lines: Lines{}}
}

// Lines maps the path of each field a file gives to its line. A path
// joins the names of the fields and the indexes of list items from the
// top: "limits.per_second.quota", "phases[2].parallel[1].rate".
type Lines map[string]int

// Line returns the line of field, or of the nearest field that contains
// it, or 0 when there is none.
func (l Lines) Line(field string) int {
	for f := field; f != ""; {
		if n, ok := l[f]; ok {
			return n
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return 0
}

// Decode parses data, which must hold one YAML document whose top is a
// mapping, and returns that mapping. fields names the top-level fields
// for the message when it is not a mapping, e.g. "name:, profile:,
// phases:, ...". A panic of the YAML decoder is an input error too.
func (r *Reader) Decode(data []byte, fields string) (root *yaml.Node, err error) {
	defer func() {
		if v := recover(); v != nil {
			root, err = nil, &exitcode.InputError{File: r.File, Msg: fmt.Sprintf("not valid YAML: %v", v)}
		}
	}()
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &exitcode.InputError{File: r.File, Line: 1, Msg: "the " + r.What + " is empty"}
		}
		return nil, r.syntaxError(err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, r.syntaxError(err)
		}
		return nil, &exitcode.InputError{File: r.File, Line: more.Line, Msg: "a " + r.What + " file holds one YAML document, found a second"}
	}
	if len(doc.Content) != 1 || Deref(doc.Content[0]).Kind != yaml.MappingNode {
		return nil, &exitcode.InputError{File: r.File, Line: max(1, doc.Line), Msg: fmt.Sprintf("a %s must be a YAML mapping (%s)", r.What, fields)}
	}
	return Deref(doc.Content[0]), nil
}

// syntaxError turns a YAML syntax error into an input error with its
// line, when the error gives one.
func (r *Reader) syntaxError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, after, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n, after
			}
		}
	}
	return &exitcode.InputError{File: r.File, Line: line, Msg: "not valid YAML: " + msg}
}

// ErrAt returns the input error about field, at the line of node n.
func (r *Reader) ErrAt(n *yaml.Node, field, format string, args ...any) error {
	return &exitcode.InputError{File: r.File, Line: n.Line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Fields calls f for each key and value of mapping m, in the file's
// order, aliases followed, with the field's path (path.key, or key at the
// top, where path is ""). It records each field's line, and rejects a key
// given twice and a key that is not a plain word. It stops at the first
// error f returns, and returns it.
func (r *Reader) Fields(m *yaml.Node, path string, f func(k, v *yaml.Node, field string) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := Deref(m.Content[i]), Deref(m.Content[i+1])
		field := k.Value
		if path != "" {
			field = path + "." + k.Value
		}
		if k.Kind != yaml.ScalarNode {
			return r.ErrAt(k, path, "a field name must be a plain word")
		}
		if seen[k.Value] {
			return r.ErrAt(k, field, "is given twice")
		}
		seen[k.Value] = true
		r.Lines[field] = k.Line
		if err := f(k, v, field); err != nil {
			return err
		}
	}
	return nil
}

// Find returns the value of key in mapping m, aliases followed, or nil.
func Find(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := Deref(m.Content[i]); k.Kind == yaml.ScalarNode && k.Value == key {
			return Deref(m.Content[i+1])
		}
	}
	return nil
}

// Deref follows an alias to the node it names (at most 100 aliases deep).
func Deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}
