package receiver

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/receiver/session"
)

// TestPipelineGathersRecords: at 10,000 records a second, one every
// 100 µs of virtual time, the recorder's goroutine takes them in batches,
// waking about once a millisecond (gatherFor) rather than once a record,
// and still hands every one over, in order.
func TestPipelineGathersRecords(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rv, _, _ := newReceiver(t, Options{Now: time.Now})
		const n = 1000
		for i := range n {
			time.Sleep(100 * time.Microsecond)
			rv.pipe.push(&session.Record{Seq: uint64(i + 1), Time: time.Now().UnixNano(), Key: "t1", Keyed: true, Status: 200})
		}
		rv.Close()
		if got := rv.Result(false).Requests.Total; got != n {
			t.Fatalf("recorded %d of %d", got, n)
		}
		// 100 ms of records: 100 wake-ups a millisecond apart, and a few
		// more where a pause ends just before a record comes.
		if w := rv.pipe.wakes; w < 50 || w > 150 {
			t.Errorf("the recorder's goroutine woke %d times for %d records, want about 100", w, n)
		}
	})
}
