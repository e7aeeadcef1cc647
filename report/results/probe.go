package results

import (
	"strconv"

	"github.com/hooklimit/hooklimit/probe/discover"
)

// ProbeRequest writes the line of one request a probe made, of type
// "probe_request":
//
//	{"type":"probe_request","seq":26,"step":"burst","size":2,
//	 "intended":"2026-02-17T09:00:01.000000000Z","sent":"...","done":"...",
//	 "status":429,"retry_after_ms":1000,"latency_ms":0.4,
//	 "rate_limit":{"Retry-After":"1"}}
//
// with "error" for a transport error, and "key":"also" for a request to
// the other URL of the scope step (--also). The result line of a probe is
// {"type":"result","result":{...,"kind":"probe"}} (see ProbeResult).
// Request headers and bodies are never written.
func (rw *Writer) ProbeRequest(p *discover.ProbeRequest) {
	if rw.err != nil {
		return
	}
	b := rw.buf[:0]
	b = strconv.AppendInt(append(b, `{"type":"probe_request","seq":`...), int64(p.Seq), 10)
	b = appendJSONString(append(b, `,"step":`...), p.Step)
	if p.Key != "" {
		b = appendJSONString(append(b, `,"key":`...), p.Key)
	}
	b = strconv.AppendInt(append(b, `,"size":`...), p.Size, 10)
	b = appendTime(append(b, `,"intended":`...), p.Intended)
	b = appendTime(append(b, `,"sent":`...), p.Sent)
	b = appendTime(append(b, `,"done":`...), p.Done)
	b = strconv.AppendInt(append(b, `,"status":`...), int64(p.Status), 10)
	if p.HasRetryAfter {
		b = strconv.AppendInt(append(b, `,"retry_after_ms":`...), p.RetryAfter.Milliseconds(), 10)
	}
	b = strconv.AppendFloat(append(b, `,"latency_ms":`...), float64(p.Done-p.Sent)/1e6, 'f', -1, 64)
	if p.Err != "" {
		b = appendJSONString(append(b, `,"error":`...), p.Err)
	}
	b = appendRateLimit(b, p.RateLimit)
	b = append(b, "}\n"...)
	rw.buf = b
	_, rw.err = rw.w.Write(b)
}
