package render

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/probe/retry"
	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/results"
	"github.com/hooklimit/hooklimit/scenarios"
)

// The fixtures below build traces the way the tests of package report do
// (whose internal helpers a package outside report cannot reach): t0 is
// 2026-02-17T09:00:00Z, on a minute boundary, so fixed windows and credit
// ticks start there.
var t0 = time.Date(2026, 2, 17, 9, 0, 0, 0, time.UTC).UnixNano()

func at(d time.Duration) int64 { return t0 + int64(d) }

// spaced returns n arrivals of key from start, step apart, of size bytes
// (no size when size < 0).
func spaced(key string, n int, start, step time.Duration, size int64) []scenarios.Record {
	out := make([]scenarios.Record, n)
	for i := range out {
		out[i] = scenarios.Record{Time: at(start + time.Duration(i)*step), Key: key, Size: max(size, 0), HasSize: size >= 0}
	}
	return out
}

// merge sorts the arrivals of several keys into one trace.
func merge(parts ...[]scenarios.Record) []scenarios.Record {
	var all []scenarios.Record
	for _, p := range parts {
		all = append(all, p...)
	}
	slices.SortStableFunc(all, func(a, b scenarios.Record) int { return int(a.Time - b.Time) })
	return all
}

func builtin(t testing.TB, name string) *limitsim.Profile {
	t.Helper()
	p, ok := limitsim.Builtin(name)
	if !ok {
		t.Fatalf("no built-in profile %q", name)
	}
	return p
}

// analyze runs the arrivals through an Analyzer of the profiles.
func analyze(t *testing.T, profiles []*limitsim.Profile, opt report.AnalyzerOptions, arrivals []scenarios.Record) *report.CheckResult {
	t.Helper()
	a := report.NewAnalyzer(profiles, opt)
	for _, x := range arrivals {
		a.Add(x)
	}
	return a.Result()
}

// builtinSpec returns the spec of the built-in profile called name.
func builtinSpec(name string) *report.ProfileSpec {
	p, _ := limitsim.Builtin(name)
	return report.NewProfileSpec(p)
}

