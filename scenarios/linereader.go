package scenarios

// maxLineLen is the longest line a reader accepts. A longer line is an
// invalid line; its bytes are read and dropped, never held. Tests lower
// it.
var maxLineLen = 16 << 20

// isBlank reports whether a line holds nothing but spaces and tabs.
func isBlank(b []byte) bool {
	return len(trimSpace(b)) == 0
}
