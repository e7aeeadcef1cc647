package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// rewstFixture is a check of twelve triggers against rewst, with two
// thresholds: t01 sends 40 in a second, edge sends 25 either side of a
// second boundary, and the others stay under the limits.
func rewstFixture(t *testing.T) *CheckResult {
	parts := [][]scenarios.Record{
		spaced("t01", 40, 0, 20*time.Millisecond, -1),
		spaced("edge", 25, 900*time.Millisecond, 0, -1),
		spaced("edge", 25, time.Second, 0, -1),
	}
	for i := 2; i <= 12; i++ {
		parts = append(parts, spaced(fmt.Sprintf("t%02d", i), 2*i, 0, 40*time.Millisecond, -1))
	}
	r := analyze(t, []*limitsim.Profile{builtin(t, "rewst")}, AnalyzerOptions{}, merge(parts...))
	r.Input.Files, r.Input.Skipped = []string{"traffic.jsonl"}, 2
	var ths []Threshold
	for _, s := range []string{"peak_ratio<80%", "keys_failing==2"} {
		th, err := ParseThreshold(s)
		if err != nil {
			t.Fatal(err)
		}
		ths = append(ths, th)
	}
	if err := r.ApplyThresholds(ths); err != nil {
		t.Fatal(err)
	}
	return r
}

// workatoFixture is a check of two workspaces against workato: ws1 sends
// Workato's 18,021 events in a second, 100 bytes each; ws2 sends 60 MB
// over a minute, three of its records without a size.
func workatoFixture(t *testing.T) *CheckResult {
	arrivals := merge(
		spaced("ws1", 18021, 0, 0, 100),
		spaced("ws2", 60, 0, time.Second, 1_000_000),
		spaced("ws2", 3, 500*time.Millisecond, 10*time.Second, -1),
	)
	for i := range arrivals {
		arrivals[i].Workspace, arrivals[i].Key = arrivals[i].Key, "trigger-"+arrivals[i].Key
	}
	r := analyze(t, []*limitsim.Profile{builtin(t, "workato")}, AnalyzerOptions{}, arrivals)
	r.Input.Files = []string{"a.csv", "b.csv"}
	return r
}

func TestCheckGolden(t *testing.T) {
	fixtures := map[string]func(*testing.T) *CheckResult{"rewst": rewstFixture, "workato": workatoFixture}
	formats := map[Format]string{Table: "txt", Markdown: "md", JSON: "json", JUnit: "xml"}
	for name, fixture := range fixtures {
		r := fixture(t)
		for f, ext := range formats {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				var b bytes.Buffer
				if err := r.Write(&b, f); err != nil {
					t.Fatal(err)
				}
				golden(t, "check_"+name+"."+ext+".golden", b.Bytes())
			})
		}
	}
}

func TestCheckJSONRoundTrip(t *testing.T) {
	r := workatoFixture(t)
	var first bytes.Buffer
	if err := r.WriteJSON(&first); err != nil {
		t.Fatal(err)
	}
	var back CheckResult
	if err := json.Unmarshal(first.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	if err := back.WriteJSON(&second); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("JSON does not survive a round trip:\n%s\nthen:\n%s", &first, &second)
	}
	if back.Input.First != r.Input.First || back.Limits[0].FirstViolation != r.Limits[0].FirstViolation {
		t.Errorf("times changed: %v %v", back.Input.First, back.Limits[0].FirstViolation)
	}
}

func TestCheckJUnitIsXML(t *testing.T) {
	var b bytes.Buffer
	if err := rewstFixture(t).WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 13*2+2 || doc.Failures != 2+1 || len(doc.Suites) != 2 {
		t.Errorf("tests %d, failures %d, suites %d", doc.Tests, doc.Failures, len(doc.Suites))
	}
	for _, c := range doc.Suites[0].Cases {
		if c.Name == "edge / per_second" {
			if c.Failure == nil || c.Failure.Message != "peak 50 > allowed 25 (sliding window); passes under fixed window" {
				t.Errorf("edge / per_second: %+v", c.Failure)
			}
			return
		}
	}
	t.Error("no testcase edge / per_second")
}

func TestCheckTableAllKeys(t *testing.T) {
	var b bytes.Buffer
	r := rewstFixture(t)
	if err := r.WriteText(&b, Table, 0); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "more keys") || !strings.Contains(b.String(), "| t02 ") {
		t.Errorf("maxKeys 0 should show every key:\n%s", &b)
	}
	if err := r.Write(&b, "html"); err == nil {
		t.Error("an unknown format should be an error")
	}
}

func TestNumberFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{withCommas(0), "0"},
		{withCommas(999), "999"},
		{withCommas(1000), "1,000"},
		{withCommas(-1234567), "-1,234,567"},
		{commaDigits("20/1s, burst 18000"), "20/1s, burst 18,000"},
		{commaDigits("30 MB/1m, burst 30 MB"), "30 MB/1m, burst 30 MB"},
		{commaDigits("1.0005s"), "1.0005s"},
		{ratioPercent(1.04), "104.0%"},
		{ratioPercent(0.99999), "99.9%"},
		{ratioPercent(1), "100.0%"},
		{ratioPercent(18001.0 / 18000), "100.1%"},
		{ratioPercent(720), "72,000.0%"},
		{utcTimeOfDay(Timestamp(at(1500 * time.Millisecond))), "09:00:01.500"},
		{utcTimeOfDay(0), "-"},
		{countNoun(1, "key"), "1 key"},
		{countNoun(12345, "record"), "12,345 records"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
