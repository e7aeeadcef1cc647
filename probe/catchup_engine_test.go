package probe

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/probe/retry"
)

// TestEngineCatchesUpAfterAStall stalls the sender for 250 ms after its
// first attempt (a slow Observer, which runs on the sender's goroutine),
// on a schedule of one event every 100 ms, in virtual time. Judged
// against a profile of sliding windows (1 s), the attempts it missed leave
// at once when it wakes and the next on time; the one due when the
// schedule's second up to it no longer holds the attempt due at 0 waits
// until the burst is a second (and the tolerance) old, unless the
// profile's quota has room for it (the count clause), or the key's plan
// holds more than the quota in the second up to it (the plan clause: one
// key at 10/s against 9 a second leaves on time; two keys of 5/s each are
// held, their run over the quota, each within it). Without a profile
// the attempts keep the schedule's gaps, shifted by the stall's excess
// over the tolerance.
func TestEngineCatchesUpAfterAStall(t *testing.T) { synctest.Test(t, testEngineCatchesUp) }

func testEngineCatchesUp(t *testing.T) {
	ms := func(v ...int64) []int64 {
		for i := range v {
			v[i] *= int64(time.Millisecond)
		}
		return v
	}
	roomy := windowProfile(time.Second)
	roomy.Limits[0].Quota = 12 // the most the catch-up puts in a second; 11 would hold the attempt due at 1.2 s
	over := windowProfile(time.Second)
	over.Limits[0].Quota = 9 // each second of the plan up to an attempt holds 10 from 1 s on
	tests := []struct {
		name string
		e    Engine
		want []int64 // each attempt's Sent − the run's start
	}{
		{"caught up, within 1 s", Engine{Profile: windowProfile(time.Second)},
			ms(0, 250, 250, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1250, 1300)},
		{"caught up, limits with room: no hold a second later", Engine{Profile: roomy},
			ms(0, 250, 250, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300)},
		{"caught up, a plan over the limits: no hold a second later", Engine{Profile: over},
			ms(0, 250, 250, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300)},
		{"two keys, each within the limits: held a second later", Engine{Profile: over},
			ms(0, 250, 250, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1250, 1300)},
		{"no profile: the gaps kept", Engine{},
			ms(0, 250, 349, 449, 549, 649, 749, 849, 949, 1049, 1149, 1249, 1349, 1449)},
	}
	for _, tt := range tests {
		e := tt.e
		src := evenly(14, 100*time.Millisecond)
		if strings.HasPrefix(tt.name, "two keys") {
			for i := range src.ems {
				src.ems[i].Key = fmt.Sprint("t", i%2)
			}
		}
		e.Source, e.Policy, e.Target = src, retry.None{}, &HTTPTarget{}
		rec := &httpRec{t: t}
		first := true
		rec.onAttempt = func(*Attempt) {
			if first {
				first = false
				time.Sleep(250 * time.Millisecond)
			}
		}
		memEngine(&e, func(http.ResponseWriter, *http.Request) {})
		e.Observer = rec
		if _, err := e.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, a := range rec.attempts {
			got = append(got, a.Sent-rec.attempts[0].Sent)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: sent at %v, want %v", tt.name, durations(got), durations(tt.want))
		}
	}
}

// durations shows ns as durations, for messages.
func durations(ns []int64) []time.Duration {
	d := make([]time.Duration, len(ns))
	for i, v := range ns {
		d[i] = time.Duration(v)
	}
	return d
}
