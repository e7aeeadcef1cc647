package main

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/hooklimit/hooklimit/probe"
)

// progress shows a run's progress on standard error with mpb: attempts,
// accepted and 429s so far, and for a timed run the time left. It shows
// nothing when standard error is not a terminal or with --quiet: then
// every method is a no-op.
type progress struct {
	p        *mpb.Progress
	bar      *mpb.Bar
	accepted atomic.Int64
	rejected atomic.Int64
	attempts atomic.Int64
	// begin and end are the scenario's span (Unix ns), when known: the
	// bar then follows the time of the attempts, virtual or real.
	begin, end int64
}

func newProgress(io *IOStreams, quiet bool, title string) *progress {
	if quiet || !io.ErrIsTerminal {
		return &progress{}
	}
	pr := &progress{p: mpb.New(mpb.WithOutput(io.ErrOut), mpb.WithWidth(40), mpb.WithRefreshRate(150*time.Millisecond))}
	pr.bar = pr.p.New(0, mpb.BarStyle(),
		mpb.PrependDecorators(decor.Name(title, decor.WCSyncSpaceR)),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
			return fmt.Sprintf("%d attempts · %d accepted · %d × 429", pr.attempts.Load(), pr.accepted.Load(), pr.rejected.Load())
		}), decor.Name(" "), decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO), "done")),
	)
	return pr
}

// setSpan tells the bar the scenario's first and last emission times, so
// that it can show how far the run has got and the time left.
func (pr *progress) setSpan(begin, end int64) {
	if pr.bar == nil || end <= begin {
		return
	}
	pr.begin, pr.end = begin, end
	pr.bar.SetTotal((end-begin)/int64(time.Millisecond)+1, false)
}

// observer wraps o so that every attempt also counts in the bar.
func (pr *progress) observer(o probe.Observer) probe.Observer {
	if pr.p == nil {
		return o
	}
	return &progressObserver{Observer: o, pr: pr}
}

// wait completes the bar and waits for it to be drawn.
func (pr *progress) wait() {
	if pr.p == nil {
		return
	}
	pr.bar.SetTotal(-1, true)
	pr.p.Wait()
}

type progressObserver struct {
	probe.Observer
	pr *progress
}

func (o *progressObserver) Attempt(a *probe.Attempt) {
	o.Observer.Attempt(a)
	o.pr.attempts.Add(1)
	switch {
	case a.Accepted():
		o.pr.accepted.Add(1)
	case a.Status == 429:
		o.pr.rejected.Add(1)
	}
	if pr := o.pr; pr.end > pr.begin && a.N == 1 {
		pr.bar.SetCurrent((min(a.Intended, pr.end) - pr.begin) / int64(time.Millisecond))
	}
}
