package results

import (
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
)

// maxMergeFiles bounds how many files merge at once: event numbers of
// different files are told apart by the file's index in their top bits.
const maxMergeFiles = 1 << 15

// Merge combines results files of one kind into one report, as if what
// they measured had been one run (or session, or traffic file). One file
// is its own report. Merging is exact or refused:
//
//   - runs whose files all have their attempt lines are replayed: every
//     attempt of every file, in send-time order, through a fresh
//     RunCollector, so delivery, histograms, compliance and the timeline
//     are computed from the attempts themselves, as for one run against
//     one receiver (keys of the same name are the same partition);
//   - runs without attempt lines, and checks, merge their results: counters
//     add up, HDR histograms merge, timelines add up, and the compliance
//     rows are put together, which is exact only when no partition key is
//     in two files; when one is, the merge is refused;
//   - serve sessions whose files all have their request lines are
//     replayed through a fresh session.Recorder, as one session;
//   - comparisons of retry policies and probes do not merge.
//
// Files of different kinds or profiles do not merge. Thresholds of the
// inputs are applied again to the merged numbers. Errors are
// *exitcode.InputError naming a file.
func Merge(files []*File) (*report.Report, error) {
	if len(files) == 0 {
		return nil, exitcode.Usagef("no results files")
	}
	if len(files) == 1 {
		return files[0].Report(), nil
	}
	if len(files) > maxMergeFiles {
		return nil, exitcode.Usagef("at most %d results files merge at once, not %d", maxMergeFiles, len(files))
	}
	kind := files[0].Kind
	for _, f := range files[1:] {
		if f.Kind != kind {
			return nil, &exitcode.InputError{File: f.Name, Msg: fmt.Sprintf("is a %s result and %s is a %s result: results of different kinds do not merge", f.Kind, files[0].Name, kind)}
		}
	}
	var rep *report.Report
	var err error
	switch kind {
	case report.KindRun:
		rep, err = mergeRuns(files)
	case report.KindCheck:
		rep, err = mergeChecks(files)
	case report.KindServe:
		rep, err = mergeServes(files)
	case report.KindCompare:
		err = &exitcode.InputError{File: files[1].Name, Msg: "results of run --compare-retry do not merge (each holds several runs); report them one at a time"}
	default:
		err = &exitcode.InputError{File: files[1].Name, Msg: "probe results do not merge: each probe is a measurement of its own; report them one at a time"}
	}
	if err != nil {
		return nil, err
	}
	rep.Kind = kind
	rep.Files = fileNames(files)
	for _, f := range files {
		if note := f.TruncatedNote(); note != "" {
			rep.Notes = append(rep.Notes, note)
		}
	}
	return rep, nil
}

func fileNames(files []*File) []string {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	return names
}

// sameProfile checks that every file was measured against the profile of
// the first, and returns its spec (nil when it is not known).
func sameProfile(files []*File, name func(*File) string) (*report.ProfileSpec, error) {
	first := files[0].profileSpec()
	for _, f := range files[1:] {
		spec := f.profileSpec()
		same := name(f) == name(files[0])
		if same && first != nil && spec != nil {
			same = first.Equal(spec)
		}
		if !same {
			return nil, &exitcode.InputError{File: f.Name, Msg: fmt.Sprintf("was measured against profile %s and %s against %s (or their limits differ): results of different profiles do not merge",
				name(f), files[0].Name, name(files[0]))}
		}
	}
	return first, nil
}

// joined returns the distinct values, in order, joined with " + ".
func joined(values []string) string {
	var out []string
	for _, v := range values {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return strings.Join(out, " + ")
}

// mergedThresholds parses the thresholds of the inputs, once each.
func mergedThresholds(lists ...[]report.ThresholdResult) ([]report.Threshold, error) {
	var out []report.Threshold
	seen := map[string]bool{}
	for _, l := range lists {
		for _, t := range l {
			if seen[t.Threshold] {
				continue
			}
			seen[t.Threshold] = true
			th, err := report.ParseThreshold(t.Threshold)
			if err != nil {
				return nil, err
			}
			out = append(out, th)
		}
	}
	return out, nil
}

// attempts yields the file's attempt lines, in order.
func (rf *File) attempts() iter.Seq2[probe.Attempt, error] {
	return func(yield func(probe.Attempt, error) bool) {
		var l resultLine
		stopped := false
		err := rf.scan(func(n int, line []byte) error {
			if err := l.decode(line); err != nil {
				return rf.lineErr(n, "", err)
			}
			if l.Type != LineAttempt {
				return nil
			}
			a, err := l.attempt()
			if err != nil {
				return rf.lineErr(n, "", err)
			}
			if !yield(a, nil) {
				stopped = true
				return errStop
			}
			return nil
		})
		if err != nil && !stopped {
			yield(probe.Attempt{}, err)
		}
	}
}

// requests yields the file's request lines (serve), in order.
func (rf *File) requests() iter.Seq2[session.Record, error] {
	return func(yield func(session.Record, error) bool) {
		var l resultLine
		stopped := false
		err := rf.scan(func(n int, line []byte) error {
			if err := l.decode(line); err != nil {
				return rf.lineErr(n, "", err)
			}
			if l.Type != LineRequest {
				return nil
			}
			r, err := l.serveRecord()
			if err != nil {
				return rf.lineErr(n, "", err)
			}
			if !yield(r, nil) {
				stopped = true
				return errStop
			}
			return nil
		})
		if err != nil && !stopped {
			yield(session.Record{}, err)
		}
	}
}

var errStop = fmt.Errorf("stop")

// kmerge calls f with every value of the streams, in the order of at
// (ties go to the stream listed first, then to stream order), and done(i)
// when stream i ends. Each stream must be in order itself.
func kmerge[T any](streams []iter.Seq2[T, error], at func(*T) int64, f func(i int, v *T), done func(i int)) error {
	type head struct {
		next func() (T, error, bool)
		stop func()
		v    T
		ok   bool
	}
	heads := make([]head, len(streams))
	defer func() {
		for _, h := range heads {
			if h.stop != nil {
				h.stop()
			}
		}
	}()
	advance := func(i int) error {
		h := &heads[i]
		v, err, ok := h.next()
		if err != nil {
			return err
		}
		h.v, h.ok = v, ok
		if !ok {
			done(i)
		}
		return nil
	}
	for i, s := range streams {
		heads[i].next, heads[i].stop = iter.Pull2(s)
		if err := advance(i); err != nil {
			return err
		}
	}
	for {
		best := -1
		for i := range heads {
			if heads[i].ok && (best < 0 || at(&heads[i].v) < at(&heads[best].v)) {
				best = i
			}
		}
		if best < 0 {
			return nil
		}
		f(best, &heads[best].v)
		if err := advance(best); err != nil {
			return err
		}
	}
}
