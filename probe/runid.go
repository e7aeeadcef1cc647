package probe

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
)

// RunIDHeader is the request header that carries the id of the run that
// sent the request, so that a receiver such as `hooklimit serve` tells
// separate runs apart.
const RunIDHeader = "X-Hooklimit-Run"

// MaxRunIDLen bounds a run id.
const MaxRunIDLen = 64

// NewRunID returns a fresh run id: 12 lowercase hex digits from the
// system's random source, so two runs, even with one seed, get different
// ids (the chance that two of a thousand runs share one is below 1 in a
// billion).
func NewRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// ValidRunID reports whether id can be a run id: 1 to MaxRunIDLen
// letters, digits, '.', '_' or '-', so that it is safe in a header, a
// URL and a JSON string as it is.
func ValidRunID(id string) bool {
	if id == "" || len(id) > MaxRunIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// eventID is the id of an event of run runID: "RUNID-evt-N". Every attempt
// and copy of the event carries it; events of separate runs never share
// one.
func eventID(runID string, event uint64) string {
	return runID + "-evt-" + strconv.FormatUint(event, 10)
}
