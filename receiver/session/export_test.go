package session

// SessionForTest is the session fixture, for the external tests.
var SessionForTest = session
