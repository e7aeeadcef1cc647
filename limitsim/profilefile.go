package limitsim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hooklimit/hooklimit/internal/bounded"
	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/units"
	"github.com/hooklimit/hooklimit/internal/workdir"
	"github.com/hooklimit/hooklimit/internal/yamlpos"
)

// LoadProfile returns the profile that spec names: a built-in profile's name
// ("rewst") or the path of a YAML profile file. Errors are
// *exitcode.InputError values naming the file, line and field.
func LoadProfile(spec string) (*Profile, error) { return LoadProfileFrom("", spec) }

// LoadProfileFrom is LoadProfile with a profile file's path found from
// the working directory dir.
func LoadProfileFrom(dir workdir.Dir, spec string) (*Profile, error) {
	if p, ok := Builtin(spec); ok {
		return p, nil
	}
	data, err := bounded.ReadFile(dir, spec, "profile", MaxProfileFile)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !strings.ContainsAny(spec, `/\.`) {
			return nil, &exitcode.InputError{File: "flag --profile", Msg: fmt.Sprintf("unknown profile %q (built-in profiles: %s; or give the path of a YAML profile file)", spec, strings.Join(BuiltinNames(), ", "))}
		}
		return nil, err
	}
	return ParseProfile(spec, data)
}

// ParseProfile reads a profile file. A file may start from a built-in
// profile with extends and change only what differs:
//
//	extends: rewst
//	limits:
//	  per_second:
//	    quota: 50
//
// or define every limit itself:
//
//	name: my-gateway
//	headers: ietf
//	limits:
//	  per_second: {kind: window, quota: 25, per: 1s}
//	  bytes:      {kind: credits, quota: 30MB, per: 1m, burst: 30MB, unit: bytes}
//
// Top-level fields: name, extends, description, scope, headers (a dialect),
// count_rejected, ordered, and limits, a mapping from limit name to kind
// (window, fixed, bucket, credits), quota, per, burst and unit (requests or
// bytes). Quotas and bursts of byte limits may be sizes such as 30MB. name
// is the file's base name when absent. scope says which requests share one
// limiter: workspace adds up every key of a workspace, environment every
// key of an environment (DEV, TEST, PROD) of one; key, trigger,
// webhook, endpoint, tenant and database are per partition key; it is the
// extended profile's when absent, else per key. Every problem is reported as an
// *exitcode.InputError with the file, line and field.
func ParseProfile(file string, data []byte) (*Profile, error) {
	r := &profileReader{yamlpos.New(file, "profile")}
	p, err := r.read(data)
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return nil, &exitcode.InputError{File: file, Line: r.Lines.Line(fe.Field), Field: fe.Field, Msg: fe.Msg}
		}
		return nil, &exitcode.InputError{File: file, Msg: err.Error()}
	}
	return p, nil
}

// profileReader reads a profile from its YAML nodes.
type profileReader struct {
	*yamlpos.Reader
}