func rewst(t testing.TB) *limitsim.Profile {
	t.Helper()
	p, err := limitsim.LoadProfile("rewst")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func itoa(n int) string { return strconv.Itoa(n) }

// renamed prefixes the keys of a scenario's source.
type renamed struct {
	scenarios.Source
	prefix string
}

func (r renamed) Next() (scenarios.Emission, error) {
	e, err := r.Source.Next()
	e.Key = r.prefix + e.Key
	return e, err
}

// mtRun runs a shape against a built-in profile's simulator, its keys
// prefixed with prefix, and returns the result and the results file
// it wrote.
func mtRun(t testing.TB, profile, shape string, p scenarios.Params, policy string, seed uint64, prefix string) (*report.RunResult, []byte) {
	t.Helper()
	var buf bytes.Buffer
	rw := results.NewWriter(&buf)
	res := simulate(t, profile, shape, p, policy, seed, prefix, rw)
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := results.NewWriter(&buf).Result(res); err != nil {
		t.Fatal(err)
	}
	return res, buf.Bytes()
}

// simulate runs a shape on a built-in profile's simulator, each attempt
// to log when log is not nil, and returns the run's result.
func simulate(t testing.TB, profile, shape string, p scenarios.Params, policy string, seed uint64, prefix string, log report.AttemptLog) *report.RunResult {
	t.Helper()
	prof, ok := limitsim.Builtin(profile)
	if !ok {
		t.Fatalf("no profile %s", profile)
	}
	src, err := scenarios.New(shape, p)
	if err != nil {
		t.Fatal(err)
	}
	pol, err := retry.ParsePolicy(policy)
	if err != nil {
		t.Fatal(err)
	}
	coll := report.NewRunCollector(prof, log)
	eng := &probe.Engine{Source: renamed{src, prefix}, Policy: pol, Seed: seed, Observer: coll, Target: &probe.SimTarget{Profile: prof}}
	if _, err := eng.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return coll.Result(report.RunMeta{Scenario: shape, Target: "simulator", Retry: pol.String(), Seed: seed})
}

// simRun is mtRun's result without its results file (no attempt is
// written).
func simRun(t *testing.T, profile, shape string, p scenarios.Params, retry string, seed uint64) *report.RunResult {
	t.Helper()
	return simulate(t, profile, shape, p, retry, seed, "", nil)
}

// mtParse reads a results file held in memory.
func mtParse(t testing.TB, name string, data []byte) *results.File {
	t.Helper()
	rf, err := results.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return rf
}

// mtCheck checks arrivals with a timeline and returns the result and its
// results file.
func mtCheck(t testing.TB, profiles []*limitsim.Profile, arrivals []scenarios.Record, file string) (*report.CheckResult, []byte) {
	t.Helper()
	a := report.NewAnalyzer(profiles, report.AnalyzerOptions{Timeline: true})
	for _, x := range arrivals {
		a.Add(x)
	}
	r := a.Result()
	r.Input.Files = []string{file}
	var b bytes.Buffer
	if err := results.NewWriter(&b).Result(r); err != nil {
		t.Fatal(err)
	}
	return r, b.Bytes()
}

// mtTraffic is traffic over keys, in time order, with bursts on the
// first key that break Rewst's per-second limit.
func mtTraffic(keys []string) []scenarios.Record {
	var out []scenarios.Record
	x := uint64(12345)
	t := int64(1771318800 * time.Second)
	for i := range 6000 {
		x = x*6364136223846793005 + 1442695040888963407
		k := keys[int(x>>33)%len(keys)]
		step := int64(x>>40) % int64(40*time.Millisecond)
		if i%700 < 60 {
			k, step = keys[0], int64(2*time.Millisecond) // a burst on the first key
		}
		t += step
		out = append(out, scenarios.Record{Time: t, Key: k, Size: int64(x>>50) + 100, HasSize: true})
	}
	return out
}

// sreq is a request in a serve test: at t ms, on key, of event id, answered
// status with Retry-After ra seconds.
type sreq struct {
	ms     int64
	key    string
	id     string
	status int
	ra     int64
}

func (q sreq) record(seq uint64) session.Record {
	r := session.Record{Seq: seq, Time: st0 + q.ms*int64(time.Millisecond), Key: q.key, Keyed: true, Size: 10,
		Status: q.status, Decided: true, Admitted: q.status == 200, RetryAfter: q.ra}
	if q.id != "" {
		r.EventID, r.EventHash, r.IDFrom = q.id, xxhash.Sum64String(q.id), session.IDHeader
	}
	return r
}

const st0 = int64(1_771_318_800_000_000_000) // 2026-02-17T09:00:00Z

// session feeds a recorder 30 events in one second to t1 (5 rejected with
// Retry-After 1 and retried after 1 s), one retried at once, and a request
// with no key.
func serveSession(t *testing.T, opt session.Options) (*session.Recorder, *report.ServeResult) {
	t.Helper()
	s := session.NewRecorder(rewst(t), opt)
	var reqs []sreq
	for i := range 30 {
		st, ra := 200, int64(0)
		if i >= 25 {
			st, ra = 429, 1
		}
		reqs = append(reqs, sreq{int64(i) * 30, "t1", "evt-" + itoa(i), st, ra})
	}
	for i := 25; i < 29; i++ {
		reqs = append(reqs, sreq{2000 + int64(i), "t1", "evt-" + itoa(i), 200, 0})
	}
	reqs = append(reqs, sreq{2100, "t1", "evt-29", 200, 0})
	for i, q := range reqs {
		r := q.record(uint64(i + 1))
		s.Add(&r)
	}
	r := session.Record{Seq: 99, Time: st0 + int64(2200*time.Millisecond), Status: 404}
	s.Add(&r)
	res := s.Result(session.Meta{Listen: "http://127.0.0.1:8080", KeySource: "path", Start: st0, End: st0 + int64(3*time.Second)})
	return s, res
}

// roundRobin returns n arrivals evenly spread over span, the keys taken in
// turn; a key "k@w" is key k in workspace w.
func roundRobin(n int, span time.Duration, keys ...string) []scenarios.Record {
	out := make([]scenarios.Record, n)
	for i := range out {
		k, w, _ := strings.Cut(keys[i%len(keys)], "@")
		out[i] = scenarios.Record{Time: at(time.Duration(int64(i) * int64(span) / int64(n))), Key: k, Workspace: w, Size: 100, HasSize: true}
	}
	return out
}
