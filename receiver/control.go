package receiver

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hooklimit/hooklimit/receiver/session"
	"github.com/hooklimit/hooklimit/report/render"
)

// Stats are the live numbers of GET /_hooklimit/stats: the recorder's
// counts (session.Stats) and the receiver's own. Requests, Accepted,
// Rejected429, Errors and Unmatched count every answer given so far; the
// other counts of the recorder lag up to the reorder window (50 ms, plus
// the longest added latency) behind, since records are put in time order
// first.
type Stats struct {
	session.Stats
	Listen     string  `json:"listen"`
	UptimeS    float64 `json:"uptime_s"`
	Partitions int     `json:"partitions"` // partitions the simulator holds now
	Queued     int     `json:"queued"`     // records not yet handed to the recorder
	Dropped    int64   `json:"dropped"`
}

// Stats returns the live numbers.
func (rv *Receiver) Stats() Stats {
	var st Stats
	rv.pipe.do(func() { st.Stats = rv.pipe.rec.Stats() }, false)
	c := &rv.counts
	st.Accepted, st.Rejected429, st.Unmatched = c.accepted.Load(), c.rejected.Load(), c.unmatched.Load()
	st.Unanswered, st.Errors = c.unanswered.Load(), c.errors.Load()
	st.Requests = st.Accepted + st.Rejected429 + st.Unmatched + st.Unanswered + st.Errors
	st.Listen = *rv.listen.Load()
	if rv.start != 0 {
		st.UptimeS = float64(time.Duration(rv.now().UnixNano()-rv.start).Milliseconds()) / 1000
	}
	st.Partitions = rv.sim.Keys()
	st.Queued = len(rv.pipe.ch)
	st.Dropped = rv.Dropped()
	return st
}

// The keys a report from GET /_hooklimit/report shows rows of, the worst
// first: ReportKeys unless ?keys=N asks for up to MaxReportKeys (?all=1:
// MaxReportKeys). The summary and the metrics are over every key. The
// bound keeps a report's memory and size small whatever the keys held.
const (
	ReportKeys    = 20
	MaxReportKeys = 10_000
)

// control answers the receiver's own paths:
//
//	GET /_hooklimit/stats            live numbers as JSON, for a CI job to poll
//	GET /_hooklimit/report?format=F  the report so far, in F: json (default),
//	                                 table, markdown or junit; ?keys=N or
//	                                 ?all=1 for the rows of more keys
//
// Neither is counted as a webhook request.
func (rv *Receiver) control(w http.ResponseWriter, r *http.Request) {
	if tok := rv.opt.AdminToken; tok != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="hooklimit serve"`)
			http.Error(w, "401 Unauthorized: the admin endpoints need Authorization: Bearer and the token of --admin-token-env", http.StatusUnauthorized)
			return
		}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case ControlPrefix + "stats":
		b, _ := json.Marshal(rv.Stats())
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(append(b, '\n'))
	case ControlPrefix + "report":
		f := render.Format(r.URL.Query().Get("format"))
		if f == "" {
			f = render.JSON
		}
		types := map[render.Format]string{
			render.JSON: "application/json", render.Table: "text/plain; charset=utf-8",
			render.Markdown: "text/markdown; charset=utf-8", render.JUnit: "application/xml",
		}
		ct, ok := types[f]
		if !ok {
			http.Error(w, "400 Bad Request: format must be json, table, markdown or junit", http.StatusBadRequest)
			return
		}
		keys, err := reportKeys(r.URL.Query())
		if err != nil {
			http.Error(w, "400 Bad Request: "+err.Error(), http.StatusBadRequest)
			return
		}
		var buf bytes.Buffer
		if err := render.Write(&buf, rv.result(false, keys), f); err != nil {
			http.Error(w, "500 Internal Server Error: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(buf.Bytes())
	default:
		http.Error(w, "404 Not Found: hooklimit serve has /_hooklimit/stats and /_hooklimit/report", http.StatusNotFound)
	}
}

// reportKeys reads ?keys=N (1 to MaxReportKeys) and ?all=1 (MaxReportKeys).
func reportKeys(q url.Values) (int, error) {
	keys := ReportKeys
	if v := q.Get("keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxReportKeys {
			return 0, fmt.Errorf("keys must be a number from 1 to %d, not %q", MaxReportKeys, v)
		}
		keys = n
	}
	if v := q.Get("all"); v != "" {
		all, err := strconv.ParseBool(v)
		if err != nil {
			return 0, fmt.Errorf("all must be 1 or 0, not %q", v)
		}
		if all {
			keys = MaxReportKeys
		}
	}
	return keys, nil
}
