package main

import (
	"fmt"
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
	accepted int64
	rejected int64
	attempts int64
}

func newProgress(io *IOStreams, quiet bool, title string) *progress {
	if quiet || !io.ErrIsTerminal {
		return &progress{}
	}
	pr := &progress{p: mpb.New(mpb.WithOutput(io.ErrOut), mpb.WithWidth(40), mpb.WithRefreshRate(150*time.Millisecond))}
	pr.bar = pr.p.New(0, mpb.BarStyle(),
		mpb.PrependDecorators(decor.Name(title, decor.WCSyncSpaceR)),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string {
			return fmt.Sprintf("%d attempts · %d accepted · %d × 429", pr.attempts, pr.accepted, pr.rejected)
		}), decor.Name(" "), decor.OnComplete(decor.EwmaETA(decor.ET_STYLE_GO, 30), "done")),
	)
	return pr
}

// setTotal sets the bar's length: seconds of a timed run.
func (pr *progress) setTotal(total int64) {
	if pr.bar != nil {
		pr.bar.SetTotal(total, false)
	}
}

// setCurrent moves the bar.
func (pr *progress) setCurrent(n int64) {
	if pr.bar != nil {
		pr.bar.SetCurrent(n)
	}
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
	o.pr.attempts++
	switch {
	case a.Accepted():
		o.pr.accepted++
	case a.Status == 429:
		o.pr.rejected++
	}
}
