package session

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/report"
	"github.com/hooklimit/hooklimit/report/render"

	"github.com/hooklimit/hooklimit/limitsim"
)

func rewst(t testing.TB) *limitsim.Profile {
	t.Helper()
	p, err := limitsim.LoadProfile("rewst")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// session feeds a recorder 30 events in one second to t1 (5 rejected with
// Retry-After 1 and retried after 1 s), one retried at once, and a request
// without a key.
func session(t *testing.T, opt Options) (*Recorder, *report.ServeResult) {
	t.Helper()
	s := NewRecorder(rewst(t), opt)
	var reqs []sreq
	for i := range 30 {
		st, ra := 200, int64(0)
		if i >= 25 {
			st, ra = 429, 1
		}
		reqs = append(reqs, sreq{int64(i) * 30, "t1", "evt-" + strconv.Itoa(i), st, ra})
	}
	for i := 25; i < 29; i++ {
		reqs = append(reqs, sreq{2000 + int64(i), "t1", "evt-" + strconv.Itoa(i), 200, 0})
	}
	reqs = append(reqs, sreq{2100, "t1", "evt-29", 200, 0})
	for i, q := range reqs {
		r := q.record(uint64(i + 1))
		s.Add(&r)
	}
	r := Record{Seq: 99, Time: st0 + int64(2200*time.Millisecond), Status: 404}
	s.Add(&r)
	res := s.Result(Meta{Listen: "http://127.0.0.1:8080", KeySource: "path", Start: st0, End: st0 + int64(3*time.Second)})
	return s, res
}

func TestServeRecorderResult(t *testing.T) {
	rec, res := session(t, Options{})
	d := res.Delivery
	// The live stats count Retry-After as the result does.
	if st := rec.Stats(); st.RetryAfterHonored != d.RetryAfterHonored || st.RetryAfterEarly != d.RetryAfterEarly ||
		st.PartitionViolations != d.PartitionViolations || st.PartitionViolations == 0 {
		t.Errorf("stats %+v, result %+v", st, show(d))
	}
	if res.Verdict != report.VerdictFail || res.Compliance != report.VerdictFail || res.Kind != report.KindServe {
		t.Errorf("verdict %s compliance %s kind %s", res.Verdict, res.Compliance, res.Kind)
	}
	if d.Events != 30 || d.Attempts != 35 || d.Accepted != 30 || d.Rejected429 != 5 || d.Delivered != 30 ||
		d.RetryAfterHonored != 5 || d.RetryAfterEarly != 0 || d.GivenUp != 0 || d.IDs.Header != 30 {
		t.Errorf("delivery %+v", show(d))
	}
	if res.Requests.Total != 36 || res.Requests.Unmatched != 1 || res.Requests.ByStatus["429"] != 5 || res.Requests.RatePerSecond != 12 {
		t.Errorf("requests %+v", res.Requests)
	}
	if res.RetrySchedule.Resembles != "retry-after" {
		t.Errorf("schedule %+v", res.RetrySchedule)
	}
	if res.Input.Records != 35 || res.Metrics["retry_after_early"] != 0 || res.Metrics["requests"] != 36 {
		t.Errorf("input %+v metrics %v", res.Input, res.Metrics)
	}
	for _, m := range report.ServeMetrics {
		if _, ok := res.Metrics[m]; !ok {
			t.Errorf("metric %s missing", m)
		}
	}
}

func TestServeRecorderThresholds(t *testing.T) {
	th, err := report.ParseThreshold("retry_after_early==0")
	if err != nil {
		t.Fatal(err)
	}
	_, res := session(t, Options{Thresholds: []report.Threshold{th}})
	if len(res.Thresholds) != 1 || res.Thresholds[0].Verdict != report.VerdictPass {
		t.Errorf("thresholds %+v", res.Thresholds)
	}
	if err := (report.Threshold{Metric: "lost", Op: "<", Expr: "lost<1"}).Validate(report.ServeMetrics); err == nil {
		t.Error("lost is not a serve metric")
	}
}

func TestServeRecorderNothingReceivedFails(t *testing.T) {
	s := NewRecorder(rewst(t), Options{})
	res := s.Result(Meta{Start: st0, End: st0 + 1})
	if res.Verdict != report.VerdictFail || res.Compliance != report.VerdictPass {
		t.Errorf("verdict %s, compliance %s", res.Verdict, res.Compliance)
	}
	var buf bytes.Buffer
	if err := render.Write(&buf, res, render.Table); err != nil || !strings.Contains(buf.String(), "No records to check.") {
		t.Errorf("%v\n%s", err, buf.String())
	}
}

func TestServeResultRenderers(t *testing.T) {
	_, res := session(t, Options{})
	var tbl, md, js, ju bytes.Buffer
	for _, x := range []struct {
		f render.Format
		b *bytes.Buffer
	}{{render.Table, &tbl}, {render.Markdown, &md}, {render.JSON, &js}, {render.JUnit, &ju}} {
		if err := render.Write(x.b, res, x.f); err != nil {
			t.Fatalf("%s: %v", x.f, err)
		}
	}
	for _, want := range []string{
		"hooklimit serve: FAIL — rewst at http://127.0.0.1:8080, 36 requests over 3s (12/s)",
		"| yes: 5 of 5 retries after a 429",
		"| 5 (14.3% of attempts), 5 with Retry-After",
		"| 4, smallest slack -970ms",
		"| no key in the path (404) | 1",
		"Retry schedule: resembles retry-after",
		"| t1  | per_second 25/1s    | sliding window      |      25 |   30 |",
		"rewst as documented would reject 5 of 35 requests",
	} {
		if !strings.Contains(tbl.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, tbl.String())
		}
	}
	if !strings.HasPrefix(md.String(), "**hooklimit serve: FAIL**") || !strings.Contains(md.String(), "| sender ") {
		t.Errorf("markdown:\n%s", md.String())
	}
	var back report.ServeResult
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Delivery.RetryAfterHonored != 5 || back.RetrySchedule.Resembles != "retry-after" {
		t.Errorf("json round trip: %v %+v", err, back.Delivery)
	}
	for _, key := range []string{`"kind": "serve"`, `"retry_after_honored": 5`, `"partition_violations": 4`, `"given_up": 0`, `"retry_schedule"`, `"min_retry_slack_ms": 188`} {
		if !strings.Contains(js.String(), key) {
			t.Errorf("json lacks %s", key)
		}
	}
	var doc struct {
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(ju.Bytes(), &doc); err != nil || doc.Failures != 1 {
		t.Errorf("junit: %v, %d failures\n%s", err, doc.Failures, ju.String())
	}
}

// TestServeRecorderBounded: 200,000 distinct keys and events, one every
// millisecond (three idle horizons), keep the live keys and events
// bounded by the horizons.
func TestServeRecorderBounded(t *testing.T) {
	n, step := 200_000, time.Millisecond
	if testing.Short() || raceEnabled {
		n, step = 30_000, 10*time.Millisecond
	}
	s := NewRecorder(rewst(t), Options{GiveUpAfter: time.Second, EventTTL: 10 * time.Second, MaxEvents: 5000})
	most, mostEv := 0, 0
	for i := range n {
		r := Record{Seq: uint64(i + 1), Time: st0 + int64(i)*int64(step), Key: "k" + strconv.Itoa(i), Keyed: true,
			Status: 200, EventHash: uint64(i) + 1, IDFrom: IDHash, Size: 100}
		s.Add(&r)
		k, e := s.Live()
		most, mostEv = max(most, k), max(mostEv, e)
	}
	// The idle horizon is 61 s, retired every 15.25 s: at most 76.25 s of keys.
	if bound := int(76250*time.Millisecond/step) + 1; most > bound || mostEv > 5000 {
		t.Errorf("at most %d keys (bound %d) and %d events live", most, bound, mostEv)
	}
	res := s.Result(Meta{})
	if res.Input.Keys != n || res.Delivery.Events != int64(n) || res.Verdict != report.VerdictPass {
		t.Errorf("keys %d events %d verdict %s", res.Input.Keys, res.Delivery.Events, res.Verdict)
	}
	if len(res.PolicyRejected) > DefaultKeepKeys+most+1 {
		t.Errorf("%d policy entries", len(res.PolicyRejected))
	}
}

// BenchmarkServeRecorderAdd is the recorder's cost per request, on its one
// goroutine: over 1,000 keys at 20,000 requests a second, each request an
// event of its own, a tenth of them rejected with Retry-After and retried.
func BenchmarkServeRecorderAdd(b *testing.B) {
	s := NewRecorder(rewst(b), Options{})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ev := i - i%10*(i/10%2) // some events come back: retries
		r := Record{Seq: uint64(i + 1), Time: st0 + int64(i)*50_000, Key: "k" + strconv.Itoa(i%1000), Keyed: true, Size: 200,
			Status: 200, EventHash: uint64(ev) + 1, IDFrom: IDHeader}
		if i%10 == 0 {
			r.Status, r.RetryAfter = 429, 1
		}
		s.Add(&r)
		i++
	}
}
