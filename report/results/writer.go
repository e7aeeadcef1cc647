package results

import (
	"encoding/json"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/hooklimit/hooklimit/probe"
	"github.com/hooklimit/hooklimit/report"
)

// Writer writes a results file: JSON Lines, one object a line. Each
// attempt is a line of type "attempt":
//
//	{"type":"attempt","event":12,"copy":0,"key":"t1","attempt":2,"size":512,
//	 "intended":"2026-02-17T09:00:01.000000000Z","sent":"...","done":"...",
//	 "status":429,"retry_after_ms":1000,"latency_ms":0.8,"late":false}
//
// with "workspace" when the event named one, "sender" when the run had
// several senders (the one that sent it), "error" for a transport
// error and "rate_limit" (the target's
// rate-limit headers) when the target sent any. The last line, of type
// "result", holds the whole result (see RunResult). Request headers and
// bodies are never written, so secrets cannot leak into a results file.
//
// Lines go through a LineWriter, so the file only ever holds whole lines,
// and a line is written at most LineFlushEvery after it came.
type Writer struct {
	w   *LineWriter
	buf []byte
	err error
}

// NewWriter returns a writer of results lines to w, through a
// LineWriter: w itself when it is one (the command keeps it to close it
// on a second Ctrl-C), a new one otherwise. Call Close (or Result) to
// flush.
func NewWriter(w io.Writer) *Writer {
	lw, ok := w.(*LineWriter)
	if !ok {
		lw = NewLineWriter(w)
	}
	return &Writer{w: lw}
}

// Attempt writes one attempt line.
func (rw *Writer) Attempt(a *probe.Attempt) {
	if rw.err != nil {
		return
	}
	b := rw.buf[:0]
	b = append(b, `{"type":"attempt","event":`...)
	b = strconv.AppendUint(b, a.Event, 10)
	b = append(b, `,"copy":`...)
	b = strconv.AppendInt(b, int64(a.Copy), 10)
	b = append(b, `,"key":`...)
	b = appendJSONString(b, a.Key)
	if a.Workspace != "" {
		b = appendJSONString(append(b, `,"workspace":`...), a.Workspace)
	}
	if a.Sender != "" {
		b = appendJSONString(append(b, `,"sender":`...), a.Sender)
	}
	b = append(b, `,"attempt":`...)
	b = strconv.AppendInt(b, int64(a.N), 10)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, a.Size, 10)
	b = appendTime(append(b, `,"intended":`...), a.Intended)
	b = appendTime(append(b, `,"sent":`...), a.Sent)
	b = appendTime(append(b, `,"done":`...), a.Done)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(a.Status), 10)
	if a.HasRetryAfter {
		b = append(b, `,"retry_after_ms":`...)
		b = strconv.AppendInt(b, a.RetryAfter.Milliseconds(), 10)
	}
	b = append(b, `,"latency_ms":`...)
	b = strconv.AppendFloat(b, float64(a.Done-a.Sent)/1e6, 'f', -1, 64)
	b = append(b, `,"late":`...)
	b = strconv.AppendBool(b, a.Late)
	if a.Err != "" {
		b = appendJSONString(append(b, `,"error":`...), a.Err)
	}
	b = appendRateLimit(b, a.RateLimit)
	b = append(b, "}\n"...)
	rw.buf = b
	_, rw.err = rw.w.Write(b)
}

// Result writes the closing line, {"type":"result","result":v}, and
// flushes.
func (rw *Writer) Result(v any) error {
	if rw.err != nil {
		return rw.err
	}
	enc := json.NewEncoder(rw.w) // writes the line and its newline in one call
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		Type   string `json:"type"`
		Result any    `json:"result"`
	}{"result", v}); err != nil {
		rw.err = err
		return err
	}
	return rw.Close()
}

// Close writes the whole lines buffered; the LineWriter stays open.
func (rw *Writer) Close() error {
	if rw.err == nil {
		rw.err = rw.w.Flush()
	}
	return rw.err
}

// Err returns the first write error.
func (rw *Writer) Err() error { return rw.err }

func appendTime(b []byte, ns int64) []byte {
	b = append(b, '"')
	b = time.Unix(0, ns).UTC().AppendFormat(b, report.TimestampLayout)
	return append(b, '"')
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendRateLimit appends `,"rate_limit":{...}` with the fields of m in
// the order of their names, or nothing when m is empty.
func appendRateLimit(b []byte, m map[string]string) []byte {
	if len(m) == 0 {
		return b
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	b = append(b, `,"rate_limit":{`...)
	for i, k := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, m[k])
	}
	return append(b, '}')
}
