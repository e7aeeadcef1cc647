package probe

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hooklimit/hooklimit/internal/exitcode"
	"github.com/hooklimit/hooklimit/probe/retry"
)

func TestValidRunID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"0123456789ab", true}, {"ci-1234.job_7", true}, {"a", true}, {strings.Repeat("a", MaxRunIDLen), true},
		{"", false}, {strings.Repeat("a", MaxRunIDLen+1), false}, {"a b", false}, {"a/b", false}, {"a\r\nX: y", false}, {"é", false},
	} {
		if got := ValidRunID(tc.id); got != tc.want {
			t.Errorf("ValidRunID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

// TestHTTPRunIDs: two runs of one source with one seed get different run
// ids, and every request of a run carries its run's id in the event id and
// in X-Hooklimit-Run.
func TestHTTPRunIDs(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]string{} // run header -> event ids
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		run := r.Header.Get(RunIDHeader)
		seen[run] = append(seen[run], r.Header.Get(DefaultEventIDHeader))
	})
	var ids []string
	for range 2 {
		_, st, err := runEngine(t, &Engine{Source: evenly(3, 0), Policy: retry.None{}, Seed: 7, Target: &HTTPTarget{URL: srv.URL}})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.RunID) != 12 || !ValidRunID(st.RunID) {
			t.Errorf("run id %q, want 12 hex digits", st.RunID)
		}
		ids = append(ids, st.RunID)
	}
	if ids[0] == ids[1] {
		t.Fatalf("two runs with seed 7 share run id %s", ids[0])
	}
	for _, id := range ids {
		evs := seen[id]
		if len(evs) != 3 {
			t.Errorf("run %s: %d requests, want 3", id, len(evs))
		}
		for _, ev := range evs {
			if !strings.HasPrefix(ev, id+"-evt-") {
				t.Errorf("run %s sent event id %q", id, ev)
			}
		}
	}
	_, err := (&Engine{Source: evenly(1, 0), Policy: retry.None{}, Target: &HTTPTarget{URL: srv.URL, RunID: "a b"}}).Run(t.Context())
	if exitcode.Of(err) != exitcode.Usage {
		t.Errorf("run id with a space: %v, want a usage error", err)
	}
}
