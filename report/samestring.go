package report

import "unsafe"

// sameString reports whether a == b, without a call when the two are the
// same bytes in memory: the key of a run's attempts, for one, is one
// string the engine hands again and again, where == calls the runtime
// (and saves and restores registers around the call) once an attempt.
// Only the strings' addresses are compared, never dereferenced.
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}
