package probe

// The guards of a run against a retry storm (see Engine.MaxAmplification
// and WarnAmplification). A sender that retries into a limit sends many
// attempts per event: the README's 5,000 events in 30 s, retried on every
// 429 without jitter, made 337,493 attempts (67 per event). No sender
// hooklimit models needs more than a few per event when it waits as told.
const (
	// WarnAmplificationAt is how many attempts per event so far make a run
	// warn, once it has sent WarnAttemptsMin attempts.
	WarnAmplificationAt = 10
	WarnAttemptsMin     = 1_000
	// DefaultMaxAmplification is how many attempts per event so far stop
	// a run that gave no cap of its own, once it has sent
	// DefaultMinCapped attempts: far past any sender that waits as told,
	// and the simulator reaches it in well under a second of CPU per
	// 10,000 events.
	DefaultMaxAmplification = 50
	DefaultMinCapped        = 10_000
)

// WarnAmplification returns obs wrapped so that warn is called once, with
// the attempts and the deliveries attempted so far, when the attempts
// reach ratio times the deliveries and at least min attempts were sent.
// obs may be nil.
func WarnAmplification(obs Observer, ratio, min int64, warn func(attempts, deliveries int64)) Observer {
	return &ampWatch{obs: obs, ratio: ratio, min: min, warn: warn}
}

type ampWatch struct {
	obs                  Observer
	ratio, min           int64
	warn                 func(attempts, deliveries int64)
	attempts, deliveries int64
	warned               bool
}

func (w *ampWatch) Attempt(a *Attempt) {
	w.attempts++
	if a.N == 1 {
		w.deliveries++
	}
	if !w.warned && w.attempts >= w.min && w.attempts >= w.ratio*w.deliveries {
		w.warned = true
		w.warn(w.attempts, w.deliveries)
	}
	if w.obs != nil {
		w.obs.Attempt(a)
	}
}

func (w *ampWatch) Outcome(o *Outcome) {
	if w.obs != nil {
		w.obs.Outcome(o)
	}
}

// Caps are the caps of attempts of a run, as Engine's MaxAttempts,
// MaxAmplification and MinCapped fields hold them; the zero Caps caps
// nothing.
type Caps struct {
	MaxAttempts      int64
	MaxAmplification int64
	MinCapped        int64
}

// Apply sets e's caps to c.
func (c Caps) Apply(e *Engine) {
	e.MaxAttempts, e.MaxAmplification, e.MinCapped = c.MaxAttempts, c.MaxAmplification, c.MinCapped
}
