package session

// IDFrom says where serve found the id that follows an event across its
// retries.
type IDFrom uint8

// The places an event id comes from.
const (
	// IDNone: no id was found and body hashing is off; the request is an
	// event of its own.
	IDNone IDFrom = iota
	// IDHeader: a request header such as webhook-id or X-Event-Id.
	IDHeader
	// IDBody: a top-level field of a JSON body such as eventId or id.
	IDBody
	// IDHash: the hash of the body, so identical bodies are one event.
	IDHash
)

// String returns "none", "header", "body" or "hash".
func (f IDFrom) String() string {
	switch f {
	case IDHeader:
		return "header"
	case IDBody:
		return "body"
	case IDHash:
		return "hash"
	}
	return "none"
}

// Record is one request that `hooklimit serve` answered, as the
// recorder sees it: small, with no body and no header but the event id.
// Records reach a Recorder in the order of Time (Seq breaking ties).
type Record struct {
	Seq  uint64 // the order in which requests were decided, from 1
	Time int64  // when the request was decided (Unix ns)
	// Key is the partition key. Keyed is false for a request whose path
	// matched no key pattern (answered 404): it is counted, not analysed.
	Key   string
	Keyed bool
	// Workspace is the request's workspace (serve --workspace); "" when
	// all traffic is one workspace.
	Workspace string
	Size      int64 // body bytes read
	// Status is the status answered: 2xx admitted, 429 rejected by the
	// limits, 413 too large, 401 a bad signature, an injected 5xx, 404 or
	// 400.
	Status int
	// Unanswered says the answer never reached the client: it went away,
	// or the server closed its connection at the end of the shutdown
	// grace, before the answer was written, or writing it failed. Status
	// is then the answer meant, which the sender did not get.
	Unanswered bool
	// Decided says the limiter decided the request, and Admitted that it
	// admitted it (a 401 or an injected 5xx may still have followed).
	Decided, Admitted bool
	// RetryAfter is the Retry-After sent with a 429, in whole seconds; 0
	// when none was sent.
	RetryAfter int64
	// EventID is the event's id as the sender wrote it (IDHeader, IDBody),
	// cut to 200 bytes; the receiver leaves it empty when the Recorder has
	// no Options.Log, its only reader. EventHash identifies the event: the
	// hash of the whole id, or of the body for IDHash.
	EventID   string
	EventHash uint64
	IDFrom    IDFrom
	// Sender is the X-Hooklimit-Run header of the request (the run id of
	// hooklimit run), cut to MaxSenderLen; empty when it had none.
	Sender string
}

// MaxSenderLen bounds the sender kept in a record.
const MaxSenderLen = 64

// Accepted reports whether the request was answered with a 2xx, and the
// answer delivered.
func (r *Record) Accepted() bool { return r.Status >= 200 && r.Status <= 299 && !r.Unanswered }
