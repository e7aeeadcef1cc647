package results

import (
	"strconv"

	"github.com/hooklimit/hooklimit/receiver/session"
)

// Request writes the line of one request serve answered, of type
// "request":
//
//	{"type":"request","seq":7,"time":"2026-02-17T09:00:01.000000000Z",
//	 "key":"t1","workspace":"acme","size":512,"status":429,"retry_after_s":1,"event":3,
//	 "event_id":"k3v9q2m7x4ab-evt-3","id_from":"header",
//	 "sender":"k3v9q2m7x4ab","attempt":2,
//	 "retry_slack_ms":-850.2,"early":true,"partition_violation":true}
//
// workspace is there when the request named one (serve --workspace);
// sender is the request's X-Hooklimit-Run header, when it had one (see
// ServeDelivery). unanswered is there, true, when the answer (status) never
// reached the client (session.Record.Unanswered). retry_after_s is there when
// a Retry-After was sent; retry_slack_ms and
// early for a retry after a 429 with Retry-After; partition_violation when
// the request came inside another 429's Retry-After on its partition (the
// partition of the profile's scope: the workspace for a workspace-scoped
// profile). An
// event id found by hashing the body is written "hash:" and 16 hex digits.
// A request whose path matched no key pattern has only seq, time and
// status. No header, body, path or query is written, so neither secrets
// nor tokens in URLs can leak into a results file.
func (rw *Writer) Request(r *session.Record, info *session.RequestInfo) {
	if rw.err != nil {
		return
	}
	b := rw.buf[:0]
	b = append(b, `{"type":"request","seq":`...)
	b = strconv.AppendUint(b, r.Seq, 10)
	b = appendTime(append(b, `,"time":`...), r.Time)
	if info != nil {
		b = appendJSONString(append(b, `,"key":`...), r.Key)
		if r.Workspace != "" {
			b = appendJSONString(append(b, `,"workspace":`...), r.Workspace)
		}
		b = strconv.AppendInt(append(b, `,"size":`...), r.Size, 10)
	}
	b = strconv.AppendInt(append(b, `,"status":`...), int64(r.Status), 10)
	if r.Unanswered {
		b = append(b, `,"unanswered":true`...)
	}
	if r.RetryAfter > 0 {
		b = strconv.AppendInt(append(b, `,"retry_after_s":`...), r.RetryAfter, 10)
	}
	if info != nil {
		b = strconv.AppendUint(append(b, `,"event":`...), info.Event, 10)
		switch r.IDFrom {
		case session.IDHeader, session.IDBody:
			b = appendJSONString(append(b, `,"event_id":`...), r.EventID)
		case session.IDHash:
			b = append(b, `,"event_id":"hash:`...)
			b = appendHex16(b, r.EventHash)
			b = append(b, '"')
		}
		b = append(append(append(b, `,"id_from":"`...), r.IDFrom.String()...), '"')
		if r.Sender != "" {
			b = appendJSONString(append(b, `,"sender":`...), r.Sender)
		}
		b = strconv.AppendInt(append(b, `,"attempt":`...), int64(info.N), 10)
		if info.FollowsRetryAfter {
			b = strconv.AppendFloat(append(b, `,"retry_slack_ms":`...), float64(info.Slack)/1e6, 'f', -1, 64)
			b = strconv.AppendBool(append(b, `,"early":`...), info.Slack < 0)
		}
		if info.Violation {
			b = append(b, `,"partition_violation":true`...)
		}
	}
	b = append(b, "}\n"...)
	rw.buf = b
	_, rw.err = rw.w.Write(b)
}

func appendHex16(b []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	for i := 60; i >= 0; i -= 4 {
		b = append(b, digits[(v>>uint(i))&0xf])
	}
	return b
}
