package domain

import (
	"errors"
	"fmt"
)

// Code classifies an error for transports. The set is small on purpose: a caller needs to know
// whether to fix its input, look elsewhere, retry after re-reading, authenticate, or call us.
type Code string

const (
	CodeInvalid      Code = "invalid"      // the input breaks a rule; fix it and try again
	CodeNotFound     Code = "not_found"    // the thing asked for does not exist
	CodeConflict     Code = "conflict"     // the ledger changed under you, or the fact contradicts history
	CodeUnauthorized Code = "unauthorized" // who you are is unknown
	CodeForbidden    Code = "forbidden"    // who you are may not do this
	CodeInternal     Code = "internal"     // our fault
)

// transport is the one table from codes to HTTP statuses and process exit codes.
var transport = map[Code]struct{ http, exit int }{
	CodeInvalid:      {400, 2},
	CodeNotFound:     {404, 3},
	CodeConflict:     {409, 4},
	CodeUnauthorized: {401, 5},
	CodeForbidden:    {403, 5},
	CodeInternal:     {500, 1},
}

// HTTPStatus maps a code to its HTTP status.
func HTTPStatus(c Code) int {
	if t, ok := transport[c]; ok {
		return t.http
	}
	return 500
}

// ExitCode maps a code to the exit code of the command-line tool.
func ExitCode(c Code) int {
	if t, ok := transport[c]; ok {
		return t.exit
	}
	return 1
}

// Error is an application error with a code, the field at fault (if any) and a message a clerk
// can act on, e.g. `stars: 2 stars get no certificate; only 3, 4 or 5 stars are certified`.
type Error struct {
	Code    Code
	Field   string // JSON path of the offending field, e.g. "decision.date"
	Value   any    // the offending value, if useful
	Message string
	Err     error // wrapped cause, if any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid returns a CodeInvalid error for a field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Conflict returns a CodeConflict error: the command contradicts what the ledger holds.
func Conflict(format string, args ...any) *Error {
	return &Error{Code: CodeConflict, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns a CodeNotFound error.
func NotFound(format string, args ...any) *Error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: the Code of a wrapped *Error, CodeInternal otherwise.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorField returns the offending field of a wrapped *Error, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// prefixField returns err with its field prefixed by p ("decision" + "date" → "decision.date").
func prefixField(p string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		if c.Field == "" {
			c.Field = p
		} else {
			c.Field = p + "." + c.Field
		}
		return &c
	}
	return err
}
