package scenarios

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
)

// DefaultStart is when a shape begins unless told otherwise: Tuesday
// 17 February 2026, 09:00:00 UTC, in Unix ns. A fixed instant makes
// simulated runs reproducible, and this one sits on a whole day, hour and
// minute, so fixed calendar windows line up with it.
const DefaultStart int64 = 1771318800 * int64(time.Second)

// ShapeInfo describes a built-in shape, for `hooklimit scenarios`.
type ShapeInfo struct {
	Name    string      // "steady"
	Summary string      // what it models, in one line
	Doc     string      // how its times are computed
	Params  []ParamInfo // the parameters it takes
	Example string      // a command line that uses it
}

// ParamInfo is one parameter of a shape.
type ParamInfo struct {
	Name    string // the flag and plan field: "rate"
	Default string // its default, as typed ("20/s", "60s"), or "" for none
	Doc     string // what it means for this shape
}

// Builtins returns the built-in shapes, in the order `hooklimit
// scenarios` lists them.
func Builtins() []ShapeInfo {
	out := make([]ShapeInfo, len(shapes))
	for i, s := range shapes {
		out[i] = s.info
		out[i].Params = append([]ParamInfo(nil), s.info.Params...)
	}
	return out
}

// Names returns the names of the built-in shapes.
func Names() []string {
	names := make([]string, len(shapes))
	for i, s := range shapes {
		names[i] = s.info.Name
	}
	return names
}

// New returns the Source of the built-in shape name with parameters p.
// Missing parameters take the shape's defaults (see Builtins). A bad
// parameter gives an *exitcode.InputError naming its flag, such as
//
//	flag --copies: steady does not use copies (it takes rate, duration, events, keys, size, start)
//
// and an unknown name one naming the argument.
func New(name string, p Params) (Source, error) {
	s, q, perr := check(name, p)
	if perr != nil {
		if perr.param == "" {
			return nil, &exitcode.InputError{File: "argument SCENARIO", Msg: perr.msg}
		}
		return nil, &exitcode.InputError{File: "flag --" + perr.param, Msg: perr.msg}
	}
	if s.info.Name == "replay" && q.Records == nil {
		return nil, &exitcode.InputError{File: "flag --file", Msg: "replay needs recorded traffic (a traffic file)"}
	}
	return s.build(q), nil
}

// Resolve returns p with the defaults of the built-in shape name filled
// in: the parameters New would build the shape with, so that a run can
// name them. It fails as New does; it does not need Records.
func Resolve(name string, p Params) (Params, error) {
	if _, err := New(name, p); err != nil {
		return p, err
	}
	_, q, _ := check(name, p)
	return q, nil
}

// Replay returns a Source that plays recorded traffic, each record one
// event with its own key and size: New("replay", p) with p.Records set to
// recs. Records without a size get p.Size (DefaultSize when 0). A record
// earlier than the one before it ends the stream with an
// *exitcode.InputError naming its line; Readers from Open never give one.
func Replay(recs RecordSource, p Params) (Source, error) {
	p.Records = recs
	return New("replay", p)
}

// paramError is a bad parameter: its name (as a flag or plan field) and
// what is wrong. An empty param means the shape's name.
type paramError struct {
	param, msg string
}

func perrf(param, format string, args ...any) *paramError {
	return &paramError{param, fmt.Sprintf(format, args...)}
}

// lookup returns the built-in shape called name.
func lookup(name string) (*shapeDef, *paramError) {
	for i := range shapes {
		if shapes[i].info.Name == name {
			return &shapes[i], nil
		}
	}
	return nil, perrf("", "unknown scenario %q (want one of %s)", name, strings.Join(Names(), ", "))
}

// check validates p for shape name and returns the shape and p with its
// defaults filled in. It does not require Records.
func check(name string, p Params) (*shapeDef, Params, *paramError) {
	s, perr := lookup(name)
	if perr != nil {
		return nil, p, perr
	}
	for _, pn := range paramNames {
		if isSet(&p, pn) && !s.uses(pn) {
			return nil, p, perrf(pn, "%s does not use %s (it takes %s)", name, pn, strings.Join(s.names(), ", "))
		}
	}
	if perr := checkValues(&p); perr != nil {
		return nil, p, perr
	}
	if p.Start == 0 && name != "replay" {
		p.Start = DefaultStart
	}
	if p.Keys == 0 {
		p.Keys = 1
	}
	if p.Size == 0 {
		p.Size = DefaultSize
	}
	if perr := s.prepare(&p); perr != nil {
		return nil, p, perr
	}
	if n, ok := emissions(s, p); ok && n > MaxRunEvents {
		return nil, p, tooManyEvents(p, n)
	}
	return s, p, nil
}

// emissions returns how many deliveries shape s makes with the prepared
// parameters p, and false when that is not known before the run (a
// replay). A Poisson shape with a duration gives its expected count.
func emissions(s *shapeDef, p Params) (uint64, bool) {
	if s.uses("file") {
		return 0, false
	}
	p.Keys = 1 // the count does not depend on the keys: spare naming them
	c, ok := s.build(p).(counter)
	if !ok {
		return 0, false
	}
	return c.emissions(), true
}

// counter is implemented by the shapes' sources, which know up front how
// many deliveries they make.
type counter interface{ emissions() uint64 }

// tooManyEvents is the error of a shape of n deliveries, more than
// MaxRunEvents, blamed on the parameter that sets the count.
func tooManyEvents(p Params, n uint64) *paramError {
	param := "duration"
	switch {
	case p.Copies > 1:
		param = "copies"
	case p.Events > 0:
		param = "events"
	case p.Over > 0 && p.Duration == 0:
		param = "over"
	}
	return perrf(param, "gives %d deliveries; a run holds at most %d (split it into shorter runs, or lower the rate)", n, int64(MaxRunEvents))
}

// keyNames returns the keys "t1" to "tN".
func keyNames(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("t%d", i+1)
	}
	return keys
}

// span returns start + d, or an error naming param if it runs past the
// range the tool analyses (see limitsim.MaxTime).
func span(start int64, d uint64, param string) (int64, *paramError) {
	if d > math.MaxInt64 {
		return 0, perrf(param, "is too long")
	}
	t, ok := addTime(start, int64(d))
	if !ok {
		return 0, perrf(param, "runs past the year 2189")
	}
	return t, nil
}

// shapeDef is a built-in shape: its description, how it fills in and
// checks its parameters, and how it builds its Source.
type shapeDef struct {
	info ShapeInfo
	// prepare fills in the shape's defaults and checks everything that
	// could go wrong, so that build cannot fail.
	prepare func(p *Params) *paramError
	build   func(p Params) Source
}

// uses reports whether the shape takes parameter name. Every shape takes
// start and seed.
func (s *shapeDef) uses(name string) bool {
	if name == "start" || name == "seed" {
		return true
	}
	for _, pi := range s.info.Params {
		if pi.Name == name {
			return true
		}
	}
	return false
}

// names returns the names of the parameters the shape takes.
func (s *shapeDef) names() []string {
	var names []string
	for _, pi := range s.info.Params {
		names = append(names, pi.Name)
	}
	return append(names, "start")
}
