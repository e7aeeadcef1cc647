// Package exitcode holds the errors that carry hooklimit's exit codes.
//
// Every command exits with one of the codes below, and only main turns an
// error into a code (with Of). Packages below cmd return ordinary errors; an
// error that should end the process with a particular code is wrapped in an
// *Error, and input problems are reported as *InputError, which always means
// exit 2.
package exitcode

import (
	"errors"
	"fmt"
)

// The exit codes, the same for every command.
const (
	// OK: every verdict passed and every threshold held.
	OK = 0
	// Fail: a compliance verdict failed or a threshold was breached.
	Fail = 1
	// Usage: a usage, configuration or input error.
	Usage = 2
	// Runtime: a runtime error such as an unreachable target or failed I/O.
	Runtime = 3
	// Interrupted: the run was interrupted; partial results were written.
	Interrupted = 130
)

// Error is an error that ends the process with Code.
type Error struct {
	Code int
	Err  error
}

// Error returns the wrapped error's message.
func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

// Unwrap returns the wrapped error.
func (e *Error) Unwrap() error { return e.Err }

// New wraps err so that it ends the process with code. New(code, nil) is an
// error with no message of its own, for a failed verdict that was already
// reported.
func New(code int, err error) error { return &Error{Code: code, Err: err} }

// Usagef returns an error with exit code 2 and a formatted message.
func Usagef(format string, args ...any) error {
	return &Error{Code: Usage, Err: fmt.Errorf(format, args...)}
}

// Runtimef returns an error with exit code 3 and a formatted message.
func Runtimef(format string, args ...any) error {
	return &Error{Code: Runtime, Err: fmt.Errorf(format, args...)}
}

// InputError reports bad input: a profile, plan or traffic file, a header or
// a flag value. Its message names the file, the line and the field, so the
// user can go straight to the mistake. It always means exit code 2.
type InputError struct {
	File  string // file name, "-" for standard input, or "flag --name"
	Line  int    // 1-based line; 0 when not known or not meaningful
	Field string // the field, column or key at fault; may be empty
	Msg   string // what is wrong, in a few words
}

// Error formats the problem as "file:line: field: message".
func (e *InputError) Error() string {
	s := e.File
	if s == "" {
		s = "input"
	}
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Msg
}

// Of returns the exit code for err: 0 for nil, the code of an *Error, 2 for an
// *InputError, and 3 for any other error.
func Of(err error) int {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var in *InputError
	if errors.As(err, &in) {
		return Usage
	}
	return Runtime
}
