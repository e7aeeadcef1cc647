package results

import (
	"cmp"
	"fmt"
	"iter"
	"slices"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/report"
)

// mergeRuns merges the results files of runs: by replaying their attempt
// lines when every file has them, else by merging their results.
func mergeRuns(files []*File) (*report.Report, error) {
	runs := make([]*report.RunResult, len(files))
	for i, f := range files {
		runs[i] = f.Result.(*report.RunResult)
	}
	spec, err := sameProfile(files, func(f *File) string { return f.Result.(*report.RunResult).Profile })
	if err != nil {
		return nil, err
	}
	replay := true
	for i, f := range files {
		n, want := f.Lines[LineAttempt], runs[i].Delivery.Attempts
		if n > 0 && n != want {
			return nil, &exitcode.InputError{File: f.Name, Msg: fmt.Sprintf("has %s attempt lines but its result counts %s attempts: the file is incomplete",
				numfmt.WithCommas(n), numfmt.WithCommas(want))}
		}
		replay = replay && n == want
	}
	var r *report.RunResult
	if replay {
		if spec == nil {
			return nil, &exitcode.InputError{File: files[0].Name, Msg: fmt.Sprintf("profile %s is not built in and the result does not record its limits, so its attempts cannot be analysed again", runs[0].Profile)}
		}
		p, err := spec.Profile()
		if err != nil {
			return nil, &exitcode.InputError{File: files[0].Name, Field: "result.timeline.profile", Msg: err.Error()}
		}
		if r, err = replayRuns(files, runs, p); err != nil {
			return nil, err
		}
	} else if r, err = mergeRunResults(files, runs); err != nil {
		return nil, err
	}
	ths, err := mergedThresholds(thresholdLists(runs)...)
	if err != nil {
		return nil, err
	}
	r.Thresholds = []report.ThresholdResult{}
	r.Settle()
	if err := r.ApplyThresholds(ths); err != nil {
		return nil, err
	}
	return &report.Report{Result: r, Verdict: r.Verdict, Timeline: r.Timeline}, nil
}

func thresholdLists(runs []*report.RunResult) [][]report.ThresholdResult {
	out := make([][]report.ThresholdResult, len(runs))
	for i, r := range runs {
		out[i] = r.Thresholds
	}
	return out
}

// runMeta is the meta of the merged run: the values every run shares, or
// them all joined.
func runMeta(runs []*report.RunResult) report.RunMeta {
	var scen, target, retry, ids []string
	m := report.RunMeta{Seed: runs[0].Seed, Merged: true}
	cuts := make([]*report.Incomplete, len(runs))
	for i, r := range runs {
		cuts[i] = r.Incomplete
		scen, target, retry = append(scen, r.Scenario), append(target, r.Target), append(retry, r.Retry)
		if r.RunID != "" {
			ids = append(ids, r.RunID)
		}
		if r.Seed != m.Seed {
			m.Seed = 0
		}
		m.Interrupted = m.Interrupted || r.Interrupted
	}
	m.Scenario, m.Target, m.Retry, m.RunID = joined(scen), joined(target), joined(retry), joined(ids)
	m.Incomplete = report.MergeIncomplete(cuts)
	return m
}

// deliveryState is what replayRuns keeps of one delivery until its
// file's attempts end.
type deliveryState struct {
	key      string
	sender   string // the sender of a run of several
	emitted  int64  // the intended time of its first attempt
	at       int64  // when it was accepted, or its last answer
	attempts int
	accepted bool
	sawFirst bool
}

// deliveryID names one delivery of a run: an event and which copy of it.
type deliveryID struct {
	event uint64
	copy  int
}

// mergeEvent tells apart the events of different files.
func mergeEvent(file int, event uint64) uint64 { return uint64(file)<<48 | event }

// replayRuns replays the attempts of every file, in send-time order,
// through a fresh RunCollector. The outcome of each delivery (what the
// attempt lines do not hold) is rebuilt from its attempts: delivered by
// its 2xx, else lost; a file of an interrupted run whose result counts
// pending deliveries cannot tell them from lost ones, and the merged
// result says so.
func replayRuns(files []*File, runs []*report.RunResult, p *limitsim.Profile) (*report.RunResult, error) {
	m := runMeta(runs)
	m.Senders = report.Metas(report.MergeSenders(fileSenders(files, runs)))
	r, total, notes, err := replayAttempts(files, runs, p, m, probe.GaveUp)
	if err != nil {
		return nil, err
	}
	r.Notes = append([]string{fmt.Sprintf("merged from %s by replaying their %s attempts in the order they were sent, as one run against one receiver",
		numfmt.CountNoun(int64(len(files)), "results file"), numfmt.WithCommas(total))}, notes...)
	return r, nil
}

