package results

import (
	"fmt"
	"iter"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
)

// mergeServes merges serve sessions by replaying the request lines of
// every file, in time order, through a fresh session.Recorder: one session,
// as if one receiver had answered every request. It needs every file's
// request lines and a built-in profile (a serve result records only the
// profile's name). The recorder's options that results do not record
// (--giveup-after, --event-ttl, --max-events) take their defaults.
func mergeServes(files []*File) (*report.Report, error) {
	serves := make([]*report.ServeResult, len(files))
	for i, f := range files {
		serves[i] = f.Result.(*report.ServeResult)
	}
	if _, err := sameProfile(files, func(f *File) string { return f.Result.(*report.ServeResult).Profile }); err != nil {
		return nil, err
	}
	p, ok := limitsim.Builtin(serves[0].Profile)
	if ok {
		ps, err := limitsim.ExcludeLimits([]*limitsim.Profile{p}, report.ExcludedOf(serves[0].Profile, serves[0].ExcludedLimits))
		if err != nil {
			return nil, &exitcode.InputError{File: files[0].Name, Field: "result.excluded_limits", Msg: err.Error()}
		}
		p = ps[0]
	}
	if !ok {
		return nil, &exitcode.InputError{File: files[0].Name, Msg: fmt.Sprintf("profile %s is not built in, and serve results record only its name, so the sessions cannot be analysed again", serves[0].Profile)}
	}
	var lists [][]report.ThresholdResult
	meta := session.Meta{}
	var listens, sources []string
	cuts := make([]*report.Incomplete, len(files))
	for i, f := range files {
		s := serves[i]
		cuts[i] = s.Incomplete
		if n := f.Lines[LineRequest]; n != s.Requests.Total {
			return nil, &exitcode.InputError{File: f.Name, Msg: fmt.Sprintf("has %s request lines but its result counts %s requests: serve results merge only from their request lines (serve --out)",
				numfmt.WithCommas(n), numfmt.WithCommas(s.Requests.Total))}
		}
		lists = append(lists, s.Thresholds)
		listens, sources = append(listens, s.Listen), append(sources, s.KeySource)
		if s.Start != 0 && (meta.Start == 0 || int64(s.Start) < meta.Start) {
			meta.Start = int64(s.Start)
		}
		meta.End = max(meta.End, int64(s.End))
		meta.Interrupted = meta.Interrupted || s.Interrupted
		meta.Dropped += s.Requests.Dropped
	}
	meta.Listen, meta.KeySource = joined(listens), joined(sources)
	meta.Incomplete = report.MergeIncomplete(cuts)
	ths, err := mergedThresholds(lists...)
	if err != nil {
		return nil, err
	}
	rec := session.NewRecorder(p, session.Options{Thresholds: ths})
	total, err := replayRequests(files, rec)
	if err != nil {
		return nil, err
	}
	meta.Notes = []string{fmt.Sprintf("merged from %s by replaying their %s requests in time order, as one session (give-up horizon and event memory at their defaults)",
		numfmt.CountNoun(int64(len(files)), "results file"), numfmt.WithCommas(total))}
	r := rec.Result(meta)
	tls := make([]*report.Timeline, len(files))
	for i, f := range files {
		tls[i] = f.Timeline
	}
	return &report.Report{Result: r, Verdict: r.Verdict, Timeline: report.MergeTimelines(tls...)}, nil
}

// replayRequests feeds the request lines of files to rec, in time order
// (ties in file order), numbered anew, and returns how many there were.
func replayRequests(files []*File, rec *session.Recorder) (int64, error) {
	seqs := make([]iter.Seq2[session.Record, error], len(files))
	for i, f := range files {
		seqs[i] = f.requests()
	}
	var seq uint64
	err := kmerge(seqs, func(r *session.Record) int64 { return r.Time }, func(_ int, r *session.Record) {
		seq++
		r.Seq = seq
		rec.Add(r)
	}, func(int) {})
	return int64(seq), err
}
