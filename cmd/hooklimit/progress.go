package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	track "github.com/hooklimit/hooklimit/internal/progress"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/discover"
	"github.com/hooklimit/hooklimit/scenarios"
)

// plainEvery is how often the plain form (no cursor escapes) prints a
// line: a log stays short, as k6's does when it cannot draw.
const plainEvery = 10 * time.Second

// progressRefresh is how often the bar is redrawn.
const progressRefresh = 150 * time.Millisecond

// progress shows a run's progress on standard error while it goes on: how
// much is done (see internal/progress), the time left and the counts so
// far. It draws in one of three forms:
//
//   - on a terminal, a bar (mpb) under the run's title, redrawn in place,
//     with the counts on a line of their own so that it fits 80 columns;
//   - on a terminal that must get no cursor escapes (TERM=dumb, or CI
//     set), a plain line every plainEvery and one at the end;
//   - nothing when standard error is not a terminal, or with --quiet:
//     then every method is a no-op.
type progress struct {
	tr    *track.Tracker
	now   func() time.Time
	title string

	// The bar form.
	p   *mpb.Progress
	bar *mpb.Bar
	// The plain form.
	plain io.Writer

	last atomic.Pointer[track.Status] // the status drawn last
	stop chan struct{}
	done sync.WaitGroup
}

// cursorless reports whether the environment asks for a terminal without
// cursor escapes: TERM=dumb, or CI set (as gh and k6 read it).
func cursorless(lookupEnv func(string) (string, bool)) bool {
	term, _ := lookupEnv("TERM")
	ci, _ := lookupEnv("CI")
	return term == "dumb" || (ci != "" && ci != "false" && ci != "0")
}

// newProgress starts showing the progress tr follows, under title, and
// reads the time with now.
func newProgress(streams *IOStreams, quiet bool, title string, tr *track.Tracker, now func() time.Time) *progress {
	pr := &progress{tr: tr, now: now, title: title, stop: make(chan struct{})}
	switch {
	case quiet || !streams.ErrIsTerminal:
		return pr
	case streams.ErrNoCursor:
		pr.plain = streams.ErrOut
	default:
		fmt.Fprintln(streams.ErrOut, title)
		pr.p = mpb.New(mpb.WithOutput(streams.ErrOut), mpb.WithWidth(40), mpb.WithRefreshRate(progressRefresh))
		pr.bar = pr.p.New(1000, mpb.BarStyle(),
			mpb.AppendDecorators(decor.Any(func(s decor.Statistics) string {
				st := pr.status()
				if s.Completed {
					return " done"
				}
				if st.Mode == track.Unknown {
					return ""
				}
				if l := st.LeftText(); l != "" {
					return fmt.Sprintf(" %3d%% · %s", int(st.Done*100), l)
				}
				return fmt.Sprintf(" %3d%%", int(st.Done*100))
			})),
			mpb.BarExtender(mpb.BarFillerFunc(func(w io.Writer, _ decor.Statistics) error {
				_, err := fmt.Fprintln(w, pr.status().Counts())
				return err
			}), false),
		)
	}
	pr.update()
	pr.done.Add(1)
	go pr.loop()
	return pr
}

// warn prints line (ending in a newline) on w, standard error, above the
// bar when one is drawn, so that the bar is not torn.
func (pr *progress) warn(w io.Writer, line string) {
	if pr.p != nil {
		_, _ = pr.p.Write([]byte(line))
		return
	}
	_, _ = io.WriteString(w, line)
}

// status returns the status drawn last.
func (pr *progress) status() track.Status { return *pr.last.Load() }

// update takes the tracker's status now, and moves the bar to it. The bar
// is full only once the run has ended (see wait).
func (pr *progress) update() {
	st := pr.tr.Status(pr.now())
	pr.last.Store(&st)
	if pr.bar != nil {
		pr.bar.SetCurrent(min(int64(st.Done*1000), 999))
	}
}

// loop updates the status until wait, and prints the plain form's lines.
func (pr *progress) loop() {
	defer pr.done.Done()
	every := progressRefresh
	if pr.plain != nil {
		every = plainEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-pr.stop:
			return
		case <-t.C:
			pr.update()
			if pr.plain != nil {
				fmt.Fprintf(pr.plain, "%s: %s\n", pr.title, pr.status().Line())
			}
		}
	}
}

// runTracker returns the tracker of a run of src started at start: in
// virtual time, or in real time (a --target run, whose last retries may
// take drain more) when realTime. A source whose length is not known in
// advance (a replay) shows only its counts.
func runTracker(src scenarios.Source, realTime bool, drain time.Duration, start time.Time) *track.Tracker {
	begin, end, ok := scenarios.PlannedSpan(src)
	switch {
	case !ok:
		return track.NewUnknown(start)
	case realTime:
		return track.NewReal(start, time.Duration(end-begin), drain)
	}
	return track.NewVirtual(start, begin, end)
}

// probeTracker returns the tracker of a probe of steps started at start.
func probeTracker(steps []discover.PlanStep, maxRequests int, maxDuration time.Duration, start time.Time) *track.Tracker {
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = s.Name
	}
	return track.NewSteps(start, names, maxRequests, maxDuration)
}

// observer wraps o so that every attempt also counts in the progress.
func (pr *progress) observer(o probe.Observer) probe.Observer {
	return &progressObserver{Observer: o, tr: pr.tr}
}

// onRequest wraps a probe's OnRequest (which may be nil) so that every
// request also counts in the progress, with its step.
func (pr *progress) onRequest(next func(*discover.ProbeRequest)) func(*discover.ProbeRequest) {
	return func(r *discover.ProbeRequest) {
		pr.tr.Step(r.Step)
		pr.tr.Observe(r.Intended, r.Admitted(), r.Status == 429)
		if next != nil {
			next(r)
		}
	}
}

// wait ends the display: the bar shows done, the plain form prints its
// last line.
func (pr *progress) wait() {
	select {
	case <-pr.stop:
		return // already ended
	default:
	}
	close(pr.stop)
	pr.done.Wait()
	switch {
	case pr.bar != nil:
		pr.update()
		pr.bar.SetTotal(-1, true)
		pr.p.Wait()
	case pr.plain != nil:
		pr.update()
		fmt.Fprintf(pr.plain, "%s: done · %s\n", pr.title, pr.status().Counts())
	}
}

type progressObserver struct {
	probe.Observer
	tr *track.Tracker
}

func (o *progressObserver) Attempt(a *probe.Attempt) {
	o.Observer.Attempt(a)
	o.tr.Observe(a.Intended, a.Accepted(), a.Status == 429)
}
