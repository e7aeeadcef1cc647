package results

import (
	"encoding/json"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
)

// LineStart is the type of the first line of a results file of run and
// serve: what the command was measuring, so that a file cut short before
// its result line (a kill -9, a crash) can be rebuilt from its attempt or
// request lines (see ReadFile).
const LineStart = "start"

// startLine is the first line of a results file:
//
//	{"type":"start","kind":"run","run":{"scenario":"bulk","profile":{...},
//	 "target":"simulator","retry":"...","seed":1}}
//	{"type":"start","kind":"serve","serve":{"profile":{...},"listen":"http://...",
//	 "key_source":"path","start":"..."}}
//
// Its fields are nested under the kind's name, so that a reader that does
// not know the type skips the line whatever it holds.
type startLine struct {
	Type  string      `json:"type"`
	Kind  string      `json:"kind"`
	Run   *RunStart   `json:"run,omitempty"`
	Serve *ServeStart `json:"serve,omitempty"`
}

// RunStart is what the start line of a run holds: its RunMeta and its
// profile, whole.
type RunStart struct {
	Scenario       string              `json:"scenario"`
	Profile        *report.ProfileSpec `json:"profile"`
	ExcludedLimits []string            `json:"excluded_limits,omitempty"`
	Target         string              `json:"target"`
	Retry          string              `json:"retry"`
	Seed           uint64              `json:"seed"`
	RunID          string              `json:"run_id,omitempty"`
	Thresholds     []string            `json:"thresholds,omitempty"`
	// Senders are the senders of a run of several (a plan with
	// senders:), in the plan's order, so that a reader knows them all,
	// even those that sent nothing before the file was cut.
	Senders []StartSender `json:"senders,omitempty"`
}

// StartSender is one sender of a run of several, in its start line: its
// name, its model and its retry policy, as the result's senders have
// them (see report.SenderShare).
type StartSender struct {
	Name   string `json:"name"`
	Sender string `json:"sender"`
	Retry  string `json:"retry"`
}

// ServeStart is what the start line of a serve session holds: its
// session.Meta, its profile, whole, and the recorder's options.
type ServeStart struct {
	Profile         *report.ProfileSpec `json:"profile"`
	ExcludedLimits  []string            `json:"excluded_limits,omitempty"`
	Listen          string              `json:"listen"`
	KeySource       string              `json:"key_source"`
	WorkspaceSource string              `json:"workspace_source,omitempty"`
	Start           report.Timestamp    `json:"start,omitempty"`
	GiveUpAfterMS   int64               `json:"giveup_after_ms,omitempty"`
	EventTTLMS      int64               `json:"event_ttl_ms,omitempty"`
	MaxEvents       int                 `json:"max_events,omitempty"`
	Thresholds      []string            `json:"thresholds,omitempty"`
}

// start writes the start line, whole, and flushes it.
func (rw *Writer) start(l *startLine) error {
	if rw.err != nil {
		return rw.err
	}
	l.Type = LineStart
	b, err := json.Marshal(l)
	if err != nil {
		rw.err = err
		return err
	}
	if _, rw.err = rw.w.Write(append(b, '\n')); rw.err != nil {
		return rw.err
	}
	return rw.Close()
}

// thresholdStrings writes thresholds as ParseThreshold reads them.
func thresholdStrings(ths []report.Threshold) []string {
	var out []string
	for _, t := range ths {
		out = append(out, t.String())
	}
	return out
}

// StartRun writes the start line of a run's results file: m and p, the
// profile, which a reader needs to rebuild the run from its attempt lines
// when the result line is missing. Call it before the first attempt; ths
// are the run's thresholds.
func (rw *Writer) StartRun(p *limitsim.Profile, m report.RunMeta, ths []report.Threshold) error {
	var senders []StartSender
	for _, s := range m.Senders {
		senders = append(senders, StartSender{Name: s.Name, Sender: s.Sender, Retry: s.Retry})
	}
	return rw.start(&startLine{Kind: report.KindRun, Run: &RunStart{
		Scenario: m.Scenario, Profile: report.NewProfileSpec(p), ExcludedLimits: p.Excluded,
		Target: m.Target, Retry: m.Retry, Seed: m.Seed, RunID: m.RunID, Thresholds: thresholdStrings(ths),
		Senders: senders,
	}})
}

// StartServe writes the start line of a serve session's results file: m,
// the recorder's profile and its options, which a reader needs to rebuild
// the session from its request lines when the result line is missing.
// Call it before the first request.
func (rw *Writer) StartServe(rec *session.Recorder, m session.Meta) error {
	p, opt := rec.Profile(), rec.Options()
	return rw.start(&startLine{Kind: report.KindServe, Serve: &ServeStart{
		Profile: report.NewProfileSpec(p), ExcludedLimits: p.Excluded,
		Listen: m.Listen, KeySource: m.KeySource, WorkspaceSource: m.WorkspaceSource, Start: report.Timestamp(m.Start),
		GiveUpAfterMS: opt.GiveUpAfter.Milliseconds(), EventTTLMS: opt.EventTTL.Milliseconds(), MaxEvents: opt.MaxEvents,
		Thresholds: thresholdStrings(opt.Thresholds),
	}})
}

// startProfile returns the profile a start line records.
func startProfile(spec *report.ProfileSpec, excluded []string) (*limitsim.Profile, error) {
	if spec == nil {
		return nil, report.FieldErrorf("profile", "missing")
	}
	p, err := spec.Profile()
	if err != nil {
		return nil, err
	}
	p.Excluded = excluded
	return p, nil
}

// ms turns milliseconds into a duration, 0 for what is out of range.
func ms(v int64) time.Duration {
	if v <= 0 || v > int64(time.Duration(1<<62)/time.Millisecond) {
		return 0
	}
	return time.Duration(v) * time.Millisecond
}
