package limitsim

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestHandlerShortDecisionsAnswerAlike: a handler whose dialects read no
// limit's standing decides with Partition.DecideShort; it must answer
// every request exactly as the full decision would have it answered:
// status, headers, body and what OnDecision sees but d.Limits. Every
// dialect and one composite run the same traffic (429s, Retry-After
// counting down, a body no limit can ever admit) both ways; the short
// way is taken exactly for those retryOnly names, and for any other
// dialect it would change some answer.
func TestHandlerShortDecisionsAnswerAlike(t *testing.T) {
	p := &Profile{Name: "short", Dialect: "rewst", Limits: []Limit{
		{Name: "per_second", Kind: Window, Quota: 3, Per: time.Second},
		{Name: "per_minute", Kind: Fixed, Quota: 10, Per: time.Minute},
		{Name: "bytes", Kind: Bucket, Quota: 100, Per: time.Second, Burst: 200, Unit: Bytes},
	}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	short := map[string]bool{"rewst": true, "rewst-envoy": true, "none": true, "rewst,none": true}
	for _, names := range append(DialectNames(), "rewst,none", "rewst,ietf") {
		t.Run(names, func(t *testing.T) {
			answers := func(force *bool) ([]string, bool) {
				clock := newClock(at0)
				var seen []string
				h := newHandler(t, HandlerOptions{Profile: p, Dialects: []string{names}, Now: clock.Now,
					OnDecision: func(_ *http.Request, key, _ string, size int64, d *Decision) {
						if d == nil {
							seen = append(seen, "none")
							return
						}
						seen = append(seen, fmt.Sprint(key, size, d.Now, d.Admitted, d.RetryAt))
					}})
				was := h.short
				if force != nil {
					h.short = *force
				}
				var out []string
				for i := range 40 {
					clock.Set(at0 + int64(i)*int64(150*time.Millisecond))
					body := strings.Repeat("x", 10+i%7*5)
					if i%13 == 12 {
						body = strings.Repeat("x", 250) // over the bucket's 200: never admitted
					}
					w := serve(h, post(fmt.Sprintf("/hooks/t%d", i%2), body))
					out = append(out, fmt.Sprint(w.Code, w.Header(), w.Body.String(), seen[len(seen)-1]))
				}
				return out, was
			}
			full := false
			want, _ := answers(&full)
			for _, code := range []string{"200 ", "429 ", "413 "} {
				if !strings.Contains(strings.Join(want, "\n"), "\n"+code) {
					t.Fatalf("the traffic has no %sanswer: it tests too little", code)
				}
			}
			if msg := `a body of 250 bytes is more than limit "bytes" can ever admit (capacity 200)`; !strings.Contains(strings.Join(want, "\n"), msg) {
				t.Errorf("no 413 says %q", msg)
			}
			got, took := answers(nil)
			if took != short[names] {
				t.Errorf("decides short: %v, want %v", took, short[names])
			}
			if !reflect.DeepEqual(got, want) {
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("request %d answered\n%s\nwant (the full decision)\n%s", i, got[i], want[i])
					}
				}
			}
			if !short[names] {
				yes := true
				if forced, _ := answers(&yes); reflect.DeepEqual(forced, want) {
					t.Errorf("deciding short changes no answer of %s: this test cannot tell", names)
				}
			}
		})
	}
}
