package discover

import (
	"fmt"
	"time"
)

// A Retry-After says when requests are admitted again, not how long the
// window is: for a sliding window the wait runs to the moment the first
// admitted request leaves it, W after that request; for a fixed window,
// aligned to the clock, it runs to the window's end, wherever in the
// window the burst began. So the window is inferred from when the limiter
// admits again after full bursts begun at different phases: a fixed
// window admits again at instants a whole window apart, whatever the
// phase; a sliding window W after each burst's first admitted request.

// Readmission is one observation of a limiter admitting again after a
// burst it cut short. Times are Unix ns.
type Readmission struct {
	// First and FirstDone are when the burst's first admitted request
	// left and when its answer came back.
	First, FirstDone int64
	// Lo and Hi bound the instant the limiter admitted again: in (Lo, Hi].
	Lo, Hi int64
	// Admitted is how many the burst admitted.
	Admitted int64
}

// The kinds of window InferWindow tells apart.
const (
	WindowSliding = "sliding"
	WindowFixed   = "fixed"
	// WindowEither is a window both kinds explain alike: the bursts began
	// at the same phase of a fixed window.
	WindowEither = "sliding or fixed"
	// WindowGradual is a limiter that refills gradually, like a token
	// bucket: after a full burst it admitted again far fewer.
	WindowGradual = "gradual"
)

// The confidences of an inferred limit.
const (
	ConfidenceHigh   = "high"
	ConfidenceMedium = "medium"
	ConfidenceLow    = "low"
)

// WindowInference is what InferWindow concluded.
type WindowInference struct {
	Seconds    int64  // the window's length
	Limit      int64  // requests admitted in it
	Kind       string // WindowSliding, WindowFixed, WindowEither, WindowGradual, or "" when neither fits
	Aligned    bool   // a fixed window whose boundaries are multiples of its length since the Unix epoch
	Confidence string // ConfidenceHigh, ConfidenceMedium or ConfidenceLow
	Evidence   string // the observations that decided it
}

// ProfileKinds returns the kinds of limiter, as a profile file names
// them, that the window's kind leaves possible: none when no kind fits.
func (w WindowInference) ProfileKinds() []string {
	switch w.Kind {
	case WindowSliding:
		return []string{KindWindow}
	case WindowFixed:
		return []string{KindFixed}
	case WindowEither:
		return []string{KindWindow, KindFixed}
	case WindowGradual:
		return []string{KindBucket, KindCredits}
	}
	return nil
}

// windowTol is the timing noise allowed around a window of length w.
func windowTol(w time.Duration) time.Duration { return w/50 + 250*time.Millisecond }

// InferWindow infers the window from the observations, in the order made.
// Each burst after the first must begin at or after the re-admission of
// the one before, with nothing admitted between. One observation gives
// the window only under the assumption of a sliding window (confidence
// low). Two or more tell the kinds apart when the bursts began at
// different phases of the window (high); when both kinds explain them
// alike, the window is the same either way (medium).
func InferWindow(obs []Readmission) WindowInference {
	if len(obs) == 0 {
		return WindowInference{}
	}
	o0 := obs[0]
	span := func(o Readmission) (lo, hi time.Duration) {
		return time.Duration(o.Lo - o.FirstDone), time.Duration(o.Hi - o.First)
	}
	lo0, hi0 := span(o0)
	if len(obs) == 1 {
		w := SnapWindow(lo0, hi0)
		return WindowInference{Seconds: w, Limit: o0.Admitted, Kind: WindowSliding, Confidence: ConfidenceLow,
			Evidence: fmt.Sprintf("admitted again %s after the first admitted request, seen once: that is the window of a sliding window, but only the time to the end of a fixed one, whose window may be longer (and its sustained rate lower)", fmtSeconds(hi0))}
	}
	o1 := obs[1]
	if o1.Admitted*2 < o0.Admitted {
		w := SnapWindow(time.Duration(o1.Lo-o0.Hi), time.Duration(o1.Hi-o0.Lo))
		return WindowInference{Seconds: w, Limit: o1.Admitted, Kind: WindowGradual, Confidence: ConfidenceLow,
			Evidence: fmt.Sprintf("after a burst of %d, only %d admitted once it admitted again, and again %s later: it refills gradually, like a token bucket, at about %d per %ds", o0.Admitted, o1.Admitted, fmtSeconds(time.Duration(o1.Hi-o0.Hi)), o1.Admitted, w)}
	}
	// Sliding: every burst's re-admission is W after its first request.
	sLo, sHi := lo0, hi0
	for _, o := range obs[1:] {
		lo, hi := span(o)
		sLo, sHi = max(sLo, lo), min(sHi, hi)
	}
	wS := SnapWindow(min(sLo, sHi), max(sLo, sHi))
	sliding := sLo <= sHi+windowTol(sHi)
	// Fixed: the re-admissions are whole windows apart, and none comes
	// later than a window after its burst's first request.
	wF := SnapWindow(time.Duration(o1.Lo-o0.Hi), time.Duration(o1.Hi-o0.Lo))
	wfd := time.Duration(wF) * time.Second
	tol := windowTol(wfd)
	fixed := true
	for i, o := range obs {
		if lo, _ := span(o); lo > wfd+tol {
			fixed = false
		}
		if i > 0 && !multipleIn(time.Duration(o.Lo-o0.Hi)-tol, time.Duration(o.Hi-o0.Lo)+tol, wfd) {
			fixed = false
		}
	}
	phases := ""
	for i, o := range obs {
		if i > 0 {
			phases += ", "
		}
		phases += fmtSeconds(time.Duration(o.Hi - o.First))
	}
	seen := fmt.Sprintf("%d bursts; each admitted again %s after its first admitted request", len(obs), phases)
	switch {
	case fixed && sliding:
		return WindowInference{Seconds: wS, Limit: o1.Admitted, Kind: WindowEither, Confidence: ConfidenceMedium,
			Evidence: seen + fmt.Sprintf(": a %ds window, sliding or fixed (the bursts began at the same phase of a fixed window, which cannot tell them apart)", wS)}
	case fixed:
		inf := WindowInference{Seconds: wF, Limit: o1.Admitted, Kind: WindowFixed, Confidence: ConfidenceHigh}
		inf.Aligned = multipleIn(time.Duration(o0.Lo)-tol, time.Duration(o0.Hi)+tol, wfd)
		where := ""
		if inf.Aligned {
			where = ", aligned to the clock"
		}
		inf.Evidence = seen + fmt.Sprintf(", and always at a multiple of %ds: a fixed window%s (a sliding one would admit again a whole window after each burst's first request)", wF, where)
		return inf
	case sliding:
		return WindowInference{Seconds: wS, Limit: o0.Admitted, Kind: WindowSliding, Confidence: ConfidenceHigh,
			Evidence: seen + fmt.Sprintf(", whatever the phase: a sliding window of %ds (a fixed one would admit again at its boundaries)", wS)}
	}
	return WindowInference{Seconds: wF, Limit: o1.Admitted, Confidence: ConfidenceLow,
		Evidence: seen + fmt.Sprintf(": neither a sliding nor a fixed window explains that; %ds is the time between the first two re-admissions", wF)}
}

// multipleIn reports whether some whole multiple k·w, k >= 1, lies in
// [lo, hi].
func multipleIn(lo, hi, w time.Duration) bool {
	if w <= 0 || hi < w {
		return false
	}
	k := max(lo, w) / w
	return k*w >= lo && k*w <= hi || (k+1)*w <= hi
}
