package probe

import (
	"hash/fnv"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/probe/retry"
)

// TestHTTPAccounting sends 300 events at once through 8 slots to a server
// that fails about half the requests after a short random delay, with
// immediate retries, and checks the books: the Observer saw every attempt
// once, in send order, each delivery got one outcome after its attempts,
// and the outcomes' attempt counts add up to the attempts sent. The server
// is served in memory and the run, its delays and its drain take virtual
// time, so that how busy this machine is changes nothing.
func TestHTTPAccounting(t *testing.T) {
	synctest.Test(t, testHTTPAccounting)
}

func testHTTPAccounting(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := fnv.New32a()
		b := make([]byte, 64)
		n, _ := r.Body.Read(b)
		h.Write(b[:n])
		v := h.Sum32()
		time.Sleep(time.Duration(v%3) * time.Millisecond)
		if v>>16&1 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	body, err := ParseBody("test", `{"id":"{{.ID}}","attempt":{{.Attempt}}}`, 0)
	if err != nil {
		t.Fatal(err)
	}
	rec, st, err := runEngine(t, memEngine(&Engine{Source: evenly(300, 0), Policy: retry.Immediate{Max: 3}, Target: &HTTPTarget{MaxInFlight: 8, Body: body, Drain: time.Second}}, h))
	if err != nil {
		t.Fatal(err)
	}
	checkOneOutcomeEach(t, rec, st)
	sum := 0
	for _, o := range rec.outcomes {
		sum += o.Attempts
	}
	if int64(sum) != st.Attempts {
		t.Errorf("outcomes count %d attempts, %d were sent", sum, st.Attempts)
	}
	perEvent := map[uint64]int{}
	for i, a := range rec.attempts {
		if i > 0 && a.Sent < rec.attempts[i-1].Sent {
			t.Fatalf("attempt %d reported out of send order", i)
		}
		perEvent[a.Event]++
		if a.N != perEvent[a.Event] {
			t.Fatalf("event %d: attempt N=%d reported as its attempt number %d", a.Event, a.N, perEvent[a.Event])
		}
	}
	f := rec.fates()
	if f[Delivered]+f[GaveUp] != 300 || st.Emissions != 300 || st.Attempts <= 300 {
		t.Errorf("fates %v, %d emissions, %d attempts", f, st.Emissions, st.Attempts)
	}
	t.Logf("%d attempts, fates %v, %d late", st.Attempts, f, st.Late)
}
