package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/limitsim"
	"github.com/hooklimit/hooklimit/scenarios"
)

// sliceReader is a scenarios.Reader of fixed records and skipped-line
// errors; cancel, when set, is called once the reader has handed out
// cancelAfter records.
type sliceReader struct {
	recs        []scenarios.Record
	skipped     []error
	err         error // returned after the records instead of io.EOF
	cancel      func()
	cancelAfter int
	next        int
}

func (r *sliceReader) Next() (scenarios.Record, error) {
	if r.cancel != nil && r.next == r.cancelAfter {
		r.cancel()
	}
	if r.next == len(r.recs) {
		if r.err != nil {
			return scenarios.Record{}, r.err
		}
		return scenarios.Record{}, io.EOF
	}
	r.next++
	return r.recs[r.next-1], nil
}

func (r *sliceReader) Skipped() int          { return len(r.skipped) }
func (r *sliceReader) FirstSkipped() []error { return r.skipped }

// records returns n records of key, evenly spread over span from t0.
func records(key string, n int, span time.Duration) []scenarios.Record {
	out := make([]scenarios.Record, n)
	for i := range out {
		out[i] = scenarios.Record{Time: t0 + int64(i)*int64(span)/int64(n), Key: key}
	}
	return out
}

func TestCheckTraffic(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	readErr := &exitcode.InputError{File: "a.jsonl", Line: 3, Field: "time", Msg: "bad"}
	tests := []struct {
		name        string
		in          *sliceReader
		opt         CheckOptions
		cancelFirst bool // cancel before the first record
		cancelAfter int  // cancel after this many records (0: never)
		wantVerdict Verdict
		wantRecords int64
		wantErr     string // a substring of the error; the result is then nil
		wantInput   bool   // the error is an input error (exit 2)
	}{
		{name: "25 in a second pass rewst", in: &sliceReader{recs: records("t1", 25, time.Second)},
			wantVerdict: VerdictPass, wantRecords: 25},
		{name: "26 in a second fail rewst", in: &sliceReader{recs: records("t1", 26, time.Second)},
			wantVerdict: VerdictFail, wantRecords: 26},
		{name: "a threshold breached fails a passing check", in: &sliceReader{recs: records("t1", 25, time.Second)},
			opt:         CheckOptions{Thresholds: []Threshold{mustThreshold(t, "peak_ratio<1")}},
			wantVerdict: VerdictFail, wantRecords: 25},
		{name: "the key filter keeps one key", in: &sliceReader{recs: append(records("t1", 25, time.Second), records("t2", 30, time.Second)...)},
			opt:         CheckOptions{Key: "t1"},
			wantVerdict: VerdictPass, wantRecords: 25},
		{name: "no records is an input error", in: &sliceReader{},
			wantErr: "a.jsonl: no records to check", wantInput: true},
		{name: "no records for the key names it", in: &sliceReader{recs: records("t1", 3, time.Second)},
			opt:     CheckOptions{Key: "t9"},
			wantErr: `a.jsonl: no records to check for key "t9"`, wantInput: true},
		{name: "only invalid lines quotes the first", in: &sliceReader{skipped: []error{errors.New("a.jsonl:1: not JSON"), errors.New("a.jsonl:2: not JSON")}},
			wantErr: "a.jsonl: no records to check (2 invalid line(s) skipped, the first: a.jsonl:1: not JSON)", wantInput: true},
		{name: "a read error is returned as it is", in: &sliceReader{recs: records("t1", 3, time.Second), err: readErr},
			wantErr: "a.jsonl:3: time: bad", wantInput: true},
		{name: "interrupted before anything is incomplete, not an error", in: &sliceReader{recs: records("t1", 3, time.Second)},
			cancelFirst: true, wantVerdict: VerdictIncomplete, wantRecords: 0},
		{name: "interrupted midway keeps what was read", in: &sliceReader{recs: records("t1", checkPollEvery+10, time.Hour)},
			cancelAfter: checkPollEvery - 1, wantVerdict: VerdictIncomplete, wantRecords: checkPollEvery},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancelFirst {
				cancel()
			}
			if tt.cancelAfter > 0 {
				tt.in.cancel, tt.in.cancelAfter = cancel, tt.cancelAfter
			}
			opt := tt.opt
			opt.Files, opt.Now = []string{"a.jsonl"}, func() time.Time { return now }
			if opt.ShowKeys == 0 {
				opt.ShowKeys = DefaultShowKeys
			}
			res, err := CheckTraffic(ctx, tt.in, []*limitsim.Profile{builtin(t, "rewst")}, opt)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || res != nil {
					t.Fatalf("got %v, %v; want the error %q", res, err, tt.wantErr)
				}
				var in *exitcode.InputError
				if errors.As(err, &in) != tt.wantInput {
					t.Errorf("input error: %v, want %v", !tt.wantInput, tt.wantInput)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tt.wantVerdict || res.Input.Records != tt.wantRecords {
				t.Errorf("verdict %s, %d records; want %s, %d", res.Verdict, res.Input.Records, tt.wantVerdict, tt.wantRecords)
			}
			if (res.Incomplete != nil) != (tt.wantVerdict == VerdictIncomplete) {
				t.Errorf("incomplete: %+v", res.Incomplete)
			}
			if res.Incomplete != nil && (res.Incomplete.Reason != CutInterrupted || res.Incomplete.At.Time() != now) {
				t.Errorf("incomplete %+v, want interrupted at %v", res.Incomplete, now)
			}
			if len(res.Input.Files) != 1 || res.Input.Files[0] != "a.jsonl" || res.Input.Skipped != int64(len(tt.in.skipped)) {
				t.Errorf("input %+v", res.Input)
			}
		})
	}
}

// TestCheckTrafficBatchesAreTheSerialAnalysis checks the reading
// goroutine's hand-over: records spread over several batches, a last
// batch cut short and several keys give exactly the result of adding the
// same records to an analyzer one by one.
func TestCheckTrafficBatchesAreTheSerialAnalysis(t *testing.T) {
	var recs []scenarios.Record
	for i := range 3*checkBatch + 17 {
		recs = append(recs, scenarios.Record{Time: t0 + int64(i)*int64(30*time.Millisecond), Key: fmt.Sprint("k", i%7), Size: int64(i % 900), HasSize: true, Line: i + 1})
	}
	profiles := []*limitsim.Profile{builtin(t, "rewst"), builtin(t, "workato")}
	got, err := CheckTraffic(context.Background(), &sliceReader{recs: recs}, profiles, CheckOptions{Files: []string{"a.jsonl"}})
	if err != nil {
		t.Fatal(err)
	}
	an := NewAnalyzer(profiles, AnalyzerOptions{Timeline: true, Resolution: time.Second, Sorted: true})
	for _, r := range recs {
		an.Add(r)
	}
	want := an.ResultWorst(0)
	want.Input.Files = []string{"a.jsonl"}
	if err := want.ApplyThresholds(nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CheckTraffic differs from the serial analysis:\n got %+v\nwant %+v", got.Input, want.Input)
	}
}