// replayAttempts replays the attempt lines of files, in send-time order,
// through a fresh RunCollector, and returns its result with meta m, the
// number of attempts and notes on what the lines could not tell. A
// delivery with no accepted attempt ends with unresolved: probe.GaveUp
// (lost) when its file holds the whole run, probe.Interrupted (pending)
// when it was cut short.
func replayAttempts(files []*File, runs []*report.RunResult, p *limitsim.Profile, m report.RunMeta, unresolved probe.Fate) (*report.RunResult, int64, []string, error) {
	coll := report.NewRunCollector(p, nil)
	states := make([]map[deliveryID]*deliveryState, len(files))
	copies := make([]map[uint64]int, len(files))
	for i := range files {
		states[i], copies[i] = map[deliveryID]*deliveryState{}, map[uint64]int{}
	}
	var notes []string
	var total int64
	// An attempt names its sender in a run of several; the attempts of a
	// run of one merged with such runs are of the sender named after
	// its file (see fileSenders).
	ss := fileSenders(files, runs)
	fallback := make([]string, len(files))
	for i := range files {
		if len(runs[i].Senders) == 0 && ss != nil {
			fallback[i] = ss[i][0].Name
		}
	}
	seqs := make([]iter.Seq2[probe.Attempt, error], len(files))
	for i, f := range files {
		seqs[i] = f.attempts()
	}
	done := func(i int) {
		var out probe.Outcome
		seen := map[string]map[uint64]bool{} // each sender's events with lines
		for id, st := range states[i] {
			out = probe.Outcome{Event: mergeEvent(i, id.event), Copy: id.copy, Copies: copies[i][id.event], Key: st.key, Sender: st.sender,
				Emitted: st.emitted, At: st.at, Attempts: st.attempts, Fate: unresolved}
			if st.accepted {
				out.Fate = probe.Delivered
			}
			coll.Outcome(&out)
			if seen[st.sender] == nil {
				seen[st.sender] = map[uint64]bool{}
			}
			seen[st.sender][id.event] = true
		}
		// Deliveries the run ended before their first attempt have no
		// line: each is a lost event of its own, of the sender whose
		// result counts more events than its lines hold.
		var owners []string
		for _, s := range runs[i].Senders {
			for n := int64(len(seen[s.Name])); n < s.Events; n++ {
				owners = append(owners, s.Name)
			}
		}
		for n := int64(len(states[i])); n < runs[i].Delivery.Deliveries; n++ {
			out = probe.Outcome{Event: mergeEvent(i, maxEvent-uint64(n)), Copies: 1, Fate: probe.RunEnded, Sender: fallback[i]}
			if k := n - int64(len(states[i])); k < int64(len(owners)) {
				out.Sender = owners[k]
			}
			coll.Outcome(&out)
		}
		if runs[i].Delivery.Pending > 0 {
			notes = append(notes, fmt.Sprintf("%s was interrupted with %s deliveries pending: the attempt lines cannot tell them from lost ones, so they count as lost",
				files[i].Name, numfmt.WithCommas(runs[i].Delivery.Pending)))
		}
		states[i] = nil
	}
	err := kmerge(seqs, func(a *probe.Attempt) int64 { return a.Sent }, func(i int, a *probe.Attempt) {
		total++
		if a.Sender == "" {
			a.Sender = fallback[i]
		}
		id := deliveryID{a.Event, a.Copy}
		st := states[i][id]
		if st == nil {
			st = &deliveryState{key: a.Key, sender: a.Sender, emitted: a.Intended}
			states[i][id] = st
			copies[i][a.Event] = max(copies[i][a.Event], a.Copy+1)
		}
		if a.N == 1 && !st.sawFirst {
			st.emitted, st.sawFirst = a.Intended, true
		}
		st.attempts++
		if !st.accepted {
			st.at = a.Done
			st.accepted = a.Accepted()
		}
		a.Event = mergeEvent(i, a.Event)
		coll.Attempt(a)
	}, done)
	if err != nil {
		return nil, 0, nil, err
	}
	r := coll.Result(m)
	r.Input.Files = fileNames(files)
	return r, total, notes, nil
}

