package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hooklimit/hooklimit/internal/memhttp"
)

// TestRunLostEventsFail: a run that loses events fails by default, even
// when what it sent stayed under every limit, and says why in every
// format; a threshold on lost accepts the losses. The target answers 500
// to event 1 only, so with no retries exactly one event is lost. It is
// served in memory, in virtual time.
func TestRunLostEventsFail(t *testing.T) {
	target := memhttp.Transport{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Event-Id"), "-evt-1") && r.URL.Path == "/hooks/lose" {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})}
	tests := []struct {
		name, path string
		extra      []string
		code       int
		want       []string
		not        string
	}{
		{"none lost passes", "/hooks/keep", nil, 0, []string{"hooklimit run: PASS"}, "lost==0"},
		{"one lost fails", "/hooks/lose", nil, 1, []string{"hooklimit run: FAIL",
			"threshold lost==0: FAIL (lost is 1): a run that loses events fails unless a threshold on lost or lost_rate accepts losses (to accept these, --threshold 'lost<=1')"}, ""},
		{"markdown says why", "/hooks/lose", []string{"--format", "markdown"}, 1, []string{"**hooklimit run: FAIL**", "- threshold `lost==0`: FAIL (lost is 1): a run that loses events fails"}, ""},
		{"json says why", "/hooks/lose", []string{"--format", "json"}, 1, []string{`"verdict": "fail"`, `"threshold": "lost==0"`, `"why": "a run that loses events fails unless`}, ""},
		{"junit says why", "/hooks/lose", []string{"--format", "junit"}, 1, []string{`<testcase name="lost==0"`, `message="lost is 1, want ==0: a run that loses events fails`}, ""},
		{"a threshold accepts it", "/hooks/lose", []string{"--threshold", "lost<=1"}, 0, []string{"hooklimit run: PASS", "threshold lost<=1: pass (lost is 1)"}, "lost==0"},
		{"lost_rate accepts it too", "/hooks/lose", []string{"--threshold", "lost_rate<0.5"}, 0, []string{"hooklimit run: PASS"}, "lost==0"},
		{"a threshold that does not hold", "/hooks/lose", []string{"--threshold", "lost<1"}, 1, []string{"threshold lost<1: FAIL (lost is 1)"}, "lost==0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				d, out, errOut := newTestDeps()
				d.Now, d.Transport, d.Clock = time.Now, target, memhttp.Clock{}
				args := append([]string{"run", "steady", "--rate", "10/s", "--events", "3", "--target", "http://127.0.0.1:8080" + tt.path,
					"--retry", "none", "--drain", "0s", "--quiet"}, tt.extra...)
				code := execute(context.Background(), newRootCmd(d), errOut, args)
				if code != tt.code {
					t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
				}
				for _, w := range tt.want {
					if !strings.Contains(out.String(), w) {
						t.Errorf("stdout lacks %q:\n%s", w, out)
					}
				}
				if tt.not != "" && strings.Contains(out.String(), tt.not) {
					t.Errorf("stdout has %q:\n%s", tt.not, out)
				}
			})
		})
	}
}
