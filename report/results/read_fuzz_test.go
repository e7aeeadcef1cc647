package results

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/report/render"
	"github.com/hooklimit/hooklimit/scenarios"
)

// FuzzParseResults: whatever the bytes, reading a results file either
// fails with an input error or gives a result that renders in every
// format and merges with itself, without panicking.
func FuzzParseResults(f *testing.F) {
	_, run := mtRun(f, "workato", "burst", scenarios.Params{Events: 30}, "retry-after", 1, "")
	f.Add(run)
	f.Add([]byte(okAttempt + "\n" + okRun + "\n"))
	_, senders := sendersRunFile(f, 6, "")
	f.Add(senders[:len(senders)*2/3]) // a run of several senders, cut short
	f.Add([]byte(`{"type":"request","seq":1,"time":"2026-02-17T09:00:00Z","key":"t1","size":5,"status":429,"retry_after_s":1,"event_id":"hash:00000000000000ff","id_from":"hash"}` + "\n" +
		`{"type":"result","result":{"verdict":"fail","kind":"serve","profile":"rewst","requests":{"total":1}}}`))
	f.Add([]byte(`{"type":"probe_request","seq":1,"step":"burst","size":2,"sent":"2026-02-17T09:00:00Z","status":429}` + "\n" +
		`{"type":"result","result":{"verdict":"pass","kind":"probe","target":"http://x","limits":[{"name":"burst","verdict":"match"}]}}`))
	f.Add([]byte(`{"type":"result","result":{"verdict":"fail","kind":"check","profiles":["rewst"],"timeline":{"profile":{"name":"x","limits":[{"name":"b","kind":"bucket","quota":5,"per":"1s","burst":3,"unit":"requests"}]},"start":"2026-02-17T09:00:00Z","step_seconds":1,"sent":[9,0,4],"admitted":[3,0,4],"rejected_429":[6,0,0]}}}`))
	f.Add([]byte(`{"type":"result","result":{"verdict":"pass","kind":"compare","runs":[{"verdict":"pass","kind":"run"}]}}`))
	f.Add([]byte("{\n\"verdict\":\"pass\",\"kind\":\"check\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rf, err := Parse("f.jsonl", data)
		if err != nil {
			var in *exitcode.InputError
			if !errors.As(err, &in) || !strings.HasPrefix(err.Error(), "f.jsonl") {
				t.Fatalf("err %v (%T): want an input error naming the file", err, err)
			}
			return
		}
		if rf.Timeline != nil && rf.Timeline.Len() > 2000 {
			return // rendering long timelines is slow, not wrong
		}
		for _, f := range []render.Format{render.Table, render.Markdown, render.JSON, render.JUnit, render.HTML} {
			_ = render.Write(io.Discard, rf.Report(), f)
		}
		if rep, err := Merge([]*File{rf, rf}); err == nil {
			_ = render.Write(io.Discard, rep, render.Table)
		}
	})
}