// mergeRunResults merges runs from their result lines alone: the
// counters add up, the histograms merge, the timelines add up, and the
// compliance rows are put together (which needs every partition key to
// be in one file only).
func mergeRunResults(files []*File, runs []*report.RunResult) (*report.RunResult, error) {
	checks := make([]*report.CheckResult, len(runs))
	for i, r := range runs {
		checks[i] = r.Check()
		if r.Delivery.Histograms == nil {
			return nil, &exitcode.InputError{File: files[i].Name, Msg: "has neither attempt lines nor histograms in its result (an older hooklimit wrote it), so its percentiles cannot be merged exactly"}
		}
	}
	chk, err := mergeCompliance(files, checks, "runs")
	if err != nil {
		return nil, err
	}
	m := runMeta(runs)
	r := &report.RunResult{
		Kind: report.KindRun, Scenario: m.Scenario, Profile: runs[0].Profile, Target: m.Target, Retry: m.Retry, Seed: m.Seed, RunID: m.RunID,
		Interrupted: m.Interrupted, Incomplete: m.Incomplete, Compliance: chk.Verdict, ComplianceSection: chk.ComplianceSection,
		Thresholds: []report.ThresholdResult{},
	}
	r.Input.Files = fileNames(files)
	for _, x := range runs {
		if x.Start != 0 && (r.Start == 0 || x.Start < r.Start) {
			r.Start = x.Start
		}
		r.End = max(r.End, x.End)
	}
	if r.Delivery, err = mergeDelivery(files, runs); err != nil {
		return nil, err
	}
	r.Notes = []string{fmt.Sprintf("merged from the results of %s (no attempt lines): counters added up, histograms merged, no partition key in two files",
		numfmt.CountNoun(int64(len(files)), "file"))}
	tls := make([]*report.Timeline, len(runs))
	for i, x := range runs {
		tls[i] = x.Timeline
	}
	if r.Timeline = report.MergeTimelines(tls...); r.Timeline == nil {
		r.Notes = append(r.Notes, "no timeline: some of the results have none")
	}
	r.Senders = report.MergeSenders(fileSenders(files, runs))
	r.Metrics = report.RunMetricsOf(r, chk.Metrics)
	return r, nil
}

// fileSenders returns the senders of each run to merge, nil when none
// had several. A run of one sender merged with runs of several is one
// sender of its own, named after its file, with the run's numbers, so
// that the merged senders still sum to the merged totals.
func fileSenders(files []*File, runs []*report.RunResult) [][]report.SenderShare {
	if !slices.ContainsFunc(runs, func(r *report.RunResult) bool { return len(r.Senders) > 0 }) {
		return nil
	}
	out := make([][]report.SenderShare, len(runs))
	for i, r := range runs {
		if out[i] = r.Senders; len(r.Senders) > 0 {
			continue
		}
		d := &r.Delivery
		out[i] = []report.SenderShare{{Name: files[i].Name, Sender: cmp.Or(r.Sender, "parallel"), Retry: r.Retry, DisabledAt: r.SenderDisabledAt,
			Events: d.Events, Attempts: d.Attempts, Accepted: d.Accepted, Rejected429: d.Rejected429, Errors: d.Errors, Lost: d.Lost,
			RetryAfterEarly: d.RetryAfterEarly, PartitionViolations: d.PartitionViolations}}
	}
	return out
}

// mergeDelivery adds up the delivery numbers and merges the histograms.
func mergeDelivery(files []*File, runs []*report.RunResult) (report.Delivery, error) {
	var d report.Delivery
	delay, latency, fromIntended := report.NewHistogram(), report.NewHistogram(), report.NewHistogram()
	for i, r := range runs {
		x := &r.Delivery
		d.Events += x.Events
		d.Deliveries += x.Deliveries
		d.Attempts += x.Attempts
		d.Accepted += x.Accepted
		d.Rejected429 += x.Rejected429
		d.Errors += x.Errors
		d.Lost += x.Lost
		d.Pending += x.Pending
		d.CutOff += x.CutOff
		d.Duplicates += x.Duplicates
		d.Retries += x.Retries
		d.RetryAfterHonored += x.RetryAfterHonored
		d.RetryAfterEarly += x.RetryAfterEarly
		d.PartitionViolations += x.PartitionViolations
		d.Late += x.Late
		d.MinRetrySlackMS = minMS(d.MinRetrySlackMS, x.MinRetrySlackMS)
		d.MinPartitionSlackMS = minMS(d.MinPartitionSlackMS, x.MinPartitionSlackMS)
		a, b, c, err := x.Histograms.DecodeAll()
		if err != nil {
			return d, files[i].lineErr(files[i].ResultLine, "result.", err)
		}
		for _, pair := range [][2]*hdrhistogram.Histogram{{delay, a}, {latency, b}, {fromIntended, c}} {
			if dropped := pair[0].Merge(pair[1]); dropped > 0 {
				return d, &exitcode.InputError{File: files[i].Name, Field: "result.delivery.histograms", Msg: "values out of range"}
			}
		}
	}
	if d.Events > 0 {
		d.Amplification = numfmt.Round3(float64(d.Attempts) / float64(d.Events))
		d.LostRate = numfmt.Round3(float64(d.Lost) / float64(d.Events))
	}
	if d.Attempts > 0 {
		d.Rate429 = numfmt.Round3(float64(d.Rejected429) / float64(d.Attempts))
	}
	d.DeliveryDelay, d.Latency, d.LatencyFromIntended = report.HistogramPercentiles(delay), report.HistogramPercentiles(latency), report.HistogramPercentiles(fromIntended)
	d.Histograms = &report.DeliveryHistograms{DeliveryDelay: report.EncodeHistogram(delay), Latency: report.EncodeHistogram(latency), LatencyFromIntended: report.EncodeHistogram(fromIntended)}
	return d, nil
}

// minMS returns the smaller of two optional slacks, nil when both are.
func minMS(a, b *int64) *int64 {
	if b == nil || a != nil && *a <= *b {
		return a
	}
	v := *b
	return &v
}
