package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/numfmt"
	"github.com/hooklimit/hooklimit/probe"
)

// TestRunNoResponseFails: a run in which every attempt failed before a
// response came (timeouts, resets, a request that could not be sent)
// fails, with a note saying why, even though what was sent stayed under
// every limit. One response, whatever its status, is enough to judge.
func TestRunNoResponseFails(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int // 0 is a transport error
		want     bool
	}{
		{"no attempt", nil, false},
		{"one timeout", []int{0}, true},
		{"every attempt failed", []int{0, 0, 0, 0, 0}, true},
		{"the last attempt answered", []int{0, 0, 0, 0, 500}, false},
		{"the first attempt accepted", []int{200, 0, 0}, false},
		{"429 only", []int{429, 429}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			coll := NewRunCollector(builtin(t, "rewst"), nil)
			for i, st := range tt.statuses {
				a := &probe.Attempt{Event: uint64(i + 1), Key: "t1", N: 1, Size: 10, Status: st,
					Intended: st0 + int64(i)*int64(time.Second), Sent: st0 + int64(i)*int64(time.Second), Done: st0 + int64(i)*int64(time.Second) + 1e6}
				if st == 0 {
					a.Err = "timeout: no response within 1ms"
				}
				coll.Attempt(a)
			}
			r := coll.Result(RunMeta{Scenario: "steady", Target: "http://127.0.0.1:1/x", Retry: "none"})
			if r.NoResponse != tt.want {
				t.Fatalf("NoResponse = %v, want %v", r.NoResponse, tt.want)
			}
			if r.Compliance != VerdictPass {
				t.Errorf("compliance %s, want pass: what was sent stayed under the limits", r.Compliance)
			}
			if tt.want {
				if r.Verdict != VerdictFail || len(r.Notes) != 1 ||
					!strings.Contains(r.Notes[0], "no attempt got a response: all "+numfmt.CountNoun(int64(len(tt.statuses)), "attempt")+" failed (the first: timeout: no response within 1ms)") {
					t.Errorf("verdict %s, notes %q", r.Verdict, r.Notes)
				}
				var b bytes.Buffer
				if err := RenderForTest(&b, r, Table); err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(b.String(), "hooklimit run: FAIL") || !strings.Contains(b.String(), "note: no attempt got a response") {
					t.Errorf("table:\n%s", b.String())
				}
			} else if r.Verdict != VerdictPass || len(r.Notes) != 0 {
				t.Errorf("verdict %s, notes %q; want pass without notes", r.Verdict, r.Notes)
			}
		})
	}
}