func (r *profileReader) read(data []byte) (*Profile, error) {
	root, err := r.Decode(data, "name:, extends:, limits:, ...")
	if err != nil {
		return nil, err
	}
	p := &Profile{Name: strings.TrimSuffix(filepath.Base(r.File), filepath.Ext(r.File)), Dialect: "ietf"}
	if ext := yamlpos.Find(root, "extends"); ext != nil {
		base, ok := Builtin(ext.Value)
		if ext.Kind != yaml.ScalarNode || !ok {
			return nil, r.ErrAt(ext, "extends", "unknown built-in profile %q (want one of %s)", ext.Value, strings.Join(BuiltinNames(), ", "))
		}
		p = base
		p.Extends = ext.Value
		p.Name = strings.TrimSuffix(filepath.Base(r.File), filepath.Ext(r.File))
		p.Source = fmt.Sprintf("%s, extending the built-in %s (%s)", r.File, ext.Value, base.Source)
	} else {
		p.Source = r.File
	}
	err = r.Fields(root, "", func(k, v *yaml.Node, _ string) error {
		var err error
		switch k.Value {
		case "extends":
		case "name":
			p.Name, err = r.str(v, "name")
		case "description":
			p.Description, err = r.str(v, "description")
		case "scope":
			p.Scope, err = r.str(v, "scope")
		case "headers":
			p.Dialect, err = r.str(v, "headers")
		case "count_rejected":
			p.CountRejected, err = r.boolean(v, "count_rejected")
		case "ordered":
			p.Ordered, err = r.boolean(v, "ordered")
		case "interpretation":
			p.Interpretation, err = r.str(v, "interpretation")
		case "limits":
			err = r.limits(p, v)
		default:
			err = r.ErrAt(k, k.Value, "unknown field (want name, extends, description, scope, headers, count_rejected, ordered, interpretation, limits)")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// MaxProfileFile is the largest profile file read: 1 MiB, room for
// thousands of lines, while YAML decoding of it stays well under a second.
const MaxProfileFile = 1 << 20

// MaxLimits is the most limits a profile may have, counting those of the
// built-in profile it extends. Real ones have up to three.
const MaxLimits = 100

func (r *profileReader) limits(p *Profile, v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return r.ErrAt(v, "limits", "must be a mapping from limit name to its fields")
	}
	index := make(map[string]int, len(p.Limits)) // limit name -> index in p.Limits
	for i, l := range p.Limits {
		index[l.Name] = i
	}
	return r.Fields(v, "limits", func(k, body *yaml.Node, path string) error {
		name := k.Value
		if body.Kind != yaml.MappingNode {
			return r.ErrAt(body, path, "must be a mapping of kind, quota, per, burst, unit")
		}
		j, ok := index[name]
		if !ok && p.Extends != "" && yamlpos.Find(body, "kind") == nil {
			// Most likely a typo for a limit of the base: say which it has.
			names := make([]string, len(p.Limits))
			for i, l := range p.Limits {
				names[i] = l.Name
			}
			return r.ErrAt(k, path, "%s has no limit %q (it has %s); to add a new limit, give its kind, quota and per", p.Extends, name, strings.Join(names, ", "))
		}
		if !ok {
			if len(p.Limits) == MaxLimits {
				return r.ErrAt(k, path, "is one limit too many: a profile has at most %d", MaxLimits)
			}
			j = len(p.Limits)
			index[name] = j
			p.Limits = append(p.Limits, Limit{Name: name, Unit: Requests})
		}
		l := &p.Limits[j]
		// unit first: it decides how quota and burst are read.
		if u := yamlpos.Find(body, "unit"); u != nil {
			l.Unit = Unit(u.Value)
		}
		return r.Fields(body, path, func(fk, fv *yaml.Node, field string) error {
			if fv.Kind != yaml.ScalarNode {
				return r.ErrAt(fv, field, "must be a single value")
			}
			var err error
			switch fk.Value {
			case "kind":
				l.Kind = Kind(fv.Value)
			case "unit":
			case "quota":
				l.Quota, err = r.amount(fv, field, l.Unit)
			case "burst":
				l.Burst, err = r.amount(fv, field, l.Unit)
			case "per":
				l.Per, err = units.ParseDuration(fv.Value)
				if err != nil {
					err = r.ErrAt(fv, field, "%v", err)
				}
			default:
				err = r.ErrAt(fk, field, "unknown field (want kind, quota, per, burst, unit)")
			}
			return err
		})
	})
}

// amount reads a quota or burst: a whole number, or a size for byte limits.
func (r *profileReader) amount(v *yaml.Node, field string, u Unit) (int64, error) {
	if u == Bytes {
		n, err := units.ParseSize(v.Value)
		if err != nil {
			return 0, r.ErrAt(v, field, "%v", err)
		}
		return n, nil
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(v.Value, "_", ""), 10, 64)
	if err != nil {
		return 0, r.ErrAt(v, field, "must be a whole number, not %q", v.Value)
	}
	return n, nil
}

func (r *profileReader) str(v *yaml.Node, field string) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", r.ErrAt(v, field, "must be a string")
	}
	return v.Value, nil
}

func (r *profileReader) boolean(v *yaml.Node, field string) (bool, error) {
	var b bool
	if v.Kind != yaml.ScalarNode || v.Decode(&b) != nil {
		return false, r.ErrAt(v, field, "must be true or false, not %q", v.Value)
	}
	return b, nil
}
