package scenarios

import (
	"io"
	"path/filepath"
)

// Source returns the plan's traffic: its phases in sequence (see
// Sequence), a parallel group's members merged (see Merge), and a phase
// with a start merged with what came before it. Everything begins at
// DefaultStart, and event numbers are unique across the whole plan.
//
// Source opens the traffic files of replay phases, found from the plan
// file's directory, and reports one that cannot be opened as an
// *exitcode.InputError. A replay closes its file at its end; the returned
// Source is an io.Closer, to close them all when stopping early.
//
// A plan with senders plays each sender's phases as above, all beginning
// at DefaultStart, and merges them (see Merge): each emission carries the
// index of its sender in Sender.
func (p *Plan) Source() (Source, error) {
	if len(p.Senders) > 0 {
		return p.sendersSource()
	}
	return p.phasesSource(p.Phases)
}

// phasesSource returns the Source of phases played as Source describes.
func (p *Plan) phasesSource(phases []Phase) (Source, error) {
	var groups, cur []Source
	fail := func(err error) (Source, error) {
		closeAll(append(groups, cur...))
		return nil, err
	}
	for _, ph := range phases {
		start := DefaultStart
		if ph.HasStart {
			start += int64(ph.Start)
			if len(cur) > 0 {
				groups = append(groups, Sequence(cur...))
				cur = nil
			}
		}
		src, err := p.phaseSource(ph, start)
		if err != nil {
			return fail(err)
		}
		cur = append(cur, src)
	}
	if len(cur) > 0 {
		groups = append(groups, Sequence(cur...))
	}
	if len(groups) == 1 {
		return groups[0], nil
	}
	return Merge(groups...), nil
}

// phaseSource returns the Source of one phase beginning at start.
func (p *Plan) phaseSource(ph Phase, start int64) (Source, error) {
	if ph.Scenario != "" {
		return p.shapeSource(ph, start)
	}
	members := make([]Source, 0, len(ph.Parallel))
	for _, m := range ph.Parallel {
		t := start
		if m.HasStart {
			t += int64(m.Start)
		}
		src, err := p.shapeSource(m, t)
		if err != nil {
			closeAll(members)
			return nil, err
		}
		members = append(members, src)
	}
	return &beginAt{Source: Merge(members...), begin: start}, nil
}

// shapeSource returns the Source of a shape phase beginning at start.
func (p *Plan) shapeSource(ph Phase, start int64) (Source, error) {
	params := ph.Params
	params.Start = start
	s, q, perr := check(ph.Scenario, params)
	if perr != nil {
		field := ph.Field + ".scenario"
		if perr.param != "" {
			field = ph.Field + "." + perr.param
		}
		return nil, p.Errorf(field, "%s", perr.msg)
	}
	if s.uses("file") {
		if ph.File == "" {
			return nil, p.Errorf(ph.Field, "%s needs file: the traffic file to play", ph.Scenario)
		}
		path := ph.File
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(p.File), path)
		}
		r, c, err := Open(path, nil, ReadOptions{WorkspaceField: ph.WorkspaceField, Dir: p.Dir})
		if err != nil {
			return nil, err
		}
		q.Records = &fileRecords{r, c}
	}
	return s.build(q), nil
}

// fileRecords is a Reader with the file it reads, closed by the replay.
type fileRecords struct {
	Reader
	io.Closer
}
