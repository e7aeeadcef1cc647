package limitsim

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestHandlerBindsIETF: a handler binds the ietf dialect to its profile
// (RateLimit-Policy and the limits' names made once), and answers every
// request exactly as the unbound dialect would: for every built-in
// profile, ietf alone and after the profile's own dialect, over traffic
// that is admitted and rejected, each limit made small enough to reject.
func TestHandlerBindsIETF(t *testing.T) {
	for _, name := range BuiltinNames() {
		p := mustBuiltin(t, name)
		for i := range p.Limits { // small enough to be reached in a second
			l := &p.Limits[i]
			l.Quota, l.Burst = min(l.Quota, 40), min(l.Burst, 40)
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("%s made small: %v", name, err)
		}
		for _, names := range []string{"ietf", p.Dialect + ",ietf"} {
			t.Run(name+"/"+names, func(t *testing.T) {
				answers := func(bound bool) []string {
					clock := newClock(at0)
					h := newHandler(t, HandlerOptions{Profile: p, Dialects: []string{names}, Now: clock.Now})
					if !strings.Contains(fmt.Sprintf("%#v", h.dialect), "ietfBound") {
						t.Fatalf("the handler's dialect %#v is not bound", h.dialect)
					}
					if !bound {
						h.dialect, _ = Dialects(names)
					}
					var out []string
					for i := range 300 {
						clock.Set(at0 + int64(i)*int64(7*time.Millisecond))
						w := serve(h, post(fmt.Sprintf("/hooks/t%d", i%2), strings.Repeat("x", 10+i%9*40)))
						out = append(out, fmt.Sprint(w.Code, " ", w.Header(), " ", w.Body.String()))
					}
					return out
				}
				want, got := answers(false), answers(true)
				if all := strings.Join(want, "\n"); !strings.Contains(all, "Ratelimit-Policy:[") || !strings.Contains(all, "429 ") {
					t.Fatalf("the traffic has no 429 or no RateLimit-Policy: it tests too little\n%s", want[len(want)-1])
				}
				if !reflect.DeepEqual(got, want) {
					for i := range got {
						if got[i] != want[i] {
							t.Fatalf("request %d answered\n%s\nwant (unbound)\n%s", i, got[i], want[i])
						}
					}
				}
			})
		}
	}
}
