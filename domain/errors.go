package domain

import (
	"errors"
	"fmt"
	"slices"
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
	CodeUnavailable  Code = "unavailable"  // not now: ask again shortly (e.g. read models being rebuilt)
	// CodeHistoryMismatch: the log, an export or a proof does not match the history a signed
	// checkpoint (or what this ledger knows) says existed: missing, shorter, with a gap, or
	// hashing differently.
	CodeHistoryMismatch Code = "history_mismatch"
	CodeStorageFull     Code = "storage_full" // the ledger's disk is full: nothing was recorded; free space, then try again
)

// transport is the one table from codes to HTTP statuses and process exit codes.
var transport = map[Code]struct{ http, exit int }{
	CodeInvalid:      {400, 2},
	CodeNotFound:     {404, 3},
	CodeConflict:     {409, 4},
	CodeUnauthorized: {401, 5},
	CodeForbidden:    {403, 5},
	CodeInternal:     {500, 1},
	CodeUnavailable:  {503, 1},
	// 409: what was asked contradicts the history; exit 6, its own code, so scripts can tell a
	// log or export that does not verify from a mistake in how the command was called.
	CodeHistoryMismatch: {409, 6},
	CodeStorageFull:     {507, 1},
}

// Codes lists every error code, sorted: the API documents each of them.
func Codes() []Code {
	out := make([]Code, 0, len(transport))
	for c := range transport {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
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
//
// Message is English. Format and Args record how it was built, so that i18n.Localize can build
// it again from the Vietnamese format of the same message (messages_vi.go here for the domain's
// own messages, the catalogue of package i18n for the adapters').
type Error struct {
	Code    Code
	Field   string // JSON path of the offending field, e.g. "decision.date"
	Value   any    // the offending value, if useful
	Message string
	Format  string // the English format Message was built from
	Args    []any  // the arguments of Format
	Err     error  // wrapped cause, if any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid returns a CodeInvalid error for a field. The format is English and a constant: its
// Vietnamese form is looked up by it (messages_vi.go, or package i18n).
func Invalid(field, format string, args ...any) *Error {
	return newError(CodeInvalid, field, format, args...)
}

// Conflict returns a CodeConflict error: the command contradicts what the ledger holds.
func Conflict(format string, args ...any) *Error {
	return newError(CodeConflict, "", format, args...)
}

// NotFound returns a CodeNotFound error.
func NotFound(format string, args ...any) *Error {
	return newError(CodeNotFound, "", format, args...)
}

// Unauthorized returns a CodeUnauthorized error: who is calling is not known (no token, or a
// token the server does not hold). field names what to fix, e.g. "Authorization".
func Unauthorized(field, format string, args ...any) *Error {
	return newError(CodeUnauthorized, field, format, args...)
}

// Forbidden returns a CodeForbidden error: the caller is known but may not do this.
func Forbidden(format string, args ...any) *Error {
	return newError(CodeForbidden, "", format, args...)
}

// Internal returns a CodeInternal error: something failed that the caller cannot fix by changing
// the input (a store that cannot be opened, a ledger that does not reproduce a report). A clerk
// still reads it, so it is translated like the others; set Err to the cause.
func Internal(format string, args ...any) *Error {
	return newError(CodeInternal, "", format, args...)
}

// Unavailable returns a CodeUnavailable error: the answer exists but cannot be given right now
// (the read models are being rebuilt); asking again shortly succeeds.
func Unavailable(format string, args ...any) *Error {
	return newError(CodeUnavailable, "", format, args...)
}

// HistoryMismatch returns a CodeHistoryMismatch error: the log, an export or a proof does not
// match the history a signed checkpoint or the ledger itself vouches for.
func HistoryMismatch(format string, args ...any) *Error {
	return newError(CodeHistoryMismatch, "", format, args...)
}

// StorageFull returns a CodeStorageFull error: the ledger's storage has no room to record;
// nothing was recorded, and recording works again once space is freed.
func StorageFull(format string, args ...any) *Error {
	return newError(CodeStorageFull, "", format, args...)
}

func newError(c Code, field, format string, args ...any) *Error {
	return &Error{Code: c, Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// message is an error without a code (a date that does not exist, say) whose English text is
// built from a format, kept so that i18n.Localize can translate it like an *Error.
type message struct {
	text   string
	format string
	args   []any
}

// errorf is fmt.Errorf without %w for messages a clerk may read: i18n.Localize translates them.
func errorf(format string, args ...any) error {
	return &message{fmt.Sprintf(format, args...), format, args}
}

func (m *message) Error() string { return m.text }

// Template returns the English format Message was built from and its arguments, so that a
// message catalogue (package i18n) can build it again in another language.
func (e *Error) Template() (format string, args []any) { return e.Format, e.Args }

// Template returns the English format of m and its arguments, like (*Error).Template.
func (m *message) Template() (format string, args []any) { return m.format, m.args }

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
