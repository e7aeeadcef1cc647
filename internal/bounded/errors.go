package bounded

import "github.com/hooklimit/hooklimit/internal/exitcode"

func inputErr(name, msg string) *exitcode.InputError {
	return &exitcode.InputError{File: name, Msg: msg}
}

// openError is an input error that also unwraps to the cause from os.Open.
type openError struct {
	*exitcode.InputError
	cause error
}

// Unwrap returns the input error and the cause.
func (e *openError) Unwrap() []error { return []error{e.InputError, e.cause} }
